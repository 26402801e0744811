"""Section 二 第（一）项 against a hand-counted year of the catalogue, section 三's matrix
from the applications' figures (through the seam ``assembly.applications_figures``), and
section 六 started from the work plan's summary."""

from datetime import date

import pytest
from django.utils import timezone

from disclosure import normative
from disclosure.annual_reports import assembly, checks, layouts
from disclosure.applications.models import ApplicationEvent
from disclosure.models import Genre
from tests.annual_reports.factories import make_report
from tests.applications.factories import ApplicationFactory
from tests.disclosure.factories import DocumentFactory
from tests.plans.factories import PlanFactory
from tests.portal.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 1, 10)


def normative_document(number, **fields):
    return DocumentFactory(published=True, is_normative=True, registration_number=number, **fields)


def rule(**fields):
    """A 规章: promulgated by an order (命令（令）)."""
    fields.setdefault("validity", "有效")
    return DocumentFactory(published=True, genre=Genre.objects.get(name="命令（令）"), **fields)


@pytest.fixture
def year_2025():
    """The hand-counted catalogue of 2025 (bureau with its office; another agency)."""
    bureau = OrganizationFactory(name="重庆市民政局")
    office = OrganizationFactory(name="局办公室", parent=bureau, credit_code="")
    elsewhere = OrganizationFactory(name="另一个局")
    # Normative: N1 issued 2025 by the office (effective 2025-04-09) repeals N2 (2023);
    # N3 (2024) stays valid; N4 belongs to another agency.
    n1 = normative_document("渝民规〔2025〕1号", organization=office, written_on=date(2025, 3, 10))
    normative_document(
        "渝民规〔2023〕4号", organization=bureau, written_on=date(2023, 5, 6),
        validity="废止", superseded_by=n1,
    )  # fmt: skip
    normative_document("渝民规〔2024〕2号", organization=bureau, written_on=date(2024, 2, 1))
    normative_document("渝民规〔2025〕7号", organization=elsewhere, written_on=date(2025, 6, 1))
    # 规章: R1 issued 2025 repeals R2 (2020); R3 repealed with no repealing document named.
    r1 = rule(organization=bureau, written_on=date(2025, 1, 20), title="重庆市殡葬管理办法")
    rule(organization=bureau, written_on=date(2020, 7, 1), validity="废止", superseded_by=r1)
    rule(organization=bureau, written_on=date(2019, 3, 1), validity="废止")
    # Neither: an ordinary notice, and a normative draft that was never published.
    DocumentFactory(published=True, organization=bureau, written_on=date(2025, 2, 2))
    DocumentFactory(
        organization=bureau, is_normative=True, registration_number="渝民规〔2025〕9号",
        written_on=date(2025, 8, 8),
    )  # fmt: skip
    return bureau, office


def test_section_two_matches_the_hand_count_for_the_subtree(year_2025):
    bureau, _ = year_2025
    ids = assembly.organization_ids(bureau, include_sub_organizations=True)
    figures = assembly.catalogue_figures(2025, ids, today=TODAY)
    assert figures["rules"] == {
        "issued": 1, "repealed": 1, "valid": 1, "made": 1, "published": 1, "total": 3,
    }  # fmt: skip
    assert figures["normative"] == {
        "issued": 1, "repealed": 1, "valid": 2, "made": 1, "published": 1, "total": 3,
    }  # fmt: skip
    assert figures["undated_repeals"] == 1


def test_the_normative_row_agrees_with_the_catalogues_own_yearly_counts(year_2025):
    bureau, _ = year_2025
    ids = assembly.organization_ids(bureau, include_sub_organizations=True)
    figures = assembly.catalogue_figures(2025, ids, today=TODAY)["normative"]
    counted = normative.yearly_counts(2025, bureau, today=TODAY)
    assert (figures["issued"], figures["repealed"], figures["valid"]) == (
        counted.issued,
        counted.repealed,
        counted.valid,
    )


def test_without_sub_organizations_the_office_documents_are_left_out(year_2025):
    bureau, _ = year_2025
    ids = assembly.organization_ids(bureau, include_sub_organizations=False)
    figures = assembly.catalogue_figures(2025, ids, today=TODAY)["normative"]
    assert (figures["issued"], figures["repealed"], figures["valid"]) == (0, 1, 1)


def test_during_the_year_stocks_are_counted_on_today(year_2025):
    bureau, _ = year_2025
    ids = assembly.organization_ids(bureau, include_sub_organizations=True)
    figures = assembly.catalogue_figures(2025, ids, today=date(2025, 3, 1))
    # N1 (10 March) is not issued yet; N2 not yet repealed and still valid.
    assert figures["normative"]["issued"] == 0
    assert figures["normative"]["valid"] == 2


