"""Every write to letters with a rule. Each state change locks the letter row, checks
the move against ``models.MOVES``, appends an event (who, when, note) and derives the
status and clock, in one transaction. Mail goes out after the commit."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mailbox import notifications
from mailbox.clock import clock_of, load_calendar
from mailbox.models import BACK, MOVES, Letter, LetterAttachment, LetterEvent, Mailbox, Reply
from portal import credentials, workflow
from portal.models import Organization
from portal.redaction import redact

Action = LetterEvent.Action
Status = Letter.Status
HANDLE = "mailbox.handle_letter"
REVIEW = "mailbox.review_letter"


# --- citizens ----------------------------------------------------------------------------


def letter_submit(
    *,
    mailbox: Mailbox,
    kind: str,
    subject: str,
    body: str,
    name: str,
    phone: str,
    email: str = "",
    consents_to_publish: bool,
    submission_token: str,
    attachments=(),
    now: datetime | None = None,
) -> tuple[Letter, bool]:
    """Store a citizen's letter, committed before the caller shows its tracking code.
    The same ``submission_token`` twice (a double click, a replayed POST) gives back
    the letter the first one created and ``False``."""
    existing = Letter.objects.filter(submission_token=submission_token).first()
    if existing is not None:
        return existing, False
    if not mailbox.is_open:
        raise ValidationError("该信箱暂停受理来信。", code="closed")
    now = now or timezone.now()
    letter = Letter(
        mailbox=mailbox, kind=kind, subject=subject, body=body, name=name, phone=phone,
        email=email, consents_to_publish=consents_to_publish, submission_token=submission_token,
        password_hash=credentials.hash_password(credentials.password_for(submission_token)),
        received_at=now, status=Status.RECEIVED,
    )  # fmt: skip
    letter.full_clean(exclude=["tracking_code"])
    for _attempt in range(5):
        letter.tracking_code = credentials.new_tracking_code()
        try:
            with transaction.atomic():
                letter.save(force_insert=True)
                _event(letter, Action.RECEIVED, from_status="", by=None, now=now)
                for upload in attachments:
                    LetterAttachment.objects.create(
                        letter=letter,
                        file=upload,
                        content_type=getattr(upload, "checked_mime", ""),
                        original_name=upload.name[:200],
                        size=upload.size,
                    )
                if letter.email:
                    password = credentials.password_for(submission_token)
                    pk = letter.pk
                    transaction.on_commit(
                        partial(notifications.acknowledge, letter_id=pk, password=password)
                    )
        except IntegrityError:
            letter.pk = None
            letter._state.adding = True
            existing = Letter.objects.filter(submission_token=submission_token).first()
            if existing is not None:  # the concurrent twin of this POST won
                return existing, False
            continue  # a tracking code taken already: draw another
        return letter, True
    raise ValidationError("暂时无法生成查询码，请稍后重试。", code="tracking_code")


def letter_find(*, tracking_code: str, password: str) -> Letter | None:
    """The letter with this code and password, or None for a wrong code or password
    alike (the caller cannot tell which, nor can a guesser)."""
    code = credentials.normalise(tracking_code)
    letter = (
        Letter.objects.select_related("mailbox", "department").filter(tracking_code=code).first()
    )
    stored = letter.password_hash if letter else credentials.hash_password("-")
    matches = credentials.check_password(password, stored)  # same work either way
    return letter if letter is not None and matches else None


def letter_rate(
    *, letter: Letter, satisfaction: str, comment: str = "", now: datetime | None = None
) -> Letter:
    """The citizen rates a closed letter's answer, once per answer; 不满意 reopens it for
    重办 once, with a new period from today."""
    if satisfaction not in Letter.Satisfaction.values:
        raise ValidationError({"satisfaction": "请选择满意、基本满意或不满意。"})
    now = now or timezone.now()
    with transaction.atomic():
        letter = _locked(letter)
        _check_move(letter, Action.RATED)
        if letter.rated_at is not None and letter.rated_at >= letter.closed_at:
            raise ValidationError("您已评价过本次答复。", code="rated")
        letter.satisfaction = satisfaction
        letter.satisfaction_comment = comment
        letter.rated_at = now
        _move(letter, Action.RATED, by=None, now=now, note=comment)
        if satisfaction == Letter.Satisfaction.UNSATISFIED and letter.reopen_count == 0:
            calendar = load_calendar(now.date(), now.date())
            days = letter.mailbox.working_days_for(letter.kind)
            letter.reopen_count = 1
            letter.closed_at = None
            letter.reply_working_days = None
            letter.closed_on_time = None
            new_due = calendar.add(timezone.localdate(now), days)
            _move(letter, Action.REOPENED, by=None, now=now, note="来信人不满意，重办",
                  new_due_on=new_due)  # fmt: skip
            _recompute(letter)
    return letter


# --- staff -------------------------------------------------------------------------------


def letter_accept(*, letter: Letter, by, now: datetime | None = None) -> Letter:
    now = now or timezone.now()
    with transaction.atomic():
        letter = _for_handling(letter, by, HANDLE)
        _check_move(letter, Action.ACCEPTED)
        letter.accepted_on = timezone.localdate(now)
        _move(letter, Action.ACCEPTED, by=by, now=now)
        _recompute(letter)
    return letter


def letter_reject(*, letter: Letter, by, reason: str, now: datetime | None = None) -> Letter:
    """不予受理, with the reason the citizen sees on the tracking page (and by mail)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"note": "请填写不予受理的理由（将告知来信人）。"})
    now = now or timezone.now()
    with transaction.atomic():
        letter = _for_handling(letter, by, HANDLE)
        _move(letter, Action.REJECTED, by=by, now=now, note=reason)
        if letter.email:
            pk = letter.pk
            transaction.on_commit(lambda: notifications.rejected(letter_id=pk))
    return letter


