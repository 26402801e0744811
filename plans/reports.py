"""The supervisor's figures for one plan, built in Python from rows fetched once.

Pure: every function takes the tasks (with ``lead_department`` loaded), ``today`` and
the working-day calendar as arguments, and never reads the clock or the database. ``plans.views`` fetches the
rows (a constant number of queries whatever the number of tasks) and calls
``build_report``.

What counts:

- Only **leaf** tasks (tasks without sub-tasks in the plan) are counted, weighted by
  their own ``weight``. A parent's progress is rolled up from its children
  (``services.rollup``); counting it too would count the same work twice. The weights
  of parents play no part in the plan-wide figure.
- A **suspended** (已暂缓) leaf counts in a department's number of tasks but leaves the
  weighted progress (as in ``services.rolled_up``) and gets no traffic light.
- A **completed** leaf counts as 100 % whatever its last reported figure, and gets no
  traffic light: there is nothing left to watch.
- A leaf's **department** is its lead department (牵头部门); cooperating departments
  answer to the lead one.

A task's latest accepted report is its ``last_reported_on``.

The traffic light of an open leaf, with a reason in words (readable without colour):

- 红 (red): the task is 已逾期, or its completion date is past and it is not completed.
- 黄 (yellow): its completion date is at most ``DUE_SOON_WORKING_DAYS`` working days
  away (by the portal's calendar of holidays and swapped working days), or it has a
  reporting frequency and no accepted report within it, counted from its last accepted
  report or, before the first, from the plan's start.
- 绿 (green): otherwise.

A department's light is the worst of its tasks' lights.
"""

from __future__ import annotations

import calendar as month_calendar
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from plans.models import FREQUENCY_MONTHS, Frequency, Task
from portal import workdays

TaskStatus = Task.Status

DUE_SOON_WORKING_DAYS = 10
# Ten working days never span more than this many calendar days (weekends, the longest
# holiday run and its swapped days included), so the calendar is read for this window
# only and a date further away is never "due soon".
DUE_SOON_WINDOW_DAYS = 45

RED, YELLOW, GREEN = "red", "yellow", "green"
LIGHT_LABELS = {RED: "红灯", YELLOW: "黄灯", GREEN: "绿灯"}
SEVERITY = {GREEN: 0, YELLOW: 1, RED: 2}
FREQUENCY_WORDS = {
    Frequency.MONTHLY: "一个月",
    Frequency.QUARTERLY: "一个季度",
    Frequency.HALF_YEARLY: "半年",
}
NO_DEPARTMENT = "未指定牵头部门"
# The status breakdown, in the order a supervisor reads it (worst first).
BREAKDOWN = [
    TaskStatus.OVERDUE,
    TaskStatus.IN_PROGRESS,
    TaskStatus.NOT_STARTED,
    TaskStatus.COMPLETED,
    TaskStatus.SUSPENDED,
]


@dataclass(frozen=True)
class Calendar:
    """The calendar's exceptions: public holidays and swapped working days (调休)."""

    holidays: Collection[date] = frozenset()
    workdays: Collection[date] = frozenset()


def calendar_window(today: date) -> tuple[date, date]:
    """The dates whose calendar exceptions ``build_report`` needs, for one fetch."""
    return today, today + timedelta(days=DUE_SOON_WINDOW_DAYS)


@dataclass(frozen=True)
class Light:
    colour: str  # RED, YELLOW or GREEN
    reason: str

    @property
    def label(self) -> str:
        return LIGHT_LABELS[self.colour]

    @property
    def severity(self) -> int:
        return SEVERITY[self.colour]


def working_days_left(today: date, due_on: date, calendar: Calendar) -> int:
    """Working days after ``today`` up to and including ``due_on``: 0 on the day itself."""
    count = 0
    day = today
    while day < due_on:
        day += timedelta(days=1)
        if workdays.is_working_day(day, holidays=calendar.holidays, workdays=calendar.workdays):
            count += 1
    return count


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def plan_start(year: int, activated_on: date | None = None) -> date:
    """Reporting is owed from the day the plan started (执行中), and never before 1 January
    of its year: a plan started in April does not owe the first quarter's reports."""
    first = date(year, 1, 1)
    return max(first, activated_on) if activated_on else first


def reporting_frequency(task: Task) -> str:
    """A 持续推进 task is reported on a frequency (the issue); one entered without any is
    held to the quarterly reports 定期 means, so it cannot stay green unreported."""
    if task.frequency or task.due_on is not None:
        return task.frequency
    return Frequency.QUARTERLY


