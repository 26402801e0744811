"""The report's figures against numbers worked out by hand for a small tree, and the
traffic lights traced day by day across National Day 2026 (1–7 October off, Sunday
20 September and Saturday 10 October worked; 25 September is 中秋节)."""

from datetime import date

import pytest

from plans import reports
from plans.models import Frequency, Task
from plans.reports import Calendar, Light
from portal.models import CalendarDay
from tests.plans.report_tree import (
    HOLIDAYS,
    NATIONAL_DAY,
    START,
    TODAY,
    WORKDAYS,
    hand_tree,
    task,
)

Status = Task.Status


def light(item, today, *, calendar=NATIONAL_DAY, last=None):
    return reports.task_light(
        item, today=today, calendar=calendar, last_accepted_on=last, start=START
    )


@pytest.fixture
def tree():
    return hand_tree()


@pytest.fixture
def report(tree):
    return reports.build_report(tree, today=TODAY, calendar=NATIONAL_DAY, start=START)


def test_only_leaves_count(tree):
    assert [t.title for t in reports.leaf_tasks(tree)] == ["T1", "T2", "T31", "T32", "T4", "T5"]


def test_overall_completion_weights_leaves_and_leaves_out_the_suspended(report):
    # (2×100 + 1×40 + 3×100 + 2×0 + 1×60) ÷ (2+1+3+2+1) = 600 ÷ 9
    assert report.completion == pytest.approx(600 / 9)
    assert report.completed == 2


def test_department_rows_by_hand(report):
    office, publicity, nobody = report.departments
    assert (office.name, office.tasks, office.completed, office.on_time, office.overdue) == (
        "局办公室", 2, 1, 1, 1,
    )  # fmt: skip
    assert office.completion == pytest.approx(240 / 3)  # (2×100 + 40) ÷ 3
    assert office.last_accepted_on == date(2026, 9, 10)
    assert office.light == Light(reports.RED, "1 项任务逾期")
    # T31 done after its date: completed, not on time; T32 suspended: counted, no light.
    assert (publicity.tasks, publicity.completed, publicity.on_time, publicity.overdue) == (
        3,
        1,
        0,
        0,
    )
    assert publicity.completion == pytest.approx(60)  # (3×100 + 2×0) ÷ 5
    assert publicity.light == Light(reports.YELLOW, "1 项任务临近时限或未按频次报送")
    assert (nobody.name, nobody.department_id, nobody.tasks) == (reports.NO_DEPARTMENT, None, 1)
    assert nobody.last_accepted_on is None


def test_lights_and_reasons_of_each_leaf(report):
    lights = {row.task.title: row.light for row in report.leaf_rows}
    assert lights == {
        "T1": None,
        "T2": Light(reports.RED, "已超过完成时限（2026-06-30）"),
        "T31": None,
        "T32": None,
        "T4": Light(reports.YELLOW, "超过一个季度未报送进展"),
        "T5": Light(reports.YELLOW, "距完成时限还有 8 个工作日"),
    }
    sections = [row for row in report.task_rows if row.task.title in ("第一部分", "T3")]
    assert all(row.light is None for row in sections)


def test_status_breakdown_and_overdue_list(report):
    assert report.status_counts == [
        (Status.OVERDUE, "已逾期", 1),
        (Status.IN_PROGRESS, "推进中", 1),
        (Status.NOT_STARTED, "未启动", 1),
        (Status.COMPLETED, "已完成", 2),
        (Status.SUSPENDED, "已暂缓", 1),
    ]
    assert [row.task.title for row in report.overdue_rows] == ["T2"]


def test_a_task_due_after_the_holiday_is_yellow_only_by_the_calendar():
    due = task(1, status=Status.IN_PROGRESS, due_on=date(2026, 10, 14))
    # 9-29, 9-30, 10-08, 10-09, 10-10 (swapped Saturday), 10-12, 10-13, 10-14: 8 working days.
    assert light(due, TODAY) == Light(reports.YELLOW, "距完成时限还有 8 个工作日")
    # Without the holiday the same dates are 12 working days apart: green.
    assert light(due, TODAY, calendar=Calendar()).colour == reports.GREEN


def test_lights_traced_day_by_day_across_national_day():
    due = task(1, status=Status.IN_PROGRESS, due_on=date(2026, 10, 21))
    # Working days left, counted by hand: 9-29 (1), 9-30 (2), 10-08 … 10-10 (3–5),
    # 10-12 … 10-16 (6–10), 10-19 … 10-21 (11–13).
    expected = {
        date(2026, 9, 28): (reports.GREEN, 13), date(2026, 9, 30): (reports.GREEN, 11),
        date(2026, 10, 1): (reports.GREEN, 11), date(2026, 10, 7): (reports.GREEN, 11),
        date(2026, 10, 8): (reports.YELLOW, 10), date(2026, 10, 9): (reports.YELLOW, 9),
        date(2026, 10, 10): (reports.YELLOW, 8), date(2026, 10, 11): (reports.YELLOW, 8),
        date(2026, 10, 12): (reports.YELLOW, 7), date(2026, 10, 20): (reports.YELLOW, 1),
    }  # fmt: skip
    for today, (colour, left) in expected.items():
        assert reports.working_days_left(today, due.due_on, NATIONAL_DAY) == left, today
        assert light(due, today).colour == colour, today
    assert light(due, date(2026, 10, 12)).reason == "距完成时限还有 7 个工作日"
    assert light(due, date(2026, 10, 21)) == Light(reports.YELLOW, "今天是完成时限")
    assert light(due, date(2026, 10, 22)) == Light(reports.RED, "已超过完成时限（2026-10-21）")


