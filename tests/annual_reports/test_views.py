"""The public pages: the column's old address redirects, published reports only (draft
404, withdrawn 410), the statutory tables verbatim in both formats, DOCX and XLSX with
real tables, and query counts that stay flat."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document as WordDocument
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from disclosure.annual_reports import exports, layouts
from disclosure.annual_reports.models import AnnualReport
from portal import workflow
from tests.annual_reports.factories import make_report, publish, published_report

pytestmark = pytest.mark.django_db
LIST = reverse("annual_reports:report-list")

ROWS_2021 = [
    "一、本年新收政府信息公开申请数量",
    "二、上年结转政府信息公开申请数量",
    "三、本年度办理结果",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "3.危及“三安全一稳定”",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "（七）总计",
    "四、结转下年度继续办理",
    "本年制发件数",
    "行政规范性文件",
    "本年收费金额（单位：万元）",
    "未经复议直接起诉",
    "复议后起诉",
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
]


def test_the_old_column_address_redirects_permanently(client):
    response = client.get("/disclosure/columns/annual-reports/")
    assert response.status_code == 301
    assert response["Location"] == "/disclosure/annual-reports/"


def test_the_column_nav_links_to_the_reports_and_marks_the_page(client):
    html = client.get(LIST).content.decode()
    assert re.search(
        r'href="/disclosure/annual-reports/" aria-current="page">政府信息公开年报', html
    )
    catalogue = client.get(reverse("disclosure:document-list")).content.decode()
    assert 'href="/disclosure/annual-reports/">政府信息公开年报' in catalogue


def test_the_home_page_links_to_the_reports(client):
    assert 'href="/disclosure/annual-reports/"' in client.get("/").content.decode()


def test_a_draft_report_is_not_found(client, agency):
    report = make_report(agency.bureau, by=agency.clerk)
    assert client.get(report.get_absolute_url()).status_code == 404
    assert client.get(reverse("annual_reports:report-docx", args=[report.pk])).status_code == 404
    assert report.title not in client.get(LIST).content.decode()


def test_a_withdrawn_report_is_gone(client, agency):
    report = published_report(agency)
    workflow.perform(report, step="withdraw", by=agency.publisher, note="数据更正")
    assert client.get(report.get_absolute_url()).status_code == 410
    assert client.get(reverse("annual_reports:report-xlsx", args=[report.pk])).status_code == 410


def test_a_published_report_shows_every_section_and_the_exact_rows(client, agency):
    report = published_report(agency)
    response = client.get(report.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for title in layouts.SECTIONS.values():
        assert f">{title}</h2>" in html
    for text in ROWS_2021:
        assert text in html, text
    assert '<th scope="colgroup" colspan="7">申请人情况</th>' in html
    assert '<td class="num">1520</td>' in html  # 行政许可
    assert '<td class="num">12.3456</td>' in html  # 收费金额
    assert "<caption>收到和处理政府信息公开申请情况</caption>" in html
    assert "本年度，本机关认真贯彻落实《条例》。" in html


def test_a_2019_report_renders_in_the_trial_layout(client, agency):
    report = published_report(agency, year=2019)
    html = client.get(report.get_absolute_url()).content.decode()
    for text in ["本年新制作数量", "对外公开总数量", "其他对外管理服务事项", "上一年项目数量",
                 "本年增/减", "第二十条第（九）项", "政府集中采购", "采购总金额", ">规范性文件<"]:  # fmt: skip
        assert text in html, text
    assert '<th scope="row" colspan="2">（六）其他处理</th>' in html
    assert "行政机关不再处理其政府信息公开申请" not in html
    assert "本年制发件数" not in html


def test_the_list_shows_the_newest_year_first(client, agency):
    older = published_report(agency, year=2024)
    newer = published_report(agency, year=2025)
    html = client.get(LIST).content.decode()
    assert html.index(newer.title) < html.index(older.title)
    assert '<h2 id="year-2025">2025年度</h2>' in html


def test_the_docx_holds_the_tables_with_their_rows(client, agency):
    report = published_report(agency)
    response = client.get(reverse("annual_reports:report-docx", args=[report.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = WordDocument(io.BytesIO(response.content))
    texts = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "（七）总计" in texts and "行政许可" in texts and "1520" in texts
    assert len(document.tables) == 6  # four parts of table 二, 三, 四
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == report.title
    assert "六、其他需要报告的事项" in headings


def test_the_xlsx_has_one_sheet_per_table_with_numbers_not_formulas(client, agency):
    report = make_report(agency.bureau, by=agency.clerk, texts={
        "overview": "=HYPERLINK(\"http://evil\")", "problems": "无。", "other_matters": "",
    })  # fmt: skip
    report = publish(report, agency)
    response = client.get(reverse("annual_reports:report-xlsx", args=[report.pk]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["表二-1", "表二-2", "表二-3", "表二-4", "表三", "表四"]
    values = [cell.value for row in workbook["表三"].iter_rows() for cell in row]
    assert "四、结转下年度继续办理" in values
    assert all(not (isinstance(v, str) and v.startswith("=")) for v in values)
    permits = [
        row for row in workbook["表二-2"].iter_rows(values_only=True) if row[0] == "行政许可"
    ]
    assert permits[0][1] == 1520


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_detail_and_list_queries_do_not_grow(client, agency, settings):
    settings.PAGE_CACHE = False  # count what a render costs, not a cache hit
    first = published_report(agency, year=2024)
    list_queries = _queries(client, LIST)
    detail_queries = _queries(client, first.get_absolute_url())
    for year in (2021, 2022, 2023):
        published_report(agency, year=year)
    publish(make_report(agency.office, year=2025, by=agency.clerk), agency)
    assert _queries(client, LIST) == list_queries
    assert _queries(client, first.get_absolute_url()) == detail_queries
    assert list_queries <= 4 and detail_queries <= 3


def test_without_reports_the_list_shows_the_columns_editable_note(client):
    from disclosure.models import ColumnPage

    ColumnPage.objects.filter(slug="annual-reports").update(
        body="", empty_note="年报栏目暂无内容。"
    )
    html = client.get("/disclosure/columns/annual-reports/", follow=True).content.decode()
    assert "<h1>政府信息公开年报</h1>" in html
    assert "年报栏目暂无内容。" in html


def test_earlier_reports_in_the_column_page_stay_listed_below(client, agency):
    from disclosure.models import ColumnPage

    ColumnPage.objects.filter(slug="annual-reports").update(body="<p>2018年年报（PDF）</p>")
    published_report(agency)
    html = client.get(LIST).content.decode()
    assert "往年年报" in html and "<p>2018年年报（PDF）</p>" in html


def test_the_sitemap_and_the_search_find_a_published_report_only(client, agency):
    draft = make_report(agency.office, by=agency.clerk)
    report = published_report(agency)
    assert "sitemap-annual-reports.xml" in client.get("/sitemap.xml").content.decode()
    sitemap = client.get("/sitemap-annual-reports.xml").content.decode()
    assert report.get_absolute_url() in sitemap and draft.get_absolute_url() not in sitemap
    found = client.get(reverse("search"), {"q": "年度报告"}).content.decode()
    assert report.get_absolute_url() in found


def test_any_text_in_a_section_is_shown_escaped_and_exported(client, agency, settings):
    settings.PAGE_CACHE = False  # each example's page, not the first one cached
    report = published_report(agency)

    @hypothesis_settings(max_examples=8, deadline=None)
    @given(text=st.text(max_size=80) | st.just("<script>alert(1)</script>"))
    def check(text):
        item = AnnualReport.objects.get(pk=report.pk)
        item.overview = text
        item.save()  # BlockField cleans it as every write path does
        item.refresh_from_db()
        exports.render_docx(item)
        exports.render_xlsx(item)
        html = client.get(item.get_absolute_url()).content.decode()
        assert "<script" not in item.overview or "&lt;script" in html

    check()
