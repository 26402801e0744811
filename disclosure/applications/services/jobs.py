"""The daily and calendar-driven upkeep of open applications: refresh their stored clocks
as the days pass (overdue flags; a paused clock's due date moves with today), record a
期限重算 when a change of the working-day calendar moves a due date, and record on
1 January which applications roll over into the new year (年度报告 table 三:
结转下年度继续办理)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from disclosure.applications.models import OPEN_STATUSES, Application
from disclosure.applications.services.base import (
    Kind,
    clock_of,
    event,
    locked,
    recompute,
    today_of,
)
from portal.models import CalendarDay
from portal.workdays import Calendar


def _open_pks() -> list[int]:
    return list(Application.objects.filter(status__in=OPEN_STATUSES).values_list("pk", flat=True))


def _window(pks: list[int], today: date):
    first = Application.objects.filter(pk__in=pks).order_by("submitted_at").first()
    return CalendarDay.objects.window(min(today_of(first.submitted_at), today), today)


def recompute_open_applications(*, now: datetime | None = None) -> int:
    """Refresh the stored status, due date, pauses and overdue flag of open applications
    for today. Silent: the due date of a paused clock (consultation, fee) moves with
    today although the calendar did not change, which is no 期限重算
    (``applications_calendar_changed`` records those). Idempotent. Returns how many
    applications it refreshed."""
    now = now or timezone.now()
    today = today_of(now)
    pks = _open_pks()
    if not pks:
        return 0
    calendar = _window(pks, today)
    refreshed = 0
    for pk in pks:
        with transaction.atomic():
            application = locked(Application(pk=pk))
            if application.status not in OPEN_STATUSES:
                continue  # closed meanwhile
            recompute(application, today=today, calendar=calendar)
            refreshed += 1
    return refreshed


def _calendar_before(calendar: Calendar, before: Mapping[date, str | None]) -> Calendar:
    """``calendar`` with each changed day put back as it was: a holiday, a swapped
    working day, or an ordinary day (None)."""
    holidays, workdays = set(calendar.holidays), set(calendar.workdays)
    for day, kind in before.items():
        holidays.discard(day)
        workdays.discard(day)
        if kind == CalendarDay.Kind.HOLIDAY:
            holidays.add(day)
        elif kind == CalendarDay.Kind.WORKDAY:
            workdays.add(day)
    return replace(calendar, holidays=holidays, workdays=workdays)


def applications_calendar_changed(
    *, before: Mapping[date, str | None], now: datetime | None = None
) -> int:
    """The working-day calendar changed (a holiday or a swapped working day added, changed
    or removed; ``before`` maps each changed day to its kind before the change, None for
    an ordinary day). Every open application's clock is re-derived with the stored
    calendar; when the due date for today differs from the one the calendar as it was
    gives for the same today, a 期限重算 event records both dates (条例 Art 33 counts
    working days; the calendar is data). Returns how many due dates moved."""
    now = now or timezone.now()
    today = today_of(now)
    pks = _open_pks()
    if not pks or not before:
        return 0
    calendar = _window(pks, today)
    old_calendar = _calendar_before(calendar, before)
    changed = "、".join(f"{day}" for day in sorted(before))
    moved = 0
    for pk in pks:
        with transaction.atomic():
            application = locked(Application(pk=pk))
            if application.status not in OPEN_STATUSES:
                continue  # closed meanwhile
            previous = clock_of(application, today=today, calendar=old_calendar).due_on
            current = recompute(application, today=today, calendar=calendar).due_on
            if previous is not None and current is not None and previous != current:
                moved += 1
                event(application, Kind.RECALCULATED, by=None, now=now,
                      note=f"工作日历变更（{changed}），答复期限由 {previous} 调整为 {current}",
                      previous=previous, due_on=current,
                      days=sorted(before))  # fmt: skip
    return moved


def applications_rollover(year: int, *, now: datetime | None = None) -> int:
    """Record that the applications received by 31 December of ``year - 1`` and not
    decided by then roll over into ``year`` (one ROLLED_OVER event each, dated 1 January
    of ``year``). Idempotent; safe to run late in January. Returns how many it marked."""
    now = now or timezone.now()
    new_year = date(year, 1, 1)
    carried = (
        Application.objects.filter(received_on__lt=new_year)
        .filter(Q(decided_on__isnull=True) | Q(decided_on__gte=new_year))
        .exclude(events__kind=Kind.ROLLED_OVER, events__on=new_year)
    )
    marked = 0
    for pk in carried.values_list("pk", flat=True):
        with transaction.atomic():
            application = locked(Application(pk=pk))
            if application.events.filter(kind=Kind.ROLLED_OVER, on=new_year).exists():
                continue
            event(application, Kind.ROLLED_OVER, by=None, now=now, on=new_year,
                  note=f"{year - 1} 年未办结，结转 {year} 年继续办理", year=year)  # fmt: skip
            marked += 1
    return marked


def daily(*, now: datetime | None = None) -> dict[str, int]:
    """What ``manage.py applications_deadlines`` runs each day: refresh the open clocks
    (overdue flags move with the days; silently) and, in January, the rollover."""
    now = now or timezone.now()
    today = today_of(now)
    result = {"refreshed": recompute_open_applications(now=now), "rolled_over": 0}
    if today.month == 1:
        result["rolled_over"] = applications_rollover(today.year, now=now)
    result["overdue"] = Application.objects.overdue(today).count()
    return result