def next_report_due(task: Task, *, last_accepted_on: date | None, start: date) -> date | None:
    """The last day on which a report keeps ``task`` within its frequency, or None."""
    months = FREQUENCY_MONTHS.get(reporting_frequency(task))
    if not months:
        return None
    return add_months(last_accepted_on or start, months)


def is_open(task: Task) -> bool:
    return task.status not in (TaskStatus.COMPLETED, TaskStatus.SUSPENDED)


def is_past_due(task: Task, today: date) -> bool:
    return task.status == TaskStatus.OVERDUE or (
        task.due_on is not None and task.due_on < today and is_open(task)
    )


def is_completed_on_time(task: Task) -> bool:
    """Completed by its completion date; a 持续推进 task (no date) is on time once completed."""
    if task.status != TaskStatus.COMPLETED:
        return False
    return task.due_on is None or (
        task.completed_on is not None and task.completed_on <= task.due_on
    )


def is_reporting_current(
    task: Task, *, today: date, last_accepted_on: date | None, start: date
) -> bool:
    """True unless ``task`` has a frequency and no accepted report within it by ``today``."""
    due = next_report_due(task, last_accepted_on=last_accepted_on, start=start)
    return due is None or today <= due


def task_light(
    task: Task, *, today: date, calendar: Calendar, last_accepted_on: date | None, start: date
) -> Light | None:
    """The traffic light of one leaf task, None when completed or suspended (module doc)."""
    if not is_open(task):
        return None
    if is_past_due(task, today):
        if task.due_on is None:
            return Light(RED, "已逾期")
        if task.due_on < today:
            return Light(RED, f"已超过完成时限（{task.due_on:%Y-%m-%d}）")
        return Light(RED, f"已逾期（完成时限 {task.due_on:%Y-%m-%d}）")
    reasons = []
    if task.due_on is not None and (task.due_on - today).days <= DUE_SOON_WINDOW_DAYS:
        left = working_days_left(today, task.due_on, calendar)
        if left <= DUE_SOON_WORKING_DAYS:
            on_the_day = task.due_on == today
            reasons.append("今天是完成时限" if on_the_day else f"距完成时限还有 {left} 个工作日")
    if not is_reporting_current(task, today=today, last_accepted_on=last_accepted_on, start=start):
        reasons.append(f"超过{FREQUENCY_WORDS[reporting_frequency(task)]}未报送进展")
    if reasons:
        return Light(YELLOW, "；".join(reasons))
    return Light(GREEN, "按计划推进")


def leaf_tasks(tasks: Iterable[Task]) -> list[Task]:
    """The tasks no other task in ``tasks`` has as its parent, in the given order."""
    tasks = list(tasks)
    parents = {task.parent_id for task in tasks if task.parent_id is not None}
    return [task for task in tasks if task.pk not in parents]


def weighted_progress(leaves: Iterable[Task]) -> float | None:
    """Σ weight × progress ÷ Σ weight over the leaves that are not suspended, in percent
    (a completed leaf counts 100); None when every leaf is suspended or there is none."""
    active = [task for task in leaves if task.status != TaskStatus.SUSPENDED]
    total = sum(task.weight for task in active)
    if not total:
        return None
    return sum(task.weight * _progress(task) for task in active) / total


def _progress(task: Task) -> int:
    return 100 if task.status == TaskStatus.COMPLETED else task.progress


def shown_status(task: Task, today: date) -> str:
    """The status a report shows: 已逾期 as soon as the date is past, even before the
    daily deadline run has recorded it."""
    if is_past_due(task, today):
        return TaskStatus.OVERDUE
    if task.status == TaskStatus.NOT_STARTED and task.progress > 0:
        return TaskStatus.IN_PROGRESS
    return task.status


@dataclass
class TaskRow:
    task: Task
    status: str  # shown_status
    light: Light | None
    last_accepted_on: date | None
    next_report_due: date | None
    url: str = ""  # the task's page, set by the view (one reverse for all rows)

    @property
    def status_label(self) -> str:
        return TaskStatus(self.status).label

    @property
    def progress(self) -> int:
        return _progress(self.task)

    # Dates as text for the tables (``date.isoformat``: a 500-row table through the
    # template's ``date`` filter takes a third of the page's time).
    @property
    def due_text(self) -> str:
        if not self.task.is_leaf_node():  # a section's dates are its tasks'
            return ""
        return self.task.due_on.isoformat() if self.task.due_on else "持续推进"

    @property
    def frequency_text(self) -> str:
        return self.task.get_frequency_display() if self.task.is_leaf_node() else ""

    @property
    def last_accepted_text(self) -> str:
        return self.last_accepted_on.isoformat() if self.last_accepted_on else "暂无"


