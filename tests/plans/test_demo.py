"""The demo's work plans: seed 000 decomposed, done and archived for 2019, and under way
this year (what `make run` shows a supervisor)."""

import os
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.utils import timezone

from plans.models import Plan, Task, Update

pytestmark = pytest.mark.django_db

SEED_TITLE = "重庆市民政局2019年政务公开工作方案"


def counts():
    return Plan.objects.count(), Task.objects.count(), Update.objects.count()


@pytest.fixture
def demo(db):
    quiet = open(os.devnull, "w")
    call_command("load_demo", stdout=quiet)
    call_command("load_interpretation_demo", stdout=quiet)
    call_command("load_plans_demo", stdout=quiet)
    first = counts()
    call_command("load_plans_demo", stdout=quiet)  # a second run changes nothing
    assert counts() == first
    return first


def test_the_demo_needs_load_demo_first():
    with pytest.raises(CommandError, match="load_demo"):
        call_command("load_plans_demo", stdout=open(os.devnull, "w"))


def test_the_seed_plan_is_decomposed_into_its_sections_and_tasks(demo):
    assert demo[0] == 2
    plan = Plan.objects.get(year=2019, title=SEED_TITLE)
    assert plan.source_document.index_number == "115000000092759914/2019-01946"
    assert plan.is_public and plan.organization.name == "重庆市民政局"
    sections = list(plan.tasks.filter(parent=None).order_by("tree_id", "lft"))
    assert [s.number for s in sections] == ["二、", "三、", "四、", "五、"]  # 一、目标任务 left out
    assert [s.get_children().count() for s in sections] == [3, 4, 3, 5]
    assert plan.tasks.get(number="五、(三)").title == "用好政务新媒体平台"


def test_the_seed_plans_departments_come_from_its_text(demo):
    plan = Plan.objects.get(year=2019, title=SEED_TITLE)
    interpretation = plan.tasks.get(number="四、(一)")
    assert interpretation.lead_department.name == "重庆市民政局执法监督处（政策法规处）"
    assert {o.name for o in interpretation.cooperating_departments.all()} == {
        "重庆市民政局宣传信息处"
    }
    assert plan.tasks.get(number="五、(五)").lead_department.name == "重庆市民政局办公室"
    websites = plan.tasks.get(number="五、(一)").cooperating_departments
    assert "重庆市民政局区划地名处" in set(websites.values_list("name", flat=True))
    leaves = plan.tasks.filter(lft=F("rght") - 1)
    assert not leaves.filter(lead_department=None).exists()


def test_the_2019_plan_is_done_with_deadlines_in_2019_and_archived(demo):
    plan = Plan.objects.get(year=2019, title=SEED_TITLE)
    assert plan.status == Plan.Status.ARCHIVED
    leaves = plan.tasks.filter(lft=F("rght") - 1)
    assert set(leaves.values_list("status", flat=True)) == {Task.Status.COMPLETED}
    dated = leaves.exclude(due_on=None)
    assert dated.count() == 10 and leaves.filter(due_on=None).count() == 5
    assert all(date(2019, 8, 1) <= t.due_on <= date(2019, 12, 31) for t in dated)
    late = [t for t in dated if t.completed_on > t.due_on]
    assert {t.number for t in late} == {"二、(二)", "三、(二)"}
    assert not leaves.filter(due_on=None, frequency="").exists()  # 持续推进 report on a cadence
    assert Update.objects.filter(task__plan=plan, status=Update.Status.RETURNED).count() == 1
    finished = Update.objects.filter(task__plan=plan, progress=100, status="accepted")
    assert all(u.documents.exists() or u.interpretations.exists() for u in finished)


def test_this_years_plan_shows_every_kind_of_progress_today(demo):
    today = timezone.localdate()
    plan = Plan.objects.get(year=today.year, status=Plan.Status.ACTIVE)
    leaves = plan.tasks.filter(lft=F("rght") - 1)
    statuses = set(leaves.values_list("status", flat=True))
    assert {"completed", "in_progress", "overdue", "not_started"} <= statuses
    overdue = leaves.filter(status=Task.Status.OVERDUE)
    assert overdue.exists() and all(t.due_on < today for t in overdue)
    assert leaves.filter(status="in_progress", due_on__gte=today).exists()
    waiting = Update.objects.filter(task__plan=plan, status=Update.Status.SUBMITTED)
    assert waiting.count() == 1  # one report for the supervisor to decide
    assert all(u.reported_on <= today for u in Update.objects.filter(task__plan=plan))


def test_this_years_plan_shows_red_yellow_and_green_lights(demo):
    from plans.reports import Calendar, build_report, plan_start

    today = timezone.localdate()
    plan = Plan.objects.get(year=today.year, status=Plan.Status.ACTIVE)
    tasks = plan.tasks.select_related("lead_department").order_by("tree_id", "lft")
    report = build_report(tasks, today=today, calendar=Calendar(), start=plan_start(plan.year))
    colours = {row.light.colour for row in report.leaf_rows if row.light}
    assert colours == {"red", "yellow", "green"}
    assert len(report.departments) == 3  # 局办公室, 执法监督处, 宣传信息处 lead
