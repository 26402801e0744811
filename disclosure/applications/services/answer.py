"""The answer: the clerk picks exactly one outcome leaf and drafts the 告知书 (条例 Art 36);
the letter passes the portal's four-eyes review (``portal.workflow``: its drafter cannot
approve it); issuing it (the workflow's publish step) answers the application; the
decision is then served in person, through another agency or by post (235号)."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from disclosure.applications.models import AnswerLetter, Application, answer_errors
from disclosure.applications.services.base import (
    Kind,
    effective_day,
    for_handling,
    locked,
    step,
    today_of,
)
from disclosure.applications.vocabularies import (
    LETTER_TYPES,
    LetterType,
    Outcome,
    ServiceMethod,
    letter_type_for,
    outcome_full_label,
)
from portal import workflow
from portal.models import Status as PublicationStatus


def placeholder_text(letter: AnswerLetter) -> str:
    """A minimal letter body, used until ``disclosure.applications.letters`` (the Art 36
    templates) is installed."""
    application = letter.application
    lines = [
        "政府信息公开申请答复告知书",
        f"申请编号：{application.number}",
        f"您于 {application.received_on or ''} 提出的政府信息公开申请（所需信息：{application.info_title}）已收悉。",
        f"办理结果：{outcome_full_label(letter.outcome)}。",
    ]
    if letter.reasons:
        lines.append(f"理由：{letter.reasons}")
    if letter.legal_basis:
        lines.append(f"依据：{letter.legal_basis}")
    if letter.other_agency_name:
        lines.append(
            f"负责公开该信息的机关：{letter.other_agency_name}，联系方式：{letter.other_agency_contact}"
        )
    if letter.published_where:
        lines.append(f"该信息已主动公开，获取途径：{letter.published_where}")
    return "\n".join(lines)


def generated_text(letter: AnswerLetter) -> str:
    """The letter body from the Art 36 template of its type (``letters.letter_text``),
    or the placeholder while that module is not there."""
    try:
        from disclosure.applications.letters import letter_text
    except ImportError:
        return placeholder_text(letter)
    return letter_text(letter)


def application_answer(
    *,
    application: Application,
    by,
    outcome: str,
    letter_type: str | None = None,
    reasons: str = "",
    legal_basis: str = "",
    other_agency_name: str = "",
    other_agency_contact: str = "",
    published_where: str = "",
    body: str | None = None,
    now: datetime | None = None,
) -> AnswerLetter:
    """Create or update the draft 告知书 with exactly one outcome leaf. 不予公开 and 部分
    公开 need the reasons and legal basis, 非本机关负责公开 the right agency's name and
    contact, 已主动公开 where it is published (条例 Arts 36, 37; ``models.answer_errors``).
    其他处理-1/-2 are refused (their expiry steps close the application); 4.3 needs a
    supplement asked for and received (Art 30). ``body`` None: generated from the
    template."""
    letter_type = letter_type or (letter_type_for(outcome) if outcome in Outcome.values else "")
    values = {
        "outcome": outcome, "letter_type": letter_type, "reasons": (reasons or "").strip(),
        "legal_basis": (legal_basis or "").strip(),
        "other_agency_name": (other_agency_name or "").strip(),
        "other_agency_contact": (other_agency_contact or "").strip(),
        "published_where": (published_where or "").strip(),
    }  # fmt: skip
    errors = answer_errors(**values)
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    with transaction.atomic():
        application = for_handling(application, by)
        if (
            outcome == "4.3"
            and not application.events.filter(kind=Kind.SUPPLEMENT_RECEIVED).exists()
        ):
            # 补正后申请内容仍不明确 (条例 Art 30): a supplement was asked for and came back.
            raise ValidationError(
                {"outcome": "“补正后申请内容仍不明确”须先告知补正并收到补正材料（条例第三十条）。"},
                code="no_supplement",
            )
        letter = AnswerLetter.objects.select_for_update().filter(application=application).first()
        if letter is not None and letter.status in (
            PublicationStatus.SUBMITTED,
            PublicationStatus.APPROVED,
        ):
            raise ValidationError("告知书正在审核中，请先退回后再修改。", code="in_review")
        if letter is not None and letter.is_live:
            raise ValidationError("告知书已发出，不能修改。", code="issued")
        if letter is None:
            # The letter is the handling office's work, reviewed there (谁公开、谁审查: the
            # office's reviewers act on their own subtree) and issued in the receiving
            # agency's name (``letters``): the agency's tree may be wider than the office.
            letter = AnswerLetter(
                application=application,
                owner_organization_id=by.organization_id or application.organization_id,
            )
        for name, value in values.items():
            setattr(letter, name, value)
        letter.application = application
        letter.body = body.strip() if body and body.strip() else generated_text(letter)
        letter = workflow.item_save(letter, by=by, now=now)
        step(application, Kind.ANSWER_DRAFTED, by=by, now=now,
             note=outcome_full_label(outcome), outcome=outcome, letter_type=letter_type)  # fmt: skip
    return letter


def answer_letter_submit(*, letter: AnswerLetter, by, now: datetime | None = None) -> AnswerLetter:
    return workflow.perform(letter, step="submit", by=by, now=now)


def answer_letter_approve(
    *, letter: AnswerLetter, by, note: str = "", now: datetime | None = None
) -> AnswerLetter:
    """Review passed (someone other than the drafter: the workflow's four eyes); the
    application's timeline records it."""
    now = now or timezone.now()
    with transaction.atomic():
        letter = workflow.perform(letter, step="approve", by=by, note=note, now=now)
        application = locked(letter.application)
        step(application, Kind.ANSWER_APPROVED, by=by, now=now, note=note)
    return letter


def answer_letter_return(
    *, letter: AnswerLetter, by, note: str, now: datetime | None = None
) -> AnswerLetter:
    return workflow.perform(letter, step="return", by=by, note=note, now=now)


def answer_letter_issue(*, letter: AnswerLetter, by, now: datetime | None = None) -> AnswerLetter:
    """Issue the reviewed letter to the applicant (the workflow's publish step); the
    application is answered in the same transaction (``answer_letter_went_live``)."""
    return workflow.perform(letter, step="publish", by=by, now=now)


def answer_letter_went_live(*, letter: AnswerLetter, by, now: datetime) -> Application:
    """The letter was issued: the application gets its outcome and answer date and is
    已答复（待送达）. Runs inside the workflow's publish step, under its lock."""
    if letter.published_at is not None and letter.published_at > now:
        raise ValidationError("答复告知书须立即发出，不能定时发布。", code="scheduled")
    application = locked(letter.application)
    application.outcome = letter.outcome
    application.decided_on = today_of(now)
    step(application, Kind.ANSWERED, by=by, now=now, note=outcome_full_label(letter.outcome),
         outcome=letter.outcome, letter_type=letter.letter_type)  # fmt: skip
    return application


def application_serve(
    *, application: Application, by, method: str, on: date | None = None, note: str = "",
    now: datetime | None = None,
) -> Application:  # fmt: skip
    """The issued letter was served on ``on`` (default today) in person, through another
    agency or by the postal service — never by courier (国办公开办函〔2016〕235号)."""
    if method not in ServiceMethod.values:
        raise ValidationError(
            {"method": "请选择送达方式：直接送达、委托其他机关代为送达或邮政送达（不得使用快递）。"}
        )
    now = now or timezone.now()
    with transaction.atomic():
        application = for_handling(application, by)
        on = effective_day(application, on, now)
        application.closed_on = on
        step(application, Kind.SERVED, by=by, now=now, on=on, note=note, method=method)
    return application


def letter_types_for(outcome: str) -> list[tuple[str, str]]:
    """The letter types a clerk may choose for an outcome, the default first (for forms)."""
    return [(str(t), LetterType(t).label) for t in LETTER_TYPES.get(outcome, ())]
