"""What the report page, the XLSX ledger and the summary page hold, and the two writes a
supervisor makes there (考核 weights, the year-end summary)."""

import io
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from plans import services
from plans.ledger import DEPARTMENT_COLUMNS, TASK_COLUMNS
from plans.models import Plan
from plans.report_services import plan_set_weights
from tests.plans.factories import TaskFactory
from tests.plans.trees import active_plan, leaf
from tests.portal.roles import staff


@pytest.fixture
def plan(agency):
    """This year's plan: the office's task past due (red) and one due tomorrow (yellow);
    publicity's continuous task reported and accepted today (green)."""
    today = timezone.localdate()
    plan = active_plan(agency, title="本年度政务公开工作方案", year=today.year)
    section = TaskFactory(plan=plan, number="一、", title="推进决策公开")
    leaf(plan, agency, parent=section, title="逾期的任务", due_on=today - timedelta(days=3))
    leaf(
        plan,
        agency,
        parent=section,
        title='=HYPERLINK("http://x")',
        due_on=today + timedelta(days=1),
    )
    steady = leaf(plan, agency, parent=section, title="持续推进的任务",
                  lead_department=agency.publicity, frequency="monthly")  # fmt: skip
    publicity_clerk = staff("publicity-clerk", agency.publicity, "信息员")
    update = services.update_submit(
        task=steady, by=publicity_clerk, reported_on=today, text="按月推进。", progress=30
    )
    services.update_accept(update=update, by=agency.supervisor)
    return plan


@pytest.fixture
def supervisor_client(client, agency):
    client.force_login(agency.supervisor)
    return client


def url(name, plan):
    return reverse(f"plans:{name}", kwargs={"pk": plan.pk})


@pytest.mark.django_db
def test_report_page_shows_lights_in_words_tables_charts_and_formula(supervisor_client, plan):
    page = supervisor_client.get(url("plan-report", plan)).content.decode()
    assert "红灯" in page and "已超过完成时限（" in page
    assert "黄灯" in page and "距完成时限还有" in page
    assert "绿灯" in page and "按计划推进" in page
    assert page.count('role="img"') == 2 and "<title" in page
    assert 'id="department-table"' in page and 'id="overdue-table"' in page
    assert "得分 = (60 × 按期完成率 + 30 × 平均进度 + 10 × 按频次报送率) ÷ 100 × 100" in page
    assert 'href="https://' not in page and "cdn" not in page.lower()


@pytest.mark.django_db
def test_ledger_opens_with_the_report_columns_and_a_row_per_department_and_task(
    supervisor_client, plan
):
    response = supervisor_client.get(url("plan-ledger", plan))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith('attachment; filename="plan-')
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["各部门情况", "任务台账"]
    departments, tasks = workbook["各部门情况"], workbook["任务台账"]
    assert [cell.value for cell in departments[2]] == DEPARTMENT_COLUMNS
    rows = {row[0]: row for row in departments.iter_rows(min_row=3, values_only=True)}
    assert rows["局办公室"][1:5] == (2, 0, 0, 1)  # tasks, completed, on time, overdue
    assert rows["局办公室"][7] == "红灯" and rows["宣传信息处"][7] == "绿灯"
    assert [cell.value for cell in tasks[2]] == TASK_COLUMNS
    titles = [row[1] for row in tasks.iter_rows(min_row=3, values_only=True)]
    assert titles[0] == "推进决策公开" and len(titles) == 4
    assert '\'=HYPERLINK("http://x")' in titles  # a formula-like title stays text


@pytest.mark.django_db
def test_print_page_has_the_figures_without_the_site_navigation(supervisor_client, plan):
    page = supervisor_client.get(url("plan-print", plan)).content.decode()
    assert 'id="department-table"' in page and "逾期的任务" in page
    assert "主导航" not in page and "site-header" not in page and "保存权重" not in page


@pytest.mark.django_db
def test_supervisor_sets_the_weights_and_the_scores_follow(supervisor_client, plan, agency):
    response = supervisor_client.post(
        url("plan-weights", plan),
        {"on_time_weight": "50", "progress_weight": "25", "reporting_weight": "25"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#assessment")
    plan.refresh_from_db()
    assert (plan.on_time_weight, plan.progress_weight, plan.reporting_weight) == (50, 25, 25)
    entry = LogEntry.objects.get(object_id=str(plan.pk))
    assert entry.user == agency.supervisor and "按期完成 60→50" in entry.get_change_message()
    page = supervisor_client.get(response["Location"]).content.decode()
    assert "考核权重已保存" in page
    assert "得分 = (50 × 按期完成率 + 25 × 平均进度 + 25 × 按频次报送率) ÷ 100 × 100" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("weights", "message"),
    [
        (("0", "0", "0"), "三项权重不能都为 0。"),
        (("101", "0", "0"), "按期完成权重不能大于 100。"),
        (("-1", "1", "1"), "按期完成权重不能小于 0。"),
        (("六十", "1", "1"), "按期完成权重应为整数。"),
    ],
)
def test_bad_weights_are_refused_in_chinese_and_nothing_changes(
    supervisor_client, plan, weights, message
):
    names = ["on_time_weight", "progress_weight", "reporting_weight"]
    response = supervisor_client.post(
        url("plan-weights", plan), dict(zip(names, weights, strict=True))
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Plan.objects.get(pk=plan.pk).on_time_weight == 60


@pytest.mark.django_db
def test_the_weights_service_refuses_readers_and_all_zero(plan, agency):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        plan_set_weights(plan=plan, on_time_weight=1, progress_weight=1, reporting_weight=1,
                         by=agency.reviewer)  # fmt: skip
    with pytest.raises(ValidationError):
        plan_set_weights(plan=plan, on_time_weight=0, progress_weight=0, reporting_weight=0,
                         by=agency.supervisor)  # fmt: skip


@pytest.mark.django_db
def test_summary_is_generated_then_saved_escaped_and_regenerated(supervisor_client, plan):
    page = supervisor_client.get(url("plan-summary", plan)).content.decode()
    assert "尚未保存过总结" in page and "细化分解为3项具体任务" in page
    response = supervisor_client.post(
        url("plan-summary", plan), {"summary": "<script>alert(1)</script>总结正文", "save": ""}
    )
    assert response.status_code == 302
    assert Plan.objects.get(pk=plan.pk).summary == "<script>alert(1)</script>总结正文"
    page = supervisor_client.get(url("plan-summary", plan)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;总结正文" in page and "<script>alert" not in page
    assert "年度总结已保存" in page
    page = supervisor_client.post(url("plan-summary", plan), {"regenerate": ""}).content.decode()
    assert "已根据已采纳的进展重新生成" in page and "细化分解为3项具体任务" in page
    assert Plan.objects.get(pk=plan.pk).summary.endswith("总结正文")  # not saved until 保存


@pytest.mark.django_db
def test_an_overlong_summary_is_refused(supervisor_client, plan):
    response = supervisor_client.post(
        url("plan-summary", plan), {"summary": "字" * 20_001, "save": ""}
    )
    assert response.status_code == 400 and "总结不能超过 20000 字" in response.content.decode()
