"""disclosure.annual_reports.querysets (and the PublishableQuerySet it extends): which
reports the public sees, the order of the list, and what a list row loads."""

from datetime import timedelta

import pytest
from django.utils import timezone

from disclosure.annual_reports.models import AnnualReport
from portal import workflow
from tests.annual_reports.factories import make_report, publish, published_report
from tests.portal.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def years(queryset) -> list[int]:
    return list(queryset.values_list("year", flat=True))


def test_the_public_sees_only_published_reports(agency):
    live = published_report(agency, year=2024)
    make_report(agency.bureau, year=2023, by=agency.clerk)  # a draft
    submitted = make_report(agency.bureau, year=2022, by=agency.clerk)
    workflow.perform(submitted, step="submit", by=agency.clerk)
    withdrawn = published_report(agency, year=2021)
    workflow.perform(withdrawn, step="withdraw", by=agency.publisher, note="数据有误")
    assert AnnualReport.objects.count() == 4
    assert list(AnnualReport.objects.published()) == [live]


def test_a_scheduled_report_is_public_once_its_time_has_come(agency):
    published_report(agency, year=2024)
    scheduled = make_report(agency.bureau, year=2025, by=agency.clerk)
    scheduled = workflow.perform(scheduled, step="submit", by=agency.clerk)
    scheduled = workflow.perform(scheduled, step="approve", by=agency.reviewer, note="同意公开。")
    in_two_days = timezone.now() + timedelta(days=2)
    workflow.perform(scheduled, step="publish", by=agency.publisher, publish_at=in_two_days)
    assert years(AnnualReport.objects.published()) == [2024]
    later = in_two_days + timedelta(minutes=1)
    assert years(AnnualReport.objects.published(now=later)) == [2025, 2024]


def test_newest_first_orders_by_year_then_by_the_organization_tree(agency):
    """Not by creation: a unit of the bureau made after another agency comes right after
    the bureau, and the other agency after the whole bureau's tree."""
    elsewhere = make_report(agency.elsewhere, year=2025)
    unit = OrganizationFactory(name="石桥铺殡仪馆", parent=agency.bureau, credit_code="")
    unit_report = make_report(unit, year=2025)
    bureau_2024 = make_report(agency.bureau, year=2024)
    bureau_2025 = make_report(agency.bureau, year=2025)
    office = make_report(agency.office, year=2025)
    assert list(AnnualReport.objects.newest_first()) == [
        bureau_2025,
        office,
        unit_report,
        elsewhere,
        bureau_2024,
    ]


def test_newest_first_chains_after_published(agency):
    older = published_report(agency, year=2024)
    newer = published_report(agency, year=2025)
    make_report(agency.office, year=2026, by=agency.clerk)  # a draft stays out
    assert list(AnnualReport.objects.published().newest_first()) == [newer, older]


def test_a_listing_joins_the_organization_and_leaves_the_texts_and_tables(
    agency, django_assert_num_queries
):
    for year in (2023, 2024, 2025):
        publish(make_report(agency.bureau, year=year, by=agency.clerk), agency)
    with django_assert_num_queries(1):
        rows = list(AnnualReport.objects.published().for_listing())
        assert {row.organization.name for row in rows} == {agency.bureau.name}
        assert sorted(row.year for row in rows) == [2023, 2024, 2025]
        assert all(row.title and row.published_at for row in rows)
    deferred = rows[0].get_deferred_fields()
    assert {"overview", "problems", "other_matters", "tables", "figures"} <= deferred
    assert not {"year", "organization_id", "layout", "published_at"} & deferred


def test_in_organizations_filters_by_the_owning_office_not_the_reporting_body(agency):
    """The office's clerk drafts the bureau's report (谁公开、谁审查): the office owns it."""
    report = make_report(agency.bureau, by=agency.clerk)
    make_report(agency.elsewhere)
    assert report.organization == agency.bureau and report.owner_organization == agency.office
    assert list(AnnualReport.objects.in_organizations([agency.office.pk])) == [report]
    assert not AnnualReport.objects.in_organizations([agency.bureau.pk]).exists()