def test_the_assembled_snapshot_warns_of_a_repeal_without_date(year_2025):
    bureau, _ = year_2025
    snapshot = assembly.assemble(
        year=2025, organization=bureau, include_sub_organizations=True, today=TODAY
    )
    assert snapshot["as_of"] == "2025-12-31"
    assert any("替代文件" in warning for warning in snapshot["warnings"])
    assert snapshot["catalogue"]["rules"]["issued"] == 1


# --- section 三 -------------------------------------------------------------------------

FIXTURE_THREE = {
    "new": {"natural": 5, "commercial": 2, "legal_service": 1},
    "carried_in": {"natural": 1},
    "outcomes": {
        "1": {"natural": 3},
        "2": {"commercial": 1},
        "3.4": {"natural": 1},
        "6.1": {"natural": 1},
        "6.3": {"legal_service": 1},
    },
    "carried_out": {"natural": 1, "commercial": 1},
}


def test_the_table_three_matrix_has_the_hand_computed_totals():
    matrix = assembly.three_matrix(FIXTURE_THREE)
    assert matrix["new"]["total"] == 8
    assert matrix["carried_in"]["total"] == 1
    assert matrix["total"] == {
        "natural": 5, "commercial": 1, "research": 0, "public_welfare": 0,
        "legal_service": 1, "other_org": 0, "total": 7,
    }  # fmt: skip
    assert matrix["carried_out"]["total"] == 2
    assert matrix["3.1"]["total"] == 0  # every leaf is a row, zero or not
    assert checks.report_errors(layouts.LAYOUT_2021, matrix, {}) == []


def test_the_2019_layout_folds_other_handling_into_one_row():
    matrix = assembly.layout_matrix(assembly.three_matrix(FIXTURE_THREE), layouts.LAYOUT_2019)
    assert matrix["6"]["natural"] == 1 and matrix["6"]["legal_service"] == 1
    assert matrix["6"]["total"] == 2
    assert checks.report_errors(layouts.LAYOUT_2019, matrix, {}) == []


def test_a_report_freezes_the_applications_figures_it_was_given(monkeypatch):
    monkeypatch.setattr(assembly, "applications_figures", lambda year, ids: (FIXTURE_THREE, []))
    report = make_report(OrganizationFactory(), year=2025)
    assert report.tables["applications"]["new"]["total"] == 8
    assert report.table_three()["total"]["total"] == 7


def test_without_the_applications_module_table_three_is_zero_with_a_warning(monkeypatch):
    monkeypatch.undo()  # the real seam
    import sys

    monkeypatch.setitem(sys.modules, "disclosure.applications.reporting", None)
    data, warnings = assembly.applications_figures(2025, [1])
    assert data == assembly.empty_applications()
    assert warnings and "表三" in warnings[0]


# --- section 六 -------------------------------------------------------------------------


def test_section_six_starts_with_the_fees_then_the_year_end_summary_of_the_plan():
    organization = OrganizationFactory()
    PlanFactory(year=2025, organization=organization, summary="2025年，完成政务公开任务12项。")
    PlanFactory(year=2024, organization=organization, summary="去年的总结。")
    report = make_report(organization, year=2025, texts={})
    assert report.other_matters == (
        "2025年度未收取政府信息公开信息处理费。\n\n2025年，完成政务公开任务12项。"
    )


def test_section_six_without_a_plan_says_only_the_fees():
    report = make_report(OrganizationFactory(), year=2025, texts={})
    assert report.other_matters == "2025年度未收取政府信息公开信息处理费。"


def _fee(organization, *, amount, paid_on):
    application = ApplicationFactory(organization=organization)
    at = timezone.now()
    Kind = ApplicationEvent.Kind
    ApplicationEvent.objects.create(application=application, kind=Kind.FEE_NOTICE, at=at,
                                    on=date(paid_on.year, 1, 2), data={"amount": amount})  # fmt: skip
    if paid_on:
        ApplicationEvent.objects.create(application=application, kind=Kind.FEE_PAID, at=at,
                                        on=paid_on)  # fmt: skip


def test_section_six_counts_the_fees_paid_that_year_by_the_notices_amounts():
    organization = OrganizationFactory()
    _fee(organization, amount=200, paid_on=date(2025, 3, 5))
    _fee(organization, amount=1700, paid_on=date(2025, 11, 20))
    _fee(organization, amount=100, paid_on=date(2024, 12, 30))  # another year
    _fee(OrganizationFactory(), amount=500, paid_on=date(2025, 5, 5))  # another body
    report = make_report(organization, year=2025, texts={})
    assert (
        report.other_matters
        == "2025年度依据国办函〔2020〕109号收取信息处理费 2 件，共 1,900.00 元。"
    )
