"""The reports in the admin: pages open, the form saves the figures, 重新汇总 and submit
go through the services, and supervisors see the countdown to the statutory deadline."""

from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from disclosure.annual_reports import deadlines
from disclosure.annual_reports.admin import reporting_year
from disclosure.annual_reports.forms import figure_field_name
from disclosure.annual_reports.models import AnnualReport
from disclosure.annual_reports.services import report_submit
from tests.annual_reports.factories import consistent_figures, make_report
from tests.disclosure.factories import DocumentFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:annual_reports_annualreport_changelist")
ADD = reverse("admin:annual_reports_annualreport_add")
NOVEMBER_30 = datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def change_url(report):
    return reverse("admin:annual_reports_annualreport_change", args=[report.pk])


def logged_in(client, user):
    client.force_login(user)
    return client


def form_data(report, **overrides):
    data = {
        "include_sub_organizations": "on",
        "layout": report.layout,
        "overview": "总体情况。",
        "problems": "存在问题。",
        "other_matters": "其他事项。",
    }
    for key, value in consistent_figures(report.layout).items():
        data[figure_field_name(key)] = str(value)
    data.update(overrides)
    return data


def test_the_pages_open_for_the_clerk(agency, client):
    report = make_report(agency.bureau, by=agency.clerk)
    client = logged_in(client, agency.clerk)
    assert client.get(CHANGELIST).status_code == 200
    assert client.get(ADD).status_code == 200
    response = client.get(change_url(report))
    assert response.status_code == 200
    html = response.content.decode()
    assert "重新汇总" in html and "汇总表预览" in html and "（七）总计" in html
    assert "第二十条第（五）项 行政许可：本年处理决定数量" in html
    preview = reverse("admin:annual_reports_annualreport_preview", args=[report.pk])
    assert "预览：这是审核中的版本" in client.get(preview).content.decode()
    assert client.get(CHANGELIST + "?q=2025").status_code == 200


def test_adding_assembles_the_tables(agency, client):
    DocumentFactory(
        published=True, is_normative=True, registration_number="渝民规〔2025〕5号",
        organization=agency.office, written_on=datetime(2025, 5, 5).date(),
    )  # fmt: skip
    response = logged_in(client, agency.clerk).post(
        ADD,
        {"year": "2025", "organization": agency.bureau.pk, "include_sub_organizations": "on",
         "layout": ""},
    )  # fmt: skip
    assert response.status_code == 302
    report = AnnualReport.objects.get(organization=agency.bureau, year=2025)
    assert report.layout == "2021"
    assert report.tables["catalogue"]["normative"]["issued"] == 1


def test_the_form_saves_figures_and_refuses_a_negative_count(agency, client):
    report = make_report(agency.bureau, by=agency.clerk)
    client = logged_in(client, agency.clerk)
    data = form_data(report, **{figure_field_name("licensing.decisions"): "88"})
    assert client.post(change_url(report), data).status_code == 302
    report.refresh_from_db()
    assert report.figures["licensing.decisions"] == 88 and report.overview == "总体情况。"
    bad = form_data(report, **{figure_field_name("penalty.decisions"): "-2"})
    response = client.post(change_url(report), bad)
    assert response.status_code == 200
    assert "errornote" in response.content.decode()


def test_refresh_reassembles_a_draft(agency, client):
    report = make_report(agency.bureau, by=agency.clerk)
    DocumentFactory(
        published=True, is_normative=True, registration_number="渝民规〔2025〕6号",
        organization=agency.bureau, written_on=datetime(2025, 6, 6).date(),
    )  # fmt: skip
    url = reverse("admin:annual_reports_annualreport_refresh", args=[report.pk])
    client = logged_in(client, agency.clerk)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    report.refresh_from_db()
    assert report.tables["catalogue"]["normative"]["issued"] == 1


def test_the_submit_button_freezes_and_submits(agency, client):
    report = make_report(agency.bureau, by=agency.clerk)
    url = reverse("admin:annual_reports_annualreport_step", args=[report.pk, "submit"])
    logged_in(client, agency.clerk).post(url, {})
    report.refresh_from_db()
    assert report.status == "submitted"
    html = client.get(change_url(report)).content.decode()
    assert "重新汇总</button>" not in html


def test_a_refused_approval_lists_the_failed_checks(agency, client):
    report = make_report(
        agency.bureau, by=agency.clerk, figures=consistent_figures() | {"review.total": 9}
    )
    report_submit(report=report, by=agency.clerk)
    url = reverse("admin:annual_reports_annualreport_step", args=[report.pk, "approve"])
    response = logged_in(client, agency.reviewer).post(url, {"note": "同意"}, follow=True)
    assert "表四“行政复议”：总计（9）不等于四种结果之和（3）。" in response.content.decode()


def test_supervisors_see_the_countdown_on_the_list_and_the_report(agency, client):
    report = make_report(agency.bureau, year=2026, by=agency.clerk)
    client = logged_in(client, agency.supervisor)
    with mock.patch("django.utils.timezone.now", return_value=NOVEMBER_30):
        listing = client.get(CHANGELIST).content.decode()
        page = client.get(change_url(report)).content.decode()
    expected = "距法定发布期限（2027-01-31）还有 62 天"
    assert f"重庆市民政局2026年度年报：{expected}" in listing
    assert expected in page
    assert client.get(ADD).status_code == 403


def test_governments_have_until_31_march_and_the_reporting_year_turns_in_april():
    assert deadlines.deadline_for(2026, "重庆市人民政府").isoformat() == "2027-03-31"
    assert deadlines.deadline_for(2026, "重庆市民政局").isoformat() == "2027-01-31"
    assert reporting_year(datetime(2027, 3, 31).date()) == 2026
    assert reporting_year(datetime(2027, 4, 1).date()) == 2027
    overdue = deadlines.countdown_text(datetime(2027, 1, 31).date(), datetime(2027, 2, 3).date())
    assert overdue == "已超过法定发布期限（2027-01-31）3 天"
    late = deadlines.countdown_text(
        datetime(2027, 1, 31).date(), datetime(2027, 2, 3).date(),
        published_on=datetime(2027, 2, 2).date(),
    )  # fmt: skip
    assert late == "已于 2027-02-02 发布（法定发布期限 2027-01-31，逾期 2 天）"


def test_a_2019_report_asks_for_the_trial_formats_cells(agency, client):
    report = make_report(agency.bureau, year=2020, by=agency.clerk)
    html = logged_in(client, agency.clerk).get(change_url(report)).content.decode()
    assert "第二十条第（九）项 政府集中采购：采购总金额（万元）" in html
    assert "第二十条第（五）项 其他对外管理服务事项：本年增/减" in html
    assert "本年收费金额（单位：万元）</label>" not in html


def test_a_second_report_for_the_same_year_is_a_form_error(agency, client):
    make_report(agency.bureau, by=agency.clerk)
    response = logged_in(client, agency.clerk).post(
        ADD,
        {"year": "2025", "organization": agency.bureau.pk, "include_sub_organizations": "on",
         "layout": ""},
    )  # fmt: skip
    assert response.status_code == 200
    assert "该机关本年度的年报已存在。" in response.content.decode()
    assert AnnualReport.objects.count() == 1


def test_a_supervisor_reads_the_figures_in_the_preview_not_as_empty_inputs(agency, client):
    report = make_report(agency.bureau, by=agency.clerk)
    html = logged_in(client, agency.supervisor).get(change_url(report)).content.decode()
    assert "手工填报" not in html
    assert '<td class="num">1520</td>' in html
