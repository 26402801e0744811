"""Annual reports in the portal's search index, as their own kind (registered in
``AnnualReportsConfig.ready``): the title, the texts of sections 一、五、六 and the
statutory row names, so 年报 and 依申请公开 find them."""

from disclosure.annual_reports import layouts
from disclosure.annual_reports.models import AnnualReport
from portal import search
from portal.models import Organization


def _text(report: AnnualReport) -> str:
    return "\n".join(
        [*layouts.SECTIONS.values(), report.overview, report.problems, report.other_matters]
    )


def report_entries(reports: list[AnnualReport]):
    url = search.url_pattern("annual_reports:report-detail")
    # The title names the organization: one query for all of them.
    organizations = Organization.objects.in_bulk({report.organization_id for report in reports})
    entries = []
    for report in reports:
        report.organization = organizations[report.organization_id]
        entries.append(
            search.entry(
                "annual_report",
                report,
                title=report.title,
                text=_text(report),
                organization_id=report.organization_id,
                url=url(report.pk),
            )
        )
    return entries


def report_texts(ids: list[int]) -> dict[int, str]:
    rows = AnnualReport.objects.filter(pk__in=ids).only("overview", "problems", "other_matters")
    return {
        report.pk: f"{report.overview}\n{report.problems}\n{report.other_matters}"
        for report in rows
    }


ANNUAL_REPORTS = search.SearchKind(
    name="annual_report",
    label="政府信息公开年报",
    model=AnnualReport,
    entries=report_entries,
    snippet_texts=report_texts,
)