def test_a_task_marked_overdue_stays_red_until_it_moves():
    marked = task(1, status=Status.OVERDUE, due_on=date(2026, 12, 31))
    assert light(marked, TODAY) == Light(reports.RED, "已逾期（完成时限 2026-12-31）")


def test_completed_and_suspended_tasks_get_no_light():
    past = date(2026, 1, 31)
    assert light(task(1, status=Status.COMPLETED, due_on=past, completed_on=past), TODAY) is None
    assert light(task(2, status=Status.SUSPENDED, due_on=past), TODAY) is None


def test_reporting_frequency_from_the_last_accepted_report_or_the_plan_start():
    monthly = task(1, status=Status.IN_PROGRESS, frequency=Frequency.MONTHLY)
    last = date(2026, 8, 31)  # one month on is 30 September (the month's last day)
    assert light(monthly, date(2026, 9, 30), last=last).colour == reports.GREEN
    assert light(monthly, date(2026, 10, 1), last=last) == Light(
        reports.YELLOW, "超过一个月未报送进展"
    )
    half = task(2, frequency=Frequency.HALF_YEARLY)
    assert light(half, date(2026, 7, 1)).colour == reports.GREEN  # from 1 January
    assert light(half, date(2026, 7, 2)).reason == "超过半年未报送进展"
    # 持续推进 without a frequency is held to quarterly reports (定期); a dated task without
    # one only to its deadline.
    quiet = task(3, frequency=Frequency.NONE)
    assert light(quiet, date(2026, 4, 1)).colour == reports.GREEN
    assert light(quiet, date(2026, 4, 2)) == Light(reports.YELLOW, "超过一个季度未报送进展")
    dated = task(4, due_on=date(2026, 12, 31), frequency=Frequency.NONE)
    assert light(dated, date(2026, 11, 2)) == Light(reports.GREEN, "按计划推进")


def test_reports_are_owed_from_the_day_the_plan_started_not_before_its_year():
    assert reports.plan_start(2026) == date(2026, 1, 1)
    assert reports.plan_start(2026, date(2026, 4, 15)) == date(2026, 4, 15)
    assert reports.plan_start(2026, date(2025, 12, 20)) == date(2026, 1, 1)  # drafted early
    monthly = task(1, frequency=Frequency.MONTHLY)
    started = reports.plan_start(2026, date(2026, 4, 15))
    on = date(2026, 5, 15)
    assert reports.task_light(monthly, today=on, calendar=reports.Calendar(),
                              last_accepted_on=None, start=started).colour == reports.GREEN  # fmt: skip


def test_both_yellow_reasons_are_given():
    item = task(1, due_on=date(2026, 10, 9), frequency=Frequency.QUARTERLY)
    assert light(item, TODAY).reason == "距完成时限还有 4 个工作日；超过一个季度未报送进展"


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert reports.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert reports.add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert reports.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


def test_a_plan_without_tasks_has_no_figures():
    empty = reports.build_report([], today=TODAY, calendar=NATIONAL_DAY, start=START)
    assert (empty.completion, empty.departments, empty.overdue_rows) == (None, [], [])


@pytest.mark.django_db
def test_the_calendar_table_gives_the_same_light():
    for day in HOLIDAYS:
        CalendarDay.objects.update_or_create(day=day, defaults={"kind": CalendarDay.Kind.HOLIDAY})
    for day in WORKDAYS:
        CalendarDay.objects.update_or_create(day=day, defaults={"kind": CalendarDay.Kind.WORKDAY})
    holidays, workdays = CalendarDay.objects.exceptions(*reports.calendar_window(TODAY))
    calendar = Calendar(holidays=holidays, workdays=workdays)
    assert date(2026, 10, 10) in workdays and date(2026, 10, 1) in holidays
    due = task(1, status=Status.IN_PROGRESS, due_on=date(2026, 10, 14))
    assert light(due, TODAY, calendar=calendar).reason == "距完成时限还有 8 个工作日"


def test_a_date_on_a_holiday_with_no_working_day_left_is_not_called_today():
    due = task(1, due_on=date(2026, 10, 3))  # Saturday of the holiday; seen on its Thursday
    assert light(due, date(2026, 10, 1)).reason == "距完成时限还有 0 个工作日"
