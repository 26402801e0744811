"""The report pages: who may open them (anonymous → login, other roles → 403, supervisors
and superusers → 200), the public task list (only when published, nothing internal on
it) and query counts that stay flat as a plan grows."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans import services
from plans.models import Plan
from tests.plans.factories import PlanFactory, TaskFactory
from tests.plans.trees import active_plan, leaf, public_document, screenshot
from tests.portal.factories import UserFactory
from tests.portal.roles import staff

ROLES_REFUSED = ["clerk", "reviewer", "publisher", "outside_reviewer"]


@pytest.fixture
def plan(agency):
    plan = active_plan(agency, title="2026年政务公开工作方案", year=timezone.localdate().year)
    section = TaskFactory(plan=plan, number="一、", title="推进决策公开")
    leaf(plan, agency, parent=section, title="公开重大决策事项目录")
    return plan


@pytest.fixture
def evidence(plan, agency):
    """A submitted report with a file, on the plan's first leaf."""
    task = plan.tasks.get(title="公开重大决策事项目录")
    update = services.update_submit(
        task=task, by=agency.clerk, reported_on=timezone.localdate(), text="已完成部署。",
        progress=40, files=[screenshot("会议记录.png")],
    )  # fmt: skip
    return update.files.get()


def staff_urls(plan, evidence):
    task = evidence.update.task
    return [
        reverse("plans:plan-list"),
        reverse("plans:plan-report", kwargs={"pk": plan.pk}),
        reverse("plans:plan-ledger", kwargs={"pk": plan.pk}),
        reverse("plans:plan-print", kwargs={"pk": plan.pk}),
        reverse("plans:plan-summary", kwargs={"pk": plan.pk}),
        reverse("plans:task-detail", kwargs={"plan_pk": plan.pk, "pk": task.pk}),
        reverse(
            "plans:evidence-file",
            kwargs={"plan_pk": plan.pk, "task_pk": task.pk, "pk": evidence.pk},
        ),
    ]


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_the_login_page(client, plan, evidence):
    for url in staff_urls(plan, evidence):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/?next="), url
    weights = reverse("plans:plan-weights", kwargs={"pk": plan.pk})
    assert client.post(weights, {"on_time_weight": 1})["Location"].startswith("/admin/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES_REFUSED)
def test_other_roles_get_the_chinese_403_page(client, plan, evidence, agency, role):
    client.force_login(getattr(agency, role))
    for url in staff_urls(plan, evidence):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "没有访问权限" in response.content.decode(), url
    summary = reverse("plans:plan-summary", kwargs={"pk": plan.pk})
    assert client.post(summary, {"summary": "改写", "save": ""}).status_code == 403
    assert Plan.objects.get(pk=plan.pk).summary == ""


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["supervisor", "superuser", "overseer"])
def test_supervisors_and_superusers_open_every_page(client, plan, evidence, agency, who):
    users = {
        "supervisor": lambda: agency.supervisor,
        "superuser": lambda: UserFactory(is_staff=True, is_superuser=True),
        "overseer": lambda: overseer(agency),
    }
    client.force_login(users[who]())
    for url in staff_urls(plan, evidence):
        assert client.get(url).status_code == 200, url


def overseer(agency):
    """Staff with ``portal.oversee_all`` alone: reads every plan, changes none."""
    user = staff("overseer", agency.bureau)
    user.user_permissions.add(Permission.objects.get(codename="oversee_all"))
    return user


@pytest.mark.django_db
def test_reading_alone_does_not_change_weights_or_summary(client, plan, agency):
    client.force_login(overseer(agency))
    report = client.get(reverse("plans:plan-report", kwargs={"pk": plan.pk})).content.decode()
    assert "保存权重" not in report
    weights = {"on_time_weight": 1, "progress_weight": 1, "reporting_weight": 1}
    url = reverse("plans:plan-weights", kwargs={"pk": plan.pk})
    assert client.post(url, weights).status_code == 403
    summary = client.get(reverse("plans:plan-summary", kwargs={"pk": plan.pk})).content.decode()
    assert "重新生成" not in summary and 'id="summary-text"' in summary
    assert Plan.objects.get(pk=plan.pk).on_time_weight == 60


@pytest.mark.django_db
def test_evidence_file_downloads_for_supervisors_only_as_an_attachment(
    client, plan, evidence, agency
):
    client.force_login(agency.supervisor)
    response = client.get(staff_urls(plan, evidence)[-1])
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    other = active_plan(agency, title="另一方案")
    wrong = reverse(
        "plans:evidence-file",
        kwargs={"plan_pk": other.pk, "task_pk": evidence.update.task_id, "pk": evidence.pk},
    )
    assert client.get(wrong).status_code == 404


