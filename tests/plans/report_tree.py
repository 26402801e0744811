"""A small plan tree whose figures are worked out by hand in the report and assessment
tests, and the calendar of National Day 2026 (1–7 October off, Sunday 20 September and
Saturday 10 October worked; 25 September is 中秋节), as ``chinesecalendar`` has it."""

from datetime import date

from plans.models import Frequency, Task
from plans.reports import Calendar
from portal.models import Organization

Status = Task.Status
HOLIDAYS = frozenset({date(2026, 9, 25)} | {date(2026, 10, d) for d in range(1, 8)})
WORKDAYS = frozenset({date(2026, 9, 20), date(2026, 10, 10)})
NATIONAL_DAY = Calendar(holidays=HOLIDAYS, workdays=WORKDAYS)
START = date(2026, 1, 1)
TODAY = date(2026, 9, 28)  # a Monday, two days before the holiday


def task(pk, *, parent=None, department=None, **fields) -> Task:
    """An unsaved task: the report functions read only the given fields."""
    fields.setdefault("weight", 1)
    return Task(pk=pk, plan_id=1, parent_id=parent, lead_department=department, **fields)


def hand_tree() -> list[Task]:
    """Two sections; office A leads T1 (done on time) and T2 (past due); B leads T31
    (done late), T32 (suspended) and T4 (continuous, never reported); nobody T5."""
    office = Organization(pk=1, name="局办公室", tree_id=1, lft=2)
    publicity = Organization(pk=2, name="宣传信息处", tree_id=1, lft=4)
    return [
        task(1, title="第一部分"),
        task(2, parent=1, department=office, title="T1", weight=2, status=Status.COMPLETED,
             progress=100, due_on=date(2026, 3, 31), completed_on=date(2026, 3, 1)),
        task(3, parent=1, department=office, title="T2", status=Status.IN_PROGRESS, progress=40,
             due_on=date(2026, 6, 30), frequency=Frequency.MONTHLY,
             last_reported_on=date(2026, 9, 10)),
        task(4, parent=1, department=publicity, title="T3"),
        task(5, parent=4, department=publicity, title="T31", weight=3, status=Status.COMPLETED,
             progress=100, due_on=date(2026, 4, 30), completed_on=date(2026, 5, 10),
             last_reported_on=date(2026, 5, 10)),
        task(6, parent=4, department=publicity, title="T32", status=Status.SUSPENDED, progress=20,
             due_on=date(2026, 12, 31)),
        task(7, title="第二部分"),
        task(8, parent=7, department=publicity, title="T4", weight=2, frequency=Frequency.QUARTERLY),
        task(9, parent=7, title="T5", status=Status.IN_PROGRESS, progress=60,
             due_on=date(2026, 10, 14)),
    ]  # fmt: skip
