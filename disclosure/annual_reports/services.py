"""Writes of annual reports. Creating, re-assembling, entering figures and submitting go
through here; review, publication and withdrawal are ``portal.workflow``'s steps (four
eyes: the reviewer is never an author of the version under review)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from disclosure.annual_reports import assembly, layouts
from disclosure.annual_reports.models import AnnualReport
from portal import workflow
from portal.models import Organization, Status

REFRESHABLE = (Status.DRAFT, Status.WITHDRAWN)


def _require(by, permission: str) -> None:
    if not by.has_perm(workflow.permission_name(AnnualReport, permission)):
        raise PermissionDenied("您没有编辑政府信息公开年报的权限。")


def _assemble_into(report: AnnualReport, *, today: date, now) -> AnnualReport:
    report.tables = assembly.assemble(
        year=report.year,
        organization=report.organization,
        include_sub_organizations=report.include_sub_organizations,
        today=today,
    )
    report.assembled_at = now
    return report


def report_create(
    *,
    year: int,
    organization: Organization,
    by,
    include_sub_organizations: bool = True,
    layout: str = "",
    now=None,
) -> AnnualReport:
    """A draft report with its tables assembled and section 六 started from the year's
    work plan summary (when the plans app has one). One per organization and year."""
    _require(by, "add")
    now = now or timezone.now()
    if AnnualReport.objects.filter(organization=organization, year=year).exists():
        raise ValidationError(f"{organization.name}{year}年度的年报已存在。", code="exists")
    if by.organization_id is not None and not by.is_superuser:
        agency = by.organization.get_root()
        if organization.tree_id != agency.tree_id:
            raise PermissionDenied(f"{organization.name}不属于您所在机关，不能编制其年报。")
    report = AnnualReport(
        year=year,
        organization=organization,
        # Drafted and reviewed by the clerk's own office (谁公开、谁审查), like documents.
        owner_organization_id=by.organization_id or organization.pk,
        include_sub_organizations=include_sub_organizations,
        layout=layout or layouts.default_layout(year),
        other_matters=assembly.other_matters(
            year,
            organization,
            assembly.organization_ids(
                organization, include_sub_organizations=include_sub_organizations
            ),
        ),
    )
    _assemble_into(report, today=timezone.localdate(now), now=now)
    return workflow.item_save(report, by=by, now=now)


def report_refresh(*, report: AnnualReport, by, now=None) -> AnnualReport:
    """Assemble the tables again from today's records (重新汇总), while the report is a
    draft; under review or published its figures are frozen."""
    _require(by, "change")
    now = now or timezone.now()
    with transaction.atomic():
        current = AnnualReport.objects.select_for_update().get(pk=report.pk)
        if current.status not in REFRESHABLE:
            raise ValidationError(
                f"“{current}”当前状态为“{current.get_status_display()}”，数据已冻结，"
                "不能重新汇总；如需更正，请先退回或修改。",
                code="frozen",
            )
        report = workflow.working_version(current)
        _assemble_into(report, today=timezone.localdate(now), now=now)
        return workflow.item_save(report, by=by, now=now)


def report_save_figures(
    *, report: AnnualReport, figures: dict, by, texts: dict | None = None, now=None
) -> AnnualReport:
    """Save the hand-entered cells (and, if given, the texts of sections 一、五、六),
    validated against the report's format."""
    _require(by, "change")
    report = workflow.working_version(AnnualReport.objects.get(pk=report.pk))
    errors = layouts.figure_errors(report.layout, figures)
    if errors:
        raise ValidationError({"figures": list(errors.values())})
    report.figures = layouts.normalise_figures(report.layout, figures)
    for name, text in (texts or {}).items():
        if name not in ("overview", "problems", "other_matters"):
            raise ValidationError(f"未知的栏目：{name}")
        setattr(report, name, text)
    return workflow.item_save(report, by=by, now=now)


def report_submit(*, report: AnnualReport, by, now=None) -> AnnualReport:
    """Submit for review with the tables assembled once more and frozen: what the reviewer
    approves is what the public will read."""
    now = now or timezone.now()
    with transaction.atomic():
        report = report_refresh(report=report, by=by, now=now)
        return workflow.perform(report, step="submit", by=by, now=now)