@pytest.mark.django_db
def test_task_page_shows_history_reports_and_evidence(client, plan, evidence, agency):
    document = public_document(agency, title="关于公开重大决策事项目录的通知")
    task = evidence.update.task
    services.update_return(update=evidence.update, by=agency.supervisor, note="请补充会议记录。")
    services.update_submit(
        task=task, by=agency.clerk, reported_on=timezone.localdate(), text="目录已公开。",
        progress=100, documents=[document],
    )  # fmt: skip
    client.force_login(agency.supervisor)
    page = client.get(task.get_absolute_url()).content.decode()
    assert "已退回" in page and "请补充会议记录。" in page and "待审核" in page
    assert f'href="{document.get_absolute_url()}"' in page
    assert "会议记录.png" in page and "退回进展" in page and "报送进展" in page


# --- the public task list ------------------------------------------------------------


@pytest.mark.django_db
def test_public_page_is_404_unless_published_and_past_drafting(client, plan):
    url = reverse("plans:plan-public", kwargs={"pk": plan.pk})
    assert client.get(url).status_code == 404  # not public
    Plan.objects.filter(pk=plan.pk).update(is_public=True, status=Plan.Status.DRAFTING)
    assert client.get(url).status_code == 404  # still being drafted
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.ACTIVE)
    response = client.get(url)
    assert response.status_code == 200
    assert "公开重大决策事项目录" in response.content.decode()
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.ARCHIVED)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_public_page_shows_no_reports_notes_files_or_staff(client, plan, evidence, agency):
    Plan.objects.filter(pk=plan.pk).update(is_public=True)
    agency.clerk.first_name, agency.clerk.last_name = "秀英", "李"
    agency.clerk.save()
    services.update_return(update=evidence.update, by=agency.supervisor, note="内部意见：材料不全")
    page = client.get(reverse("plans:plan-public", kwargs={"pk": plan.pk})).content.decode()
    for secret in ["已完成部署", "内部意见", "会议记录", "李秀英", "clerk", "supervisor",
                   "/files/", "报送人", "审核意见"]:  # fmt: skip
        assert secret not in page, secret
    assert "局办公室" in page  # the department is public, its staff are not


@pytest.mark.django_db
def test_the_public_list_shows_published_plans_only_and_links_each(client, plan, agency):
    hidden = active_plan(agency, title="未公开的方案")
    drafted = PlanFactory(title="编制中的方案", is_public=True, status=Plan.Status.DRAFTING)
    Plan.objects.filter(pk=plan.pk).update(is_public=True)
    page = client.get(reverse("plans:plan-public-list")).content.decode()
    assert reverse("plans:plan-public", kwargs={"pk": plan.pk}) in page
    assert "具体任务 1 项，已完成 0 项" in page
    assert hidden.title not in page and drafted.title not in page
    home = client.get(reverse("home")).content.decode()
    assert reverse("plans:plan-public-list") in home  # the site footer links it


# --- query counts ----------------------------------------------------------------------


def grow(plan, agency, count):
    section = TaskFactory(plan=plan, title=f"部分{count}")
    for n in range(count):
        task = leaf(plan, agency, parent=section, title=f"任务{count}-{n}",
                    due_on=timezone.localdate() + timedelta(days=n), weight=1 + n % 3,
                    cooperating_departments=[agency.publicity])  # fmt: skip
        if n % 2:
            services.update_accept(
                update=services.update_submit(
                    task=task, by=agency.clerk, reported_on=timezone.localdate(), text="推进中。",
                    progress=50,
                ),
                by=agency.supervisor,
            )  # fmt: skip


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["plan-report", "plan-print", "plan-ledger", "plan-public"])
def test_report_pages_run_the_same_queries_at_5_and_60_tasks(
    client, agency, name, django_assert_num_queries
):
    plan = active_plan(agency, is_public=True, year=timezone.localdate().year)
    grow(plan, agency, 5)
    if name != "plan-public":  # read by everyone: counted as the public reads it
        client.force_login(agency.supervisor)
    url = reverse(f"plans:{name}", kwargs={"pk": plan.pk})
    # Session, user, two permission reads, plan, tasks, (cooperating departments),
    # calendar; the public page: plan, tasks, cooperating departments.
    expected = {"plan-report": 7, "plan-print": 7, "plan-ledger": 8, "plan-public": 3}[name]
    with django_assert_num_queries(expected):
        client.get(url)
    grow(plan, agency, 55)
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_task_page_queries_stay_flat_as_reports_grow(client, agency, django_assert_num_queries):
    plan = active_plan(agency, year=timezone.localdate().year)
    task = leaf(plan, agency, title="持续报送的任务")
    client.force_login(agency.supervisor)

    def one_more_report():
        update = services.update_submit(
            task=task, by=agency.clerk, reported_on=timezone.localdate(), text="推进中。",
            progress=10, files=[screenshot()],
        )  # fmt: skip
        services.update_accept(update=update, by=agency.supervisor)

    one_more_report()
    first = queries(client, task.get_absolute_url())
    for _ in range(4):
        one_more_report()
    assert queries(client, task.get_absolute_url()) == first


@pytest.mark.django_db
def test_plan_list_queries_stay_flat(client, agency):
    active_plan(agency, title="方案一")
    client.force_login(agency.supervisor)
    first = queries(client, reverse("plans:plan-list"))
    for n in range(5):
        grow(active_plan(agency, title=f"方案{n + 2}"), agency, 2)
    assert queries(client, reverse("plans:plan-list")) == first