@dataclass
class DepartmentRow:
    name: str
    department_id: int | None
    rows: list[TaskRow] = field(default_factory=list)

    @cached_property
    def tasks(self) -> int:
        return len(self.rows)

    @cached_property
    def completed(self) -> int:
        return sum(1 for row in self.rows if row.task.status == TaskStatus.COMPLETED)

    @cached_property
    def on_time(self) -> int:
        return sum(1 for row in self.rows if is_completed_on_time(row.task))

    @cached_property
    def overdue(self) -> int:
        return sum(1 for row in self.rows if row.light and row.light.colour == RED)

    @cached_property
    def completion(self) -> float | None:
        return weighted_progress(row.task for row in self.rows)

    @cached_property
    def last_accepted_on(self) -> date | None:
        dates = [row.last_accepted_on for row in self.rows if row.last_accepted_on]
        return max(dates) if dates else None

    @cached_property
    def light(self) -> Light | None:
        """The worst light of the department's tasks, with how many tasks are behind it."""
        lights = [row.light for row in self.rows if row.light]
        if not lights:
            return None
        worst = max(lights, key=lambda light: light.severity)
        count = sum(1 for light in lights if light.colour == worst.colour)
        if worst.colour == RED:
            return Light(RED, f"{count} 项任务逾期")
        if worst.colour == YELLOW:
            return Light(YELLOW, f"{count} 项任务临近时限或未按频次报送")
        return Light(GREEN, "各项任务按计划推进")


@dataclass
class PlanReport:
    today: date
    task_rows: list[TaskRow]  # every task of the plan, in tree order
    leaf_rows: list[TaskRow]
    departments: list[DepartmentRow]

    @cached_property
    def completion(self) -> float | None:
        return weighted_progress(row.task for row in self.leaf_rows)

    @cached_property
    def overdue_rows(self) -> list[TaskRow]:
        rows = [row for row in self.leaf_rows if row.light and row.light.colour == RED]
        return sorted(rows, key=lambda row: (row.task.due_on or self.today, row.task.pk))

    @cached_property
    def status_counts(self) -> list[tuple[str, str, int]]:
        """(status, label, number of leaf tasks) in ``BREAKDOWN`` order."""
        counts = {status: 0 for status in BREAKDOWN}
        for row in self.leaf_rows:
            counts[row.status] += 1
        return [(status, TaskStatus(status).label, counts[status]) for status in BREAKDOWN]

    @cached_property
    def completed(self) -> int:
        return sum(1 for row in self.leaf_rows if row.task.status == TaskStatus.COMPLETED)


def build_report(
    tasks: Iterable[Task],
    *,
    today: date,
    calendar: Calendar,
    start: date,
) -> PlanReport:
    """Every figure of the report page from the plan's tasks in tree order.

    A task's latest accepted report is its ``last_reported_on`` (``update_accept`` sets
    it; a parent's is its children's latest); ``start`` is ``plan_start(...)``.
    Departments come in the organization tree's order, tasks without one last.
    """
    tasks = list(tasks)
    leaf_ids = {task.pk for task in leaf_tasks(tasks)}
    rows, leaf_rows = [], []
    departments: dict[int | None, DepartmentRow] = {}
    for task in tasks:
        last = task.last_reported_on
        is_leaf = task.pk in leaf_ids
        row = TaskRow(
            task=task,
            status=shown_status(task, today),
            light=task_light(
                task, today=today, calendar=calendar, last_accepted_on=last, start=start
            )
            if is_leaf
            else None,
            last_accepted_on=last,
            next_report_due=next_report_due(task, last_accepted_on=last, start=start),
        )
        rows.append(row)
        if not is_leaf:
            continue
        leaf_rows.append(row)
        department = task.lead_department
        key = department.pk if department else None
        if key not in departments:
            departments[key] = DepartmentRow(
                name=str(department) if department else NO_DEPARTMENT, department_id=key
            )
        departments[key].rows.append(row)
    return PlanReport(
        today=today,
        task_rows=rows,
        leaf_rows=leaf_rows,
        departments=sorted(departments.values(), key=_department_order(tasks)),
    )


def _department_order(tasks: list[Task]):
    places = {
        task.lead_department.pk: (task.lead_department.tree_id, task.lead_department.lft)
        for task in tasks
        if task.lead_department is not None
    }

    def key(row: DepartmentRow):
        if row.department_id is None:
            return (1, 0, 0, "")
        return (0, *places[row.department_id], row.name)

    return key
