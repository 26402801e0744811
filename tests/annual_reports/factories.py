"""Annual reports for tests: made by the services, as a clerk would; figures that pass
every check unless a test says otherwise."""

from datetime import date

from disclosure.annual_reports import layouts
from disclosure.annual_reports.models import AnnualReport
from disclosure.annual_reports.services import (
    report_create,
    report_save_figures,
    report_submit,
)
from portal import workflow
from tests.disclosure.factories import factory_publisher

TEXTS = {
    "overview": "本年度，本机关认真贯彻落实《条例》。\n主动公开政府信息，依法办理依申请公开。",
    "problems": "公开内容的规范性仍需提高。",
    "other_matters": "本年度未收取信息处理费。",
}


def consistent_figures(layout: str = layouts.LAYOUT_2021) -> dict:
    """Every hand-entered cell, with table 四's totals adding up."""
    figures = {spec.key: 0 for spec in layouts.figure_specs(layout)}
    figures.update(
        {"licensing.decisions": 1520, "penalty.decisions": 37, "enforcement.decisions": 4}
    )
    figures.update({"review.upheld": 2, "review.corrected": 1, "review.total": 3})
    figures.update({"direct.upheld": 1, "direct.pending": 1, "direct.total": 2})
    if layout == layouts.LAYOUT_2021:
        figures["fees.amount"] = "12.3456"
    else:
        figures.update({"procurement.projects": 6, "procurement.amount": "85.5"})
    return figures


def make_report(organization, *, year=2025, by=None, figures=None, texts=None, **options):
    by = by or factory_publisher()
    report = report_create(year=year, organization=organization, by=by, **options)
    return report_save_figures(
        report=report,
        figures=consistent_figures(report.layout) if figures is None else figures,
        texts=TEXTS if texts is None else texts,
        by=by,
    )


def publish(report: AnnualReport, agency) -> AnnualReport:
    """Submitted by the clerk, approved by the reviewer, published by the publisher."""
    report = report_submit(report=report, by=agency.clerk)
    report = workflow.perform(report, step="approve", by=agency.reviewer, note="同意公开。")
    return workflow.perform(report, step="publish", by=agency.publisher)


def published_report(agency, *, year=2025, **options) -> AnnualReport:
    return publish(make_report(agency.bureau, year=year, by=agency.clerk, **options), agency)


def as_of(year: int) -> date:
    return date(year, 12, 31)
