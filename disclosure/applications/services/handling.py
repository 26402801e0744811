"""The steps between receipt and answer, each with its statutory limit: 补正 (条例 Art 30),
consultation of third parties and other agencies (Arts 32, 34), the one extension asked
by the clerk and approved by the office head (Art 33), and the processing fee
(国办函〔2020〕109号)."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from disclosure.applications import clock, fees
from disclosure.applications.models import Application, ApplicationEvent
from disclosure.applications.services.base import (
    APPROVE_EXTENSION,
    Kind,
    clock_of,
    dated_step,
    effective_day,
    for_handling,
    required,
    step,
    today_of,
)
from disclosure.applications.services.intake import high_volume_threshold, monthly_count
from portal.models import CalendarDay

# The events of an extension (条例 Art 33): asked by the clerk, approved or refused.
EXTENSION_KINDS = (Kind.EXTENSION_REQUESTED, Kind.EXTENDED, Kind.EXTENSION_REFUSED)


def _add(start: date, days: int) -> date:
    return CalendarDay.objects.window(start, start).add(start, days)


# --- 补正 -----------------------------------------------------------------------------------


def application_request_supplement(
    *, application: Application, by, items: str, now: datetime | None = None
) -> Application:
    """Ask the applicant to supplement the application: once, listing everything at once,
    within 7 working days of receipt (条例 Art 30). The applicant has
    ``APPLY_SUPPLEMENT_DAYS`` working days (default 15) to answer; the clock stops."""
    items = required(items, "请一次性列明需要补正的全部事项。", field="items")
    now = now or timezone.now()
    today = today_of(now)
    with transaction.atomic():
        application = for_handling(application, by)
        if application.events.filter(kind=Kind.SUPPLEMENT_REQUESTED).exists():
            raise ValidationError(
                "已告知过补正：补正告知只能发出一次，应一次性告知需要补正的全部事项（条例第三十条）。",
                code="second_notice",
            )
        current = clock_of(application, today=today)
        if current.supplement_due_on is not None and today > current.supplement_due_on:
            raise ValidationError(
                f"已超过收到申请之日起 7 个工作日（{current.supplement_due_on}），"
                "不能再要求补正（条例第三十条）。",
                code="too_late",
            )
        deadline = _add(today, settings.APPLY_SUPPLEMENT_DAYS)
        step(application, Kind.SUPPLEMENT_REQUESTED, by=by, now=now, note=items,
             deadline_on=deadline)  # fmt: skip
    return application


def application_receive_supplement(
    *, application: Application, by, on: date | None = None, note: str = "",
    now: datetime | None = None,
) -> Application:  # fmt: skip
    """The supplement arrived on ``on`` (default today): 20 working days start again."""
    return dated_step(application, Kind.SUPPLEMENT_RECEIVED, by=by, on=on, note=note, now=now)


def application_supplement_expired(
    *, application: Application, by, now: datetime | None = None
) -> Application:
    """No supplement by the deadline: the application is closed as 其他处理-1 (条例 Art 30:
    视为放弃申请)."""
    return _close_unanswered(
        application, Kind.SUPPLEMENT_EXPIRED, waiting=Application.Status.SUPPLEMENT,
        outcome="6.1", deadline_name="补正期限", by=by, now=now,
        note="申请人无正当理由逾期不补正，不再处理其政府信息公开申请",
    )  # fmt: skip


# --- 征求意见 -------------------------------------------------------------------------------


def application_consult(
    *, application: Application, by, party: str, note: str = "", now: datetime | None = None
) -> Application:
    """Ask a third party or another agency for its opinion (条例 Arts 32, 34); they
    answer within 15 working days and the time is not counted."""
    party = required(party, "请填写征求意见的对象（第三方或有关机关）。", field="party")
    now = now or timezone.now()
    today = today_of(now)
    with transaction.atomic():
        application = for_handling(application, by)
        due = _add(today, clock.CONSULTATION_DAYS)
        step(application, Kind.CONSULTATION_SENT, by=by, now=now, note=note, party=party,
             reply_due_on=due)  # fmt: skip
    return application


def application_consultation_answered(
    *, application: Application, by, party: str = "", on: date | None = None, note: str = "",
    now: datetime | None = None,
) -> Application:  # fmt: skip
    """The opinion came back on ``on`` (default today), or the 15 days passed in silence
    (a co-author agency's silence is consent, Art 34; say so in ``note``). After those 15
    working days the clock already runs again (``clock.compute``): a late reply is
    recorded and the paused time stays at 15 days. Refused when no consultation waits."""
    now = now or timezone.now()
    with transaction.atomic():
        application = for_handling(application, by)
        sent, answered = (
            application.events.filter(kind=kind).count()
            for kind in (Kind.CONSULTATION_SENT, Kind.CONSULTATION_ANSWERED)
        )
        if sent <= answered:
            raise ValidationError(
                "没有等待答复的征求意见，不能收到意见。", code="invalid_transition"
            )
        on = effective_day(application, on, now)
        step(application, Kind.CONSULTATION_ANSWERED, by=by, now=now, on=on, note=note,
             party=party.strip())  # fmt: skip
    return application


# --- 延期 -----------------------------------------------------------------------------------


def pending_extension(application: Application) -> ApplicationEvent | None:
    """The extension request still waiting for the office head's decision, if any."""
    last = application.events.filter(kind__in=EXTENSION_KINDS).order_by("-at", "-pk").first()
    return last if last is not None and last.kind == Kind.EXTENSION_REQUESTED else None


def _days(working_days) -> int:
    if (
        isinstance(working_days, bool)
        or not isinstance(working_days, int)
        or not 1 <= working_days <= clock.MAX_EXTENSION_DAYS
    ):
        raise ValidationError(
            {
                "working_days": f"延长期限为 1 至 {clock.MAX_EXTENSION_DAYS} 个工作日（条例第三十三条）。"
            }
        )
    return working_days


def _before_due(application: Application, today: date, what: str) -> None:
    due_on = clock_of(application, today=today).due_on
    if due_on is not None and today > due_on:
        raise ValidationError(f"答复期限 {due_on} 已过，不能再{what}。", code="overdue")


def application_request_extension(
    *, application: Application, by, working_days: int, reason: str,
    now: datetime | None = None,
) -> Application:  # fmt: skip
    """The handling clerk asks the office head to extend the answer period, by at most 20
    working days, giving the reason the applicant will be told (条例 Art 33). Nothing
    changes on the clock until the request is approved. Refused once the period has
    been extended, while another request waits, or after the due date."""
    reason = required(reason, "请填写延期理由（批准后将告知申请人）。")
    working_days = _days(working_days)
    now = now or timezone.now()
    today = today_of(now)
    with transaction.atomic():
        application = for_handling(application, by)
        if application.events.filter(kind=Kind.EXTENDED).exists():
            raise ValidationError("答复期限只能延长一次（条例第三十三条）。", code="extended")
        if pending_extension(application) is not None:
            raise ValidationError("已有延期申请等待机构负责人批准。", code="pending")
        _before_due(application, today, "申请延期")
        step(application, Kind.EXTENSION_REQUESTED, by=by, now=now, note=reason,
             working_days=working_days)  # fmt: skip
    return application


def _deciding(application: Application, by) -> tuple[Application, ApplicationEvent]:
    """The application locked for a decision on its pending request by ``by``: the
    approval permission for the agency, someone other than the clerk who asked."""
    if by is None or not by.has_perm(APPROVE_EXTENSION):
        raise PermissionDenied(
            "延长答复期限须经政府信息公开工作机构负责人批准（条例第三十三条），您没有批准延期的权限。"
        )
    application = for_handling(application, by, permission=APPROVE_EXTENSION)
    request = pending_extension(application)
    if request is None:
        raise ValidationError("没有等待批准的延期申请（可能已被他人处理）。", code="no_request")
    if request.by_id == by.pk:
        raise PermissionDenied("不能批准或驳回本人提出的延期申请：须由经办人以外的负责人决定。")
    return application, request


def application_approve_extension(
    *, application: Application, by, note: str = "", now: datetime | None = None
) -> Application:
    """The office head approves the pending request: the period is extended by the days
    asked, once, with the request's reason told to the applicant (条例 Art 33). Refused
    after the due date."""
    now = now or timezone.now()
    today = today_of(now)
    with transaction.atomic():
        application, request = _deciding(application, by)
        if application.events.filter(kind=Kind.EXTENDED).exists():
            raise ValidationError("答复期限只能延长一次（条例第三十三条）。", code="extended")
        _before_due(application, today, "批准延期")
        step(application, Kind.EXTENDED, by=by, now=now, note=request.note,
             working_days=int(request.data["working_days"]), request=request.pk,
             requested_by=request.by_id, approver=by.pk,
             approver_name=by.get_full_name() or by.get_username(),
             approval_note=(note or "").strip())  # fmt: skip
    return application


def application_refuse_extension(
    *, application: Application, by, note: str, now: datetime | None = None
) -> Application:
    """The office head does not approve the pending request, saying why; the period
    stays as it is and the clerk may ask again."""
    note = required(note, "请填写不批准延期的理由。")
    now = now or timezone.now()
    with transaction.atomic():
        application, request = _deciding(application, by)
        step(application, Kind.EXTENSION_REFUSED, by=by, now=now, note=note,
             working_days=int(request.data["working_days"]), request=request.pk,
             requested_by=request.by_id)  # fmt: skip
    return application


# --- 收费 -----------------------------------------------------------------------------------


def application_fee_notice(
    *, application: Application, by, method: str, pages: int | None = None,
    note: str = "", now: datetime | None = None,
) -> tuple[Application, fees.Fee]:  # fmt: skip
    """Send a fee notice, by application count or by pages, never both (109号). The
    clock stops until payment; the applicant has ``APPLY_FEE_PAYMENT_DAYS`` working days
    (default 20) to pay."""
    if method not in fees.METHODS:
        raise ValidationError({"method": "请选择按件计收或按量计收（二者不能同时适用）。"})
    if method == fees.PER_PAGE and (pages is None or pages < 0):
        raise ValidationError({"pages": "按量计收请填写页数。"})
    now = now or timezone.now()
    today = today_of(now)
    with transaction.atomic():
        application = for_handling(application, by)
        if application.events.filter(kind=Kind.FEE_NOTICE).exists():
            raise ValidationError("已发出过收费通知。", code="second_notice")
        if method == fees.PER_APPLICATION:
            count = monthly_count(application)
            fee = fees.calculate(method=method, monthly_count=count)
        else:
            count = monthly_count(application)
            fee = fees.calculate(method=method, pages=pages)
        if fee.amount == 0:
            raise ValidationError("按信息处理费标准，本申请不收费。", code="free")
        lines = list(fee.explanation)
        if count > high_volume_threshold():
            lines.append(f"申请人本月已提出 {count} 件申请，数量、频次明显超过合理范围")
        deadline = _add(today, settings.APPLY_FEE_PAYMENT_DAYS)
        step(application, Kind.FEE_NOTICE, by=by, now=now, note=note or "\n".join(lines),
             method=method, amount=fee.amount, quantity=fee.quantity, deadline_on=deadline,
             explanation=lines)  # fmt: skip
    return application, fee


def application_fee_paid(
    *, application: Application, by, on: date | None = None, note: str = "",
    now: datetime | None = None,
) -> Application:  # fmt: skip
    """The applicant paid on ``on`` (default today): the clock runs again."""
    return dated_step(application, Kind.FEE_PAID, by=by, on=on, note=note, now=now)


def application_fee_expired(
    *, application: Application, by, now: datetime | None = None
) -> Application:
    """Not paid by the deadline: closed as 其他处理-2 (109号)."""
    return _close_unanswered(
        application, Kind.FEE_EXPIRED, waiting=Application.Status.AWAITING_FEE,
        outcome="6.2", deadline_name="缴费期限", by=by, now=now,
        note="申请人逾期未按收费通知要求缴纳费用，不再处理其政府信息公开申请",
    )  # fmt: skip


def _close_unanswered(
    application: Application, kind: str, *, waiting: str, outcome: str, deadline_name: str,
    note: str, by, now: datetime | None,
) -> Application:  # fmt: skip
    """Close an application the applicant let lapse (其他处理-1/-2), once the period the
    applicant was given has passed."""
    now = now or timezone.now()
    today = today_of(now)
    with transaction.atomic():
        application = for_handling(application, by)
        deadline = clock_of(application, today=today).applicant_due_on
        if application.status == waiting and deadline and today <= deadline:
            raise ValidationError(f"{deadline_name} {deadline} 尚未届满。", code="not_expired")
        application.outcome = outcome
        application.decided_on = application.closed_on = today
        step(application, kind, by=by, now=now, note=note)
    return application
