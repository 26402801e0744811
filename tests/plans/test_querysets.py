"""Who sees which plan, task and report (``visible_to``), what is a leaf, what is overdue,
what waits for a decision."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from plans.models import Plan, Task, Update
from tests.plans.factories import PlanFactory, TaskFactory
from tests.plans.trees import active_plan, leaf, report
from tests.portal.factories import UserFactory
from tests.portal.roles import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(agency):
    """Tasks the office leads, the publicity office cooperates on, and another agency's."""
    plan = active_plan(agency)
    other_plan = PlanFactory(organization=agency.elsewhere)
    return {
        "office": leaf(plan, agency, title="办公室牵头"),
        "cooperating": leaf(plan, agency, lead_department=agency.bureau, title="宣传处配合",
                            cooperating_departments=[agency.publicity, agency.office]),
        "elsewhere": leaf(other_plan, agency, lead_department=agency.elsewhere, title="别家"),
        "plan": plan,
        "other_plan": other_plan,
    }  # fmt: skip


def titles(queryset):
    return sorted(task.title for task in queryset)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("clerk", ["办公室牵头", "宣传处配合"]),  # the office's own and those it cooperates on
        ("reviewer", ["办公室牵头", "宣传处配合"]),
        ("publisher", ["宣传处配合"]),  # the publicity office only cooperates
        ("supervisor", ["别家", "办公室牵头", "宣传处配合"]),
        ("outside_reviewer", ["别家"]),
    ],
)
def test_tasks_visible_to_each_role(agency, world, who, expected):
    assert titles(Task.objects.visible_to(getattr(agency, who))) == expected


def test_a_bureau_clerk_sees_the_tasks_of_the_units_below(agency, world):
    bureau_clerk = staff("bureau-clerk", agency.bureau, "信息员")
    assert titles(Task.objects.visible_to(bureau_clerk)) == ["办公室牵头", "宣传处配合"]


def test_nobody_without_an_organization_or_logged_in_sees_a_task(world):
    assert not Task.objects.visible_to(AnonymousUser()).exists()
    assert not Task.objects.visible_to(UserFactory(is_staff=True)).exists()
    assert Task.objects.visible_to(UserFactory(is_superuser=True)).count() == 3


def test_a_task_with_two_cooperating_departments_in_scope_is_listed_once(agency, world):
    bureau_clerk = staff("bureau-clerk", agency.bureau, "信息员")
    assert Task.objects.visible_to(bureau_clerk).filter(title="宣传处配合").count() == 1


def test_plans_visible_to(agency, world):
    assert set(Plan.objects.visible_to(agency.clerk)) == {world["plan"]}
    assert set(Plan.objects.visible_to(agency.supervisor)) == {world["plan"], world["other_plan"]}
    assert set(Plan.objects.visible_to(agency.outside_reviewer)) == {world["other_plan"]}


def test_reports_visible_to(agency, world):
    own = report(world["office"], agency, 10)
    other = report(world["elsewhere"], agency, 10, by=agency.supervisor)
    assert list(Update.objects.visible_to(agency.clerk)) == [own]
    assert set(Update.objects.visible_to(agency.supervisor)) == {own, other}


def test_leaves_and_overdue(agency):
    plan = active_plan(agency)
    section = TaskFactory(plan=plan, due_on=date(2019, 1, 1))
    late = leaf(plan, agency, parent=section, due_on=date(2019, 3, 1))
    leaf(plan, agency, parent=section, due_on=date(2019, 9, 1))
    draft_plan = PlanFactory(organization=agency.bureau, status=Plan.Status.DRAFTING)
    leaf(draft_plan, agency, due_on=date(2019, 3, 1))
    assert section not in Task.objects.leaves()
    assert list(Task.objects.overdue(date(2019, 5, 6))) == [late]


def test_reportable_by_is_the_lead_departments_open_leaves(agency, world):
    assert titles(Task.objects.reportable_by(agency.clerk)) == ["办公室牵头"]
    assert not Task.objects.reportable_by(agency.reviewer).exists()
    everything = ["别家", "办公室牵头", "宣传处配合"]  # a report received on paper
    assert titles(Task.objects.reportable_by(agency.supervisor)) == everything


def test_pending_reports_oldest_first(agency):
    plan = active_plan(agency)
    newer = report(leaf(plan, agency), agency, 10, on=date(2019, 5, 6))
    older = report(leaf(plan, agency), agency, 10, on=date(2019, 4, 1))
    decided = report(leaf(plan, agency), agency, 10)
    from plans import services

    services.update_return(update=decided, by=agency.supervisor, note="重报")
    assert list(Update.objects.pending()) == [older, newer]
