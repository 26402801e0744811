"""The public pages of the annual reports: the 政府信息公开年报 column (newest year first),
one report with its six sections and exact tables, and its DOCX and XLSX downloads.
Published reports only: a draft is 404, a withdrawn one 410, as documents are."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from disclosure.annual_reports import exports
from disclosure.annual_reports.models import AnnualReport
from disclosure.annual_reports.presentation import introduction, report_sections
from disclosure.models import ColumnPage
from portal.errors import error_response
from portal.publication import cached_page

COLUMN_SLUG = "annual-reports"  # the 年报 column page kept for earlier reports' text


@require_safe
def old_column(request):
    """The column's former address (a ColumnPage) now lists the reports."""
    return redirect("annual_reports:report-list", permanent=True)


@require_safe
def report_list(request):
    return cached_page(request, lambda: _report_list(request))


def _report_list(request):
    reports = list(AnnualReport.objects.published().for_listing().newest_first())
    years: list[tuple[int, list[AnnualReport]]] = []
    for report in reports:
        if not years or years[-1][0] != report.year:
            years.append((report.year, []))
        years[-1][1].append(report)
    column = ColumnPage.objects.published().filter(slug=COLUMN_SLUG).first()
    return render(request, "annual_reports/report_list.html", {"years": years, "column": column})


def _published_or_error(pk: int):
    """The public report, or the response a missing (404) or withdrawn (410) one gets."""
    report = AnnualReport.objects.published().select_related("organization").filter(pk=pk).first()
    if report is not None:
        return report, None
    if AnnualReport.objects.filter(pk=pk, is_live=False, withdrawn_at__isnull=False).exists():
        return None, error_response(410)
    raise Http404("年报不存在或尚未发布")


@require_safe
def report_detail(request, pk):
    return cached_page(request, lambda: _report_detail(request, pk))


def _report_detail(request, pk):
    report, error = _published_or_error(pk)
    if error is not None:
        return error
    return render(request, "annual_reports/report_detail.html", detail_context(report))


def detail_context(report: AnnualReport, *, preview: bool = False) -> dict:
    return {
        "report": report,
        "introduction": introduction(report),
        "sections": report_sections(report),
        "preview": preview,
    }


def _download(report: AnnualReport, content: bytes, extension: str, content_type: str):
    response = HttpResponse(content, content_type=content_type)
    filename = f"{report.year}-annual-report-{report.pk}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def report_docx(request, pk):
    report, error = _published_or_error(pk)
    if error is not None:
        return error
    return _download(
        report,
        exports.render_docx(report),
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@require_safe
def report_xlsx(request, pk):
    report, error = _published_or_error(pk)
    if error is not None:
        return error
    return _download(
        report,
        exports.render_xlsx(report),
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
