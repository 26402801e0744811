"""The daily and calendar-driven upkeep of open applications: re-derive their clocks when
the working-day calendar changes or a day passes (overdue flags), and record on 1 January
which applications roll over into the new year (年度报告 table 三: 结转下年度继续办理)."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from disclosure.applications.models import OPEN_STATUSES, Application
from disclosure.applications.services.base import (
    Kind,
    calendar_window,
    event,
    locked,
    recompute,
    today_of,
)


def recompute_open_applications(*, by=None, now: datetime | None = None) -> int:
    """Re-derive the clocks of open applications (a holiday added, a day passed); a moved
    due date is recorded as a 期限重算 event. Returns how many due dates moved.
    Idempotent: a second run the same day moves nothing."""
    now = now or timezone.now()
    today = today_of(now)
    pks = list(Application.objects.filter(status__in=OPEN_STATUSES).values_list("pk", flat=True))
    if not pks:
        return 0
    first = Application.objects.filter(pk__in=pks).order_by("submitted_at").first()
    calendar = calendar_window(min(today_of(first.submitted_at), today), today)
    moved = 0
    for pk in pks:
        with transaction.atomic():
            application = locked(Application(pk=pk))
            if application.status not in OPEN_STATUSES:
                continue  # closed meanwhile
            before = application.due_on
            recompute(application, today=today, calendar=calendar)
            if application.due_on != before and before is not None:
                moved += 1
                event(application, Kind.RECALCULATED, by=by, now=now,
                      note=f"工作日历变更，答复期限由 {before} 调整为 {application.due_on}",
                      previous=before, due_on=application.due_on)  # fmt: skip
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
    """What ``manage.py applications_deadlines`` runs each day: recompute the open
    clocks (overdue flags move with the days) and, in January, the rollover."""
    now = now or timezone.now()
    today = today_of(now)
    result = {"moved": recompute_open_applications(now=now), "rolled_over": 0}
    if today.month == 1:
        result["rolled_over"] = applications_rollover(today.year, now=now)
    result["overdue"] = Application.objects.filter(
        status__in=OPEN_STATUSES, is_overdue=True
    ).count()
    return result
