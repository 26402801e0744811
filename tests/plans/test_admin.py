"""The plans' admin: who opens which page, what a clerk may not see, reports added through
``update_submit``, and the 采纳/退回 buttons whose refusals are messages."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from plans.models import Task, TaskEvent, Update
from tests.plans.factories import PlanFactory
from tests.plans.trees import DAY, active_plan, leaf, report, screenshot
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db
PAGES = ["changelist", "add", "change"]


@pytest.fixture
def plan_rows(agency):
    plan = active_plan(agency)
    task = leaf(plan, agency)
    update = report(task, agency, 30)
    return {"plan": plan, "task": task, "update": update}


def url(model, page, rows):
    name = f"admin:plans_{model}_{page}"
    return reverse(name, args=[rows[model].pk]) if page == "change" else reverse(name)


# What each role gets: clerks report, supervisors draft and decide, reviewers read.
EXPECTED = {
    "clerk": {"plan": (200, 403, 200), "task": (200, 403, 200), "update": (200, 200, 200)},
    "supervisor": {"plan": (200, 200, 200), "task": (200, 200, 200), "update": (200, 403, 200)},
    "reviewer": {"plan": (200, 403, 200), "task": (200, 403, 200), "update": (200, 403, 200)},
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
@pytest.mark.parametrize("model", ["plan", "task", "update"])
def test_permission_matrix(client, agency, plan_rows, role, model):
    client.force_login(getattr(agency, role))
    found = tuple(client.get(url(model, page, plan_rows)).status_code for page in PAGES)
    assert found == EXPECTED[role][model]


@pytest.mark.parametrize("model", ["plan", "task", "update"])
def test_anonymous_visitors_are_sent_to_log_in(client, plan_rows, model):
    for page in PAGES:
        response = client.get(url(model, page, plan_rows))
        assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("model", ["plan", "task", "update"])
def test_a_superuser_opens_every_page_and_searches(client, plan_rows, model):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for page in PAGES:
        assert client.get(url(model, page, plan_rows)).status_code == 200
    search = client.get(reverse(f"admin:plans_{model}_changelist"), {"q": "任务"})
    assert search.status_code == 200


def test_a_clerk_sees_only_their_organizations_tasks(client, agency, plan_rows):
    theirs = leaf(plan_rows["plan"], agency, lead_department=agency.elsewhere, title="别家的任务")
    client.force_login(agency.clerk)
    listing = client.get(reverse("admin:plans_task_changelist"))
    assert plan_rows["task"].title in listing.text and "别家的任务" not in listing.text
    page = client.get(reverse("admin:plans_task_change", args=[theirs.pk]))
    assert page.status_code == 302  # "does not exist" for them, as for a wrong id
    other_report = report(theirs, agency, 10, by=agency.supervisor)
    page = client.get(reverse("admin:plans_update_change", args=[other_report.pk]))
    assert page.status_code == 302


def test_a_clerk_s_filters_name_only_the_plans_of_their_tasks(client, agency, plan_rows):
    other = PlanFactory(title="另一个局的工作方案", organization=agency.elsewhere)
    leaf(other, agency, lead_department=agency.elsewhere)
    client.force_login(agency.clerk)
    assert "另一个局的工作方案" not in client.get(reverse("admin:plans_task_changelist")).text
    assert "另一个局的工作方案" not in client.get(reverse("admin:plans_update_changelist")).text
    client.force_login(agency.supervisor)
    assert "另一个局的工作方案" in client.get(reverse("admin:plans_task_changelist")).text


def test_the_changelists_query_count_does_not_grow(client, agency, plan_rows,
                                                   django_assert_max_num_queries):  # fmt: skip
    client.force_login(agency.supervisor)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("admin:plans_update_changelist"))
    for _ in range(8):
        report(leaf(plan_rows["plan"], agency), agency, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("admin:plans_update_changelist"))


# --- reports -------------------------------------------------------------------------------


def test_a_clerk_adds_a_report_through_the_service(client, agency):
    task = leaf(active_plan(agency), agency)
    client.force_login(agency.clerk)
    response = client.post(reverse("admin:plans_update_add"), {
        "task": task.pk, "reported_on": DAY.isoformat(), "text": "已召开专题会议。",
        "progress": 50, "files": [screenshot()],
    })  # fmt: skip
    assert response.status_code == 302
    update = Update.objects.get(task=task)
    assert (update.status, update.submitted_by, update.files.count()) == (
        Update.Status.SUBMITTED, agency.clerk, 1)  # fmt: skip
    assert TaskEvent.objects.filter(update=update, action="submitted").exists()


def test_a_report_breaking_a_rule_comes_back_with_the_reason(client, agency):
    task = leaf(active_plan(agency), agency)
    client.force_login(agency.clerk)
    response = client.post(reverse("admin:plans_update_add"), {
        "task": task.pk, "reported_on": DAY.isoformat(), "text": "完成", "progress": 100,
    })  # fmt: skip
    assert response.status_code == 200
    assert "须附佐证材料" in response.text and not Update.objects.exists()


def test_a_clerk_cannot_pick_another_organizations_task(client, agency):
    theirs = leaf(active_plan(agency), agency, lead_department=agency.elsewhere)
    client.force_login(agency.clerk)
    response = client.post(reverse("admin:plans_update_add"), {
        "task": theirs.pk, "reported_on": DAY.isoformat(), "text": "进展", "progress": 10,
    })  # fmt: skip
    assert response.status_code == 200 and not Update.objects.exists()
    assert "选择一个有效的选项" in response.text


def test_the_evidence_picker_offers_only_published_documents(client, agency):
    from tests.disclosure.factories import DocumentFactory
    from tests.plans.trees import public_document

    public_document(agency, title="关于公开的通知")
    DocumentFactory(organization=agency.office, title="关于草稿的通知")
    client.force_login(agency.clerk)
    response = client.get(reverse("admin:plans_update_evidence"), {
        "app_label": "plans", "model_name": "update", "field_name": "documents", "term": "通知",
    })  # fmt: skip
    titles = [item["text"] for item in response.json()["results"]]
    assert titles == ["关于公开的通知"]


def test_a_supervisor_sees_the_buttons_a_clerk_does_not(client, agency, plan_rows):
    page = reverse("admin:plans_update_change", args=[plan_rows["update"].pk])
    client.force_login(agency.supervisor)
    assert 'name="_accept"' in client.get(page).text
    client.force_login(agency.clerk)
    assert 'name="_accept"' not in client.get(page).text
    assert client.post(page, {"_accept": "采纳"}).status_code == 403


def test_the_accept_button_accepts(client, agency, plan_rows):
    page = reverse("admin:plans_update_change", args=[plan_rows["update"].pk])
    client.force_login(agency.supervisor)
    response = client.post(page, {"_accept": "采纳", "decision_note": "属实"})
    assert response.status_code == 302
    update = Update.objects.get(pk=plan_rows["update"].pk)
    assert (update.status, update.decision_note) == (Update.Status.ACCEPTED, "属实")
    assert Task.objects.get(pk=plan_rows["task"].pk).progress == 30


def test_a_return_without_a_reason_is_a_message_not_an_error(client, agency, plan_rows):
    page = reverse("admin:plans_update_change", args=[plan_rows["update"].pk])
    client.force_login(agency.supervisor)
    response = client.post(page, {"_return": "退回", "decision_note": ""})
    assert response.status_code == 302
    assert any("退回须说明理由" in str(m) for m in get_messages(response.wsgi_request))
    assert Update.objects.get(pk=plan_rows["update"].pk).status == Update.Status.SUBMITTED
    client.post(page, {"_return": "退回", "decision_note": "请补充佐证"})
    assert Update.objects.get(pk=plan_rows["update"].pk).status == Update.Status.RETURNED


def test_the_bulk_accept_reports_each_refusal(client, agency, plan_rows):
    complete = Update.objects.create(task=leaf(plan_rows["plan"], agency), reported_on=DAY,
                                     text="完成", progress=100, submitted_by=agency.clerk)  # fmt: skip
    client.force_login(agency.supervisor)
    response = client.post(reverse("admin:plans_update_changelist"), {
        "action": "accept_selected", "_selected_action": [plan_rows["update"].pk, complete.pk],
    }, follow=True)  # fmt: skip
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("须附佐证材料" in m for m in shown) and "已采纳 1 条进展。" in shown
    assert Update.objects.get(pk=plan_rows["update"].pk).status == Update.Status.ACCEPTED


# --- plans and tasks -----------------------------------------------------------------------


def test_a_supervisor_adds_a_task_through_the_service(client, agency, plan_rows):
    client.force_login(agency.supervisor)
    response = client.post(reverse("admin:plans_task_add"), {
        "plan": plan_rows["plan"].pk, "position": 0, "title": "新任务", "requirement": "",
        "lead_department": agency.office.pk, "cooperating_departments": [agency.publicity.pk],
        "due_on": "2019-09-30", "frequency": "", "weight": 2,
        "events-TOTAL_FORMS": 0, "events-INITIAL_FORMS": 0,
    })  # fmt: skip
    assert response.status_code == 302, response.text
    task = Task.objects.get(title="新任务")
    assert list(task.cooperating_departments.all()) == [agency.publicity]
    assert TaskEvent.objects.filter(task=task, note="新增任务").exists()  # an active plan


def test_a_supervisor_changes_a_deadline_and_it_is_recorded(client, agency, plan_rows):
    task = plan_rows["task"]
    client.force_login(agency.supervisor)
    response = client.post(reverse("admin:plans_task_change", args=[task.pk]), {
        "position": task.position, "title": task.title, "number": "", "requirement": "",
        "lead_department": agency.office.pk, "due_on": "2019-12-31", "frequency": "",
        "weight": 1, "events-TOTAL_FORMS": 1, "events-INITIAL_FORMS": 1,
    })  # fmt: skip
    assert response.status_code == 302, response.text
    event = TaskEvent.objects.get(task=task, action="changed")
    assert event.note == "完成时限：持续推进 → 2019-12-31"


def test_the_plan_actions_refuse_with_messages(client, agency, plan_rows):
    client.force_login(agency.supervisor)
    response = client.post(reverse("admin:plans_plan_changelist"), {
        "action": "activate_selected", "_selected_action": [plan_rows["plan"].pk],
    }, follow=True)  # fmt: skip
    assert any("只有编制中" in str(m) for m in get_messages(response.wsgi_request))
    listing = client.get(reverse("admin:plans_plan_changelist"))
    assert plan_rows["plan"].get_absolute_url() in listing.text
