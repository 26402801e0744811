"""What every application step shares: the lock, the permission and scope check, the
check of the step against ``models.ALLOWED``, the event, and the clock derived from the
whole timeline and the working-day calendar (``clock.compute``)."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from disclosure.applications import clock
from disclosure.applications.models import ALLOWED, Application, ApplicationEvent
from disclosure.applications.querysets import handling_scope
from portal.models import CalendarDay
from portal.scopes import in_scope

Kind = ApplicationEvent.Kind
Status = Application.Status
HANDLE = "applications.handle_application"
APPROVE_EXTENSION = "applications.approve_extension"
# The fields ``full_clean`` leaves alone: set once at creation, never by a form.
CREDENTIALS = ["tracking_code", "password_hash", "submission_token", "number"]


def today_of(now: datetime) -> date:
    return timezone.localdate(now)


def locked(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def for_handling(application: Application, by, permission: str = HANDLE) -> Application:
    """The application locked, after checking that ``by`` may handle it: the permission,
    and the receiving organization inside the user's agency (``querysets.handling_scope``:
    the agency receives, its 政府信息公开工作机构 handles, 条例 Art 4)."""
    if by is None or not by.has_perm(permission):
        raise PermissionDenied("您没有办理政府信息公开申请的权限。")
    application = locked(application)
    if not in_scope(application.organization_id, handling_scope(by)):
        raise PermissionDenied("该申请不归您所在机构办理。")
    return application


def check_step(application: Application, kind: str) -> None:
    if application.status not in ALLOWED[kind]:
        raise ValidationError(
            f"申请当前状态为“{application.get_status_display()}”，不能{Kind(kind).label}"
            "（可能已被他人处理，请刷新后查看）。",
            code="invalid_transition",
        )


def effective_day(application: Application, on: date | None, now: datetime) -> date:
    """The day a step counts from: today, or an earlier day the clerk gives (a supplement
    that arrived by post yesterday), never in the future nor before the last step."""
    today = today_of(now)
    if on is None:
        return today
    if on > today:
        raise ValidationError({"on": "日期不能晚于今天。"}, code="future")
    last = application.events.order_by("-on").values_list("on", flat=True).first()
    if last is not None and on < last:
        raise ValidationError({"on": f"日期不能早于上一步骤的日期 {last}。"}, code="before_last")
    return on


def event(
    application: Application,
    kind: str,
    *,
    by,
    now: datetime,
    on: date | None = None,
    note: str = "",
    **data,
) -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application, kind=kind, by=by, at=now, on=on or today_of(now), note=note,
        data=data,
    )  # fmt: skip


def step(
    application: Application,
    kind: str,
    *,
    by,
    now: datetime,
    on: date | None = None,
    note: str = "",
    **data,
) -> ApplicationEvent:
    """Check the step, append its event and re-derive the clock (under the caller's lock)."""
    check_step(application, kind)
    recorded = event(application, kind, by=by, now=now, on=on, note=note, **data)
    recompute(application, today=today_of(now))
    return recorded


def dated_step(
    application: Application, kind: str, *, by, on: date | None, note: str,
    now: datetime | None,
) -> Application:  # fmt: skip
    """A step that happened on ``on`` (default today, never later, never before the last
    step): lock, check, record and re-derive the clock in one transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        application = for_handling(application, by)
        step(application, kind, by=by, now=now, on=effective_day(application, on, now), note=note)
    return application


def clock_of(application: Application, *, today: date, calendar=None) -> clock.Clock:
    """The application's clock now: from its timeline and the stored calendar."""
    events = list(application.events.order_by("at", "pk"))
    if calendar is None:
        start = min([e.on for e in events], default=today)
        calendar = CalendarDay.objects.window(min(start, today), today)
    return clock.compute(
        events, holidays=calendar.holidays, workdays=calendar.workdays, today=today,
        known_years=calendar.known_years,
    )  # fmt: skip


DERIVED = ["status", "received_on", "due_on", "paused_days", "extended_days", "is_overdue"]
# Set by the step itself on the locked row before ``step`` (an outcome, the day decided
# or served), saved together with what the clock derives.
DECIDED = ["outcome", "decided_on", "closed_on"]


def recompute(application: Application, *, today: date, calendar=None) -> clock.Clock:
    """Store what the clock derives (status, receipt and due dates, pauses, extension,
    overdue); the caller holds the row lock."""
    result = clock_of(application, today=today, calendar=calendar)
    application.status = result.status
    application.received_on = result.received_on
    application.due_on = result.due_on
    application.paused_days = result.paused_days
    application.extended_days = result.extended_days
    application.is_overdue = result.is_overdue
    if result.status == Status.CLOSED and application.closed_on is None:
        application.closed_on = today
    application.full_clean(exclude=CREDENTIALS)
    application.save(update_fields=[*DERIVED, *DECIDED, "updated_at"])
    return result


def allocate_number(year: int) -> str:
    """The next 申请编号 of ``year``: one ``INSERT … ON CONFLICT … RETURNING``, which
    PostgreSQL serialises per year, so concurrent submissions never draw the same number
    (as ``disclosure.index_numbers``)."""
    table = "applications_applicationnumbersequence"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last_value) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT (year) DO UPDATE SET last_value = {table}.last_value + 1 "
            "RETURNING last_value",
            [year],
        )
        (value,) = cursor.fetchone()
    return f"YSQ-{year}-{value:05d}"


def required(value: str, message: str, field: str = "note") -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message}, code="required")
    return value
