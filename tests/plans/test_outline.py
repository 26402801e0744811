"""Saving a decomposed outline as a plan's tasks (plans.outline.plan_add_outline)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from disclosure import demo
from plans.decompose import Outline, OutlineItem, decompose
from plans.models import Frequency, Plan, Task
from plans.outline import known_organizations, plan_add_outline, plan_departments, task_number
from tests.plans.factories import PlanFactory, TaskFactory
from tests.portal.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments(agency):
    """The seed's departments under the agency's bureau, by their registered names."""
    names = [
        ("重庆市民政局办公室", "局办公室"),
        ("重庆市民政局执法监督处（政策法规处）", "执法监督处"),
        ("重庆市民政局宣传信息处", "宣传信息处"),
        ("重庆市民政局区划地名处", "区划地名处"),
    ]
    for name, short_name in names:
        OrganizationFactory(name=name, short_name=short_name, parent=agency.bureau, credit_code="")
    below = plan_departments(plan_of(agency))
    # The agency's own 局办公室 and 宣传信息处 would name the same departments twice.
    return {name: organization for name, organization in below.items() if name.startswith("重庆")}


def plan_of(agency, **fields):
    fields.setdefault("status", Plan.Status.DRAFTING)
    return PlanFactory(organization=agency.bureau, **fields)


def seed_outline(departments, year=2019):
    organizations = known_organizations(departments.values())
    return decompose(
        demo.WORK_PLAN.read_text(encoding="utf-8"), year=year, organizations=organizations
    )


def test_the_plans_departments_are_the_organizations_below_its_own(agency, departments):
    assert "重庆市民政局宣传信息处" in departments
    assert agency.bureau.name not in departments and agency.elsewhere.name not in departments


def test_seed_000_becomes_five_sections_with_their_tasks(agency, departments):
    plan = plan_of(agency)
    created = plan_add_outline(
        plan=plan, outline=seed_outline(departments), departments=departments, by=agency.supervisor
    )
    assert len(created) == 20 == plan.tasks.count()
    sections = list(plan.tasks.filter(parent=None).order_by("position"))
    assert [s.number for s in sections] == ["一、", "二、", "三、", "四、", "五、"]
    assert [s.get_children().count() for s in sections] == [0, 3, 4, 3, 5]
    first = sections[1].get_children().first()
    assert (first.number, first.title) == ("二、(一)", "加强组织领导")
    assert first.requirement.startswith("高度重视政务公开工作")
    assert [t.title for t in sections[4].get_children()][2] == "用好政务新媒体平台"


def test_recognised_departments_lead_and_cooperate(agency, departments):
    plan = plan_of(agency)
    plan_add_outline(
        plan=plan, outline=seed_outline(departments), departments=departments, by=agency.supervisor
    )
    interpretation = plan.tasks.get(number="四、(一)")
    assert interpretation.lead_department.name == "重庆市民政局执法监督处（政策法规处）"
    assert [o.name for o in interpretation.cooperating_departments.all()] == [
        "重庆市民政局宣传信息处"
    ]
    filing = plan.tasks.get(number="五、(五)")
    assert filing.lead_department.name == "重庆市民政局办公室"
    assert plan.tasks.get(number="二、(二)").frequency == Frequency.HALF_YEARLY
    assert plan.tasks.get(number="二、(一)").lead_department is None  # names none


def test_corrected_fields_are_saved_as_given(agency, departments):
    plan = plan_of(agency)
    item = OutlineItem(level=1, number="1.", title="建立台账", requirement="按月更新。")
    item.lead, item.cooperating = "重庆市民政局区划地名处", ("重庆市民政局办公室",)
    item.due_on, item.frequency, item.weight = date(2019, 6, 30), Frequency.MONTHLY, 3
    (task,) = plan_add_outline(
        plan=plan, outline=Outline([item]), departments=departments, by=agency.supervisor
    )
    task.refresh_from_db()
    assert (task.due_on, task.frequency, task.weight) == (date(2019, 6, 30), "monthly", 3)
    assert task.lead_department.name == "重庆市民政局区划地名处"
    assert list(task.cooperating_departments.values_list("name", flat=True)) == [
        "重庆市民政局办公室"
    ]


def test_the_outline_goes_after_the_tasks_the_plan_has(agency, departments):
    plan = plan_of(agency)
    existing = TaskFactory(plan=plan, title="原有任务", position=5)
    plan_add_outline(
        plan=plan,
        outline=Outline([OutlineItem(level=1, number="六、", title="新增任务")]),
        departments=departments,
        by=agency.supervisor,
    )
    roots = [t.title for t in Task.objects.filter(plan=plan, parent=None).order_by("tree_id")]
    assert roots == [existing.title, "新增任务"]


def test_an_unknown_department_refuses_the_whole_outline(agency, departments):
    plan = plan_of(agency)
    good = OutlineItem(level=1, number="一、", title="甲")
    bad = OutlineItem(level=1, number="二、", title="乙", lead="重庆市民政局社会救助处")
    with pytest.raises(ValidationError) as refused:
        plan_add_outline(
            plan=plan, outline=Outline([good, bad]), departments=departments, by=agency.supervisor
        )
    assert "“二、乙”的部门“重庆市民政局社会救助处”不在机构列表中" in refused.value.messages[0]
    assert not plan.tasks.exists()


def test_an_invalid_item_is_named_and_nothing_is_saved(agency, departments):
    plan = plan_of(agency, year=2019)
    late = OutlineItem(level=1, number="一、", title="甲", due_on=date(2026, 1, 1))
    with pytest.raises(ValidationError) as refused:
        plan_add_outline(
            plan=plan, outline=Outline([late]), departments=departments, by=agency.supervisor
        )
    assert refused.value.messages[0].startswith("“一、甲”：")
    assert "完成时限应在方案年度前后一年之内" in refused.value.messages[0]
    assert not plan.tasks.exists()


def test_a_clerk_cannot_add_an_outline(agency, departments):
    plan = plan_of(agency)
    with pytest.raises(PermissionDenied):
        plan_add_outline(
            plan=plan,
            outline=Outline([OutlineItem(level=1, title="甲")]),
            departments=departments,
            by=agency.clerk,
        )
    assert not plan.tasks.exists()


def test_an_archived_plan_takes_no_outline(agency, departments):
    plan = plan_of(agency, status=Plan.Status.ARCHIVED)
    with pytest.raises(ValidationError):
        plan_add_outline(
            plan=plan,
            outline=Outline([OutlineItem(level=1, title="甲")]),
            departments=departments,
            by=agency.supervisor,
        )


def test_a_number_path_too_long_for_the_field_keeps_the_items_own():
    assert task_number("二、", "(一)") == "二、(一)"
    assert task_number("二、(一)1.", "(12)") == "二、(一)1.(12)"
    assert task_number("一百二十三、(一百一十一)(一百一十一)", "(十二)") == "(十二)"