def assignable_departments(letter: Letter):
    """The organizations a letter may be assigned to: the receiving office's agency."""
    return letter.mailbox.organization.get_root().get_descendants(include_self=True)


def letter_assign(
    *, letter: Letter, by, department: Organization, note: str = "", now: datetime | None = None
) -> Letter:
    now = now or timezone.now()
    with transaction.atomic():
        letter = _for_handling(letter, by, HANDLE)
        if not assignable_departments(letter).filter(pk=department.pk).exists():
            raise ValidationError({"department": "只能转办给本机关及其内设机构、直属单位。"})
        letter.department = department
        _move(letter, Action.ASSIGNED, by=by, now=now, note=note, department=department)
    return letter


def letter_reply(*, letter: Letter, by, text: str, now: datetime | None = None) -> Letter:
    """Draft the answer; a reviewer other than its drafter approves it."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写答复内容。"})
    now = now or timezone.now()
    with transaction.atomic():
        letter = _for_handling(letter, by, HANDLE)
        letter.reply_text = text
        letter.replied_by = by
        letter.replied_at = now
        if letter.department_id is None:  # the receiving office answered itself
            letter.department = letter.mailbox.organization
        _move(letter, Action.REPLIED, by=by, now=now)
    return letter


def letter_approve_reply(
    *, letter: Letter, by, note: str = "", now: datetime | None = None
) -> Letter:
    """The reviewed answer goes to the citizen (已办结). With the writer's consent, a
    redacted public version is drafted for the publication review."""
    now = now or timezone.now()
    with transaction.atomic():
        letter = _for_handling(letter, by, REVIEW)
        _check_move(letter, Action.APPROVED)
        if letter.replied_by_id == by.pk:
            raise PermissionDenied("不能审核自己起草的答复：审核人须为他人。")
        today = timezone.localdate(now)
        calendar = load_calendar(letter.accepted_on, today)
        letter.closed_at = now
        letter.reply_working_days = max(calendar.between(letter.accepted_on, today), 0)
        letter.closed_on_time = letter.due_on is None or today <= letter.due_on
        _move(letter, Action.APPROVED, by=by, now=now, note=note)
        if letter.consents_to_publish and not Reply.objects.filter(letter=letter).exists():
            reply_prepare(letter=letter, by=letter.replied_by or by)
        if letter.email:
            pk = letter.pk
            transaction.on_commit(lambda: notifications.answered(letter_id=pk))
    return letter


def letter_return_reply(*, letter: Letter, by, note: str, now: datetime | None = None) -> Letter:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请填写退回理由。"})
    now = now or timezone.now()
    with transaction.atomic():
        letter = _for_handling(letter, by, REVIEW)
        _move(letter, Action.RETURNED, by=by, now=now, note=note)
    return letter


def letter_extend(
    *, letter: Letter, by, new_due_on: date, reason: str, now: datetime | None = None
) -> Letter:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"note": "请填写延期理由。"})
    now = now or timezone.now()
    with transaction.atomic():
        letter = _for_handling(letter, by, HANDLE)
        _check_move(letter, Action.EXTENDED)
        if letter.due_on is not None and new_due_on <= letter.due_on:
            raise ValidationError({"new_due_on": f"新期限须晚于当前期限 {letter.due_on}。"})
        _move(letter, Action.EXTENDED, by=by, now=now, note=reason, new_due_on=new_due_on)
        _recompute(letter)
    return letter


def letter_pause(*, letter: Letter, by, reason: str, now: datetime | None = None) -> Letter:
    """Stop the clock (waiting for the citizen's missing details, say), with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"note": "请填写暂停计时的理由。"})
    now = now or timezone.now()
    with transaction.atomic():
        letter = _for_handling(letter, by, HANDLE)
        _check_move(letter, Action.PAUSED)
        if letter.paused_since is not None:
            raise ValidationError("已在暂停计时中。", code="paused")
        _move(letter, Action.PAUSED, by=by, now=now, note=reason)
        _recompute(letter)
    return letter


def letter_resume(*, letter: Letter, by, note: str = "", now: datetime | None = None) -> Letter:
    now = now or timezone.now()
    with transaction.atomic():
        letter = _for_handling(letter, by, HANDLE)
        _check_move(letter, Action.RESUMED)
        if letter.paused_since is None:
            raise ValidationError("未暂停计时，无需恢复。", code="not_paused")
        _move(letter, Action.RESUMED, by=by, now=now, note=note)
        _recompute(letter)
    return letter


def recompute_running_letters(*, by=None, now: datetime | None = None) -> int:
    """Re-derive the due dates of running letters after the calendar changed; a change is
    recorded as an event. Returns how many letters' due dates moved."""
    now = now or timezone.now()
    moved = 0
    for pk in Letter.objects.running().values_list("pk", flat=True):
        with transaction.atomic():
            letter = _locked(Letter(pk=pk))
            before = (letter.due_on, letter.provisional_year)
            _recompute(letter)
            if (letter.due_on, letter.provisional_year) != before:
                moved += 1
                _event(letter, Action.RECALCULATED, from_status=letter.status, by=by, now=now,
                       note=f"工作日历变更，期限由 {before[0]} 调整为 {letter.due_on}")  # fmt: skip
    return moved


# --- the public version --------------------------------------------------------------------


def reply_prepare(*, letter: Letter, by) -> Reply:
    """Draft the public version of a closed letter: the text with personal data masked,
    for the reviewer to check beside the original."""
    known = letter.known_personal_data
    reply = Reply(
        letter=letter,
        mailbox=letter.mailbox,
        kind=letter.kind,
        title=redact(letter.subject, known=known)[:300],
        letter_text=redact(letter.body, known=known),
        answer=redact(letter.reply_text, known=known),
        accepted_on=letter.accepted_on,
        replied_on=timezone.localdate(letter.closed_at or timezone.now()),
        department=letter.department or letter.mailbox.organization,
        owner_organization=letter.mailbox.organization,
    )
    return workflow.item_save(reply, by=by)


def reply_save(*, reply: Reply, by) -> Reply:
    return workflow.item_save(reply, by=by)


# --- internals -----------------------------------------------------------------------------


def _locked(letter: Letter) -> Letter:
    return Letter.objects.select_for_update().select_related("mailbox").get(pk=letter.pk)


def _for_handling(letter: Letter, by, permission: str) -> Letter:
    if not by.has_perm(permission):
        raise PermissionDenied("您没有办理来信的权限。")
    locked = _locked(letter)
    if not Letter.objects.handled_by(by).filter(pk=locked.pk).exists():
        raise PermissionDenied("这封来信不归您所在机构办理。")
    return locked


def _check_move(letter: Letter, action: str) -> None:
    sources, _target = MOVES[action]
    if letter.status not in sources:
        label = LetterEvent.Action(action).label
        raise ValidationError(
            f"来信当前状态为“{letter.get_status_display()}”，不能{label}"
            "（可能已被他人处理，请刷新后查看）。",
            code="invalid_transition",
        )


def _move(letter: Letter, action: str, *, by, now: datetime, note: str = "", **fields) -> None:
    _check_move(letter, action)
    from_status = letter.status
    target = MOVES[action][1]
    if target == BACK:
        last_reply = letter.events.filter(action=Action.REPLIED).order_by("-at", "-pk").first()
        target = last_reply.from_status if last_reply else Status.ACCEPTED
    if target is not None:
        letter.status = target
    letter.full_clean(exclude=["tracking_code", "password_hash", "submission_token"])
    letter.save()
    _event(letter, action, from_status=from_status, by=by, now=now, note=note, **fields)


def _event(letter, action, *, from_status, by, now, note="", **fields) -> LetterEvent:
    return LetterEvent.objects.create(
        letter=letter, action=action, from_status=from_status, to_status=letter.status, by=by,
        at=now, on=timezone.localdate(now), note=note, **fields,
    )  # fmt: skip


def _recompute(letter: Letter) -> None:
    """Derive due date, pause and provisional year from the history and the calendar."""
    if letter.accepted_on is None:
        return
    events = list(letter.events.order_by("at", "pk"))
    last = max([letter.accepted_on, *(e.new_due_on for e in events if e.new_due_on)])
    clock = clock_of(letter, events, load_calendar(letter.accepted_on, last))
    letter.due_on = clock.due_on
    letter.paused_since = clock.paused_since
    letter.provisional_year = clock.provisional_year
    letter.save(update_fields=["due_on", "paused_since", "provisional_year", "updated_at"])
