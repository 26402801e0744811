"""Creating, completing, re-assembling and submitting reports; the frozen tables; the
shared workflow's four eyes; the search registration."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from disclosure.annual_reports import layouts
from disclosure.annual_reports.services import (
    report_create,
    report_refresh,
    report_save_figures,
    report_submit,
)
from portal import workflow
from portal.models import SearchEntry
from tests.annual_reports.factories import (
    TEXTS,
    consistent_figures,
    make_report,
    published_report,
)
from tests.disclosure.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def normative_2025(agency, number="渝民规〔2025〕3号"):
    return DocumentFactory(
        published=True, is_normative=True, registration_number=number,
        organization=agency.office, written_on=date(2025, 4, 1),
    )  # fmt: skip


def test_create_assembles_the_tables_and_belongs_to_the_clerks_office(agency):
    normative_2025(agency)
    report = report_create(year=2025, organization=agency.bureau, by=agency.clerk)
    assert report.status == "draft"
    assert report.owner_organization == agency.office
    assert report.layout == layouts.LAYOUT_2021
    assert report.tables["catalogue"]["normative"]["issued"] == 1
    assert report.assembled_at is not None


def test_reports_on_2019_and_2020_default_to_the_trial_layout(agency):
    report = report_create(year=2020, organization=agency.bureau, by=agency.clerk)
    assert report.layout == layouts.LAYOUT_2019


def test_one_report_per_organization_and_year(agency):
    report_create(year=2025, organization=agency.bureau, by=agency.clerk)
    with pytest.raises(ValidationError, match="已存在"):
        report_create(year=2025, organization=agency.bureau, by=agency.clerk)


def test_a_clerk_cannot_write_another_agencys_report(agency):
    with pytest.raises(PermissionDenied):
        report_create(year=2025, organization=agency.elsewhere, by=agency.clerk)


def test_a_reviewer_cannot_create_a_report(agency):
    with pytest.raises(PermissionDenied):
        report_create(year=2025, organization=agency.bureau, by=agency.reviewer)


def test_figures_are_saved_normalised_with_the_texts(agency):
    report = make_report(agency.bureau, by=agency.clerk)
    assert report.figures["fees.amount"] == "12.3456"
    assert report.figures["licensing.decisions"] == 1520
    assert report.overview == TEXTS["overview"]


def test_a_negative_count_is_refused(agency):
    report = report_create(year=2025, organization=agency.bureau, by=agency.clerk)
    with pytest.raises(ValidationError) as refused:
        report_save_figures(report=report, figures={"penalty.decisions": -1}, by=agency.clerk)
    assert "行政处罚" in refused.value.messages[0]


def test_the_2019_yearly_change_may_be_negative(agency):
    report = report_create(year=2019, organization=agency.bureau, by=agency.clerk)
    figures = consistent_figures(layouts.LAYOUT_2019) | {"licensing.change": -3}
    saved = report_save_figures(report=report, figures=figures, by=agency.clerk)
    assert saved.figures["licensing.change"] == -3


@hypothesis_settings(max_examples=30, deadline=None)
@given(text=st.text(max_size=12))
def test_any_text_in_a_count_is_refused_or_a_whole_number(text):
    errors = layouts.figure_errors(layouts.LAYOUT_2021, {"licensing.decisions": text})
    if not errors:
        assert int(text.strip()) >= 0


def test_an_amount_with_five_decimals_is_refused():
    errors = layouts.figure_errors(layouts.LAYOUT_2021, {"fees.amount": "1.23456"})
    assert errors == {
        "fees.amount": "第二十条第（八）项 行政事业性收费：本年收费金额（单位：万元）最多保留4位小数（单位：万元）。"
    }


def test_refresh_counts_what_was_published_since(agency):
    report = make_report(agency.bureau, by=agency.clerk)
    assert report.tables["catalogue"]["normative"]["issued"] == 0
    normative_2025(agency)
    report = report_refresh(report=report, by=agency.clerk)
    assert report.tables["catalogue"]["normative"]["issued"] == 1


def test_submitting_freezes_the_tables(agency):
    report = make_report(agency.bureau, by=agency.clerk)
    normative_2025(agency)
    report = report_submit(report=report, by=agency.clerk)
    assert report.status == "submitted"
    assert report.tables["catalogue"]["normative"]["issued"] == 1  # assembled at submission
    normative_2025(agency, "渝民规〔2025〕4号")
    with pytest.raises(ValidationError, match="冻结"):
        report_refresh(report=report, by=agency.clerk)
    approved = workflow.perform(report, step="approve", by=agency.reviewer, note="同意")
    assert approved.tables["catalogue"]["normative"]["issued"] == 1


def test_a_published_report_keeps_its_figures_when_records_change(agency):
    report = published_report(agency)
    normative_2025(agency)
    report.refresh_from_db()
    assert report.status == "published"
    assert report.tables["catalogue"]["normative"]["issued"] == 0


def test_the_author_cannot_approve_the_report(agency):
    report = make_report(agency.bureau, by=agency.clerk_and_reviewer)
    report = report_submit(report=report, by=agency.clerk_and_reviewer)
    with pytest.raises(PermissionDenied):
        workflow.perform(report, step="approve", by=agency.clerk_and_reviewer, note="同意")


def test_publishing_indexes_the_report_for_search_and_withdrawing_removes_it(agency):
    report = published_report(agency)
    entry = SearchEntry.objects.get(kind="annual_report", object_id=report.pk)
    assert entry.title == "重庆市民政局2025年政府信息公开工作年度报告"
    assert entry.url == f"/disclosure/annual-reports/{report.pk}/"
    workflow.perform(report, step="withdraw", by=agency.publisher, note="数据有误")
    assert not SearchEntry.objects.filter(kind="annual_report", object_id=report.pk).exists()
