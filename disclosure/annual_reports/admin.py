"""The annual reports in the admin: the figures and texts form, a preview of the full
tables, 重新汇总, and the countdown to the statutory deadline (条例 Art 49) on the list and
the change page. Steps go through ``portal.workflow`` (the mixin's buttons and actions);
submitting freezes the tables first (``services.report_submit``)."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone

from disclosure.annual_reports import deadlines, layouts
from disclosure.annual_reports.forms import FIGURE_PREFIX, AnnualReportForm, figure_field_name
from disclosure.annual_reports.models import AnnualReport
from disclosure.annual_reports.presentation import report_grids
from disclosure.annual_reports.services import report_create, report_refresh, report_submit
from disclosure.annual_reports.views import detail_context
from portal.models import Status
from portal.scopes import agency_organizations
from portal.workflow_admin import ReviewQueueFilter, WorkflowAdminMixin


def reporting_year(today) -> int:
    """The year whose reports are due next: last year's until 31 March, then this year's."""
    return today.year - 1 if (today.month, today.day) <= (3, 31) else today.year


@admin.register(AnnualReport)
class AnnualReportAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    form = AnnualReportForm
    list_display = ["__str__", "year", "organization", "layout", "status_badge", "countdown"]
    list_filter = [ReviewQueueFilter, "status", "year", "layout"]
    list_select_related = ["organization"]
    search_fields = ["organization__name", "year"]
    ordering = ["-year", "organization__tree_id", "organization__lft"]
    readonly_fields = ["status", "countdown", "assembled_at", "warnings", "tables_preview"]
    preview_template = "annual_reports/report_detail.html"
    change_form_template = "admin/annual_reports/annualreport/change_form.html"
    change_list_template = "admin/annual_reports/annualreport/change_list.html"

    def get_fieldsets(self, request, obj=None):
        base = [(None, {"fields": ["year", "organization", "include_sub_organizations", "layout"]})]
        if obj is None:
            return base
        figures = [figure_field_name(spec.key) for spec in layouts.figure_specs(obj.layout)]
        # Who may only read the report reads the entered cells in the tables preview.
        entered = (
            [("手工填报（表二其余各项、表四）", {"fields": figures})]
            if self.has_change_permission(request, obj)
            else []
        )
        return [
            (None, {"fields": ["year", "organization", "include_sub_organizations", "layout",
                               "status", "countdown"]}),
            ("一、总体情况", {"fields": ["overview"]}),
            ("汇总表（表二第（一）项、表三来自目录和依申请公开记录）",
             {"fields": ["assembled_at", "warnings", "tables_preview"]}),
            *entered,
            ("五、六", {"fields": ["problems", "other_matters"]}),
        ]  # fmt: skip

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The figure inputs are the form's own (one per cell of the format), not model
        # fields: the model form is built from the model's fields only.
        fields = kwargs.get("fields") or AnnualReportForm.Meta.fields
        kwargs["fields"] = [name for name in fields if not name.startswith(FIGURE_PREFIX)]
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # The year and the organization name the report: fixed once it exists.
        return fields + ["year", "organization"] if obj is not None else fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            kwargs["queryset"] = agency_organizations(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # --- displays ----------------------------------------------------------------------

    @admin.display(description="法定发布期限")
    def countdown(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        published_on = timezone.localdate(obj.published_at) if obj.is_live else None
        return deadlines.countdown_text(
            obj.deadline, timezone.localdate(), published_on=published_on
        )

    @admin.display(description="汇总提示")
    def warnings(self, obj):
        found = (obj.tables or {}).get("warnings", []) if obj else []
        return "；".join(found) or "—"

    @admin.display(description="汇总表预览")
    def tables_preview(self, obj):
        if obj is None or not obj.tables:
            return "尚未汇总。"
        grids = report_grids(obj)
        return render_to_string(
            "admin/annual_reports/annualreport/tables_preview.html",
            {"groups": [("two", grids["two"]), ("three", grids["three"]), ("four", grids["four"])]},
        )

    # --- saving ------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        try:
            created = report_create(
                year=obj.year,
                organization=obj.organization,
                include_sub_organizations=obj.include_sub_organizations,
                layout=obj.layout,
                by=request.user,
            )
        except ValidationError as error:
            raise PermissionDenied("；".join(error.messages)) from error
        obj.pk = created.pk
        obj._state.adding = False

    def _apply(self, request, step, items, data) -> int:
        """Submitting freezes the tables first; the other steps are the mixin's."""
        if step.name != "submit":
            return super()._apply(request, step, items, data)
        done = 0
        for item in items:
            try:
                report_submit(report=item, by=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                reason = (
                    "；".join(error.messages) if isinstance(error, ValidationError) else str(error)
                )
                self.message_user(request, f"“{item}”：{reason}", messages.ERROR)
        if done:
            self.message_user(
                request, f"已{step.label} {done} 项（汇总数据已冻结）。", messages.SUCCESS
            )
        return done

    # --- 重新汇总, the preview, the countdown banner -------------------------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/refresh/",
                self.admin_site.admin_view(self.refresh_view),
                name="annual_reports_annualreport_refresh",
            ),
            *super().get_urls(),
        ]

    def refresh_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        report = self.get_object(request, unquote(object_id))
        if report is None or not self.has_change_permission(request, report):
            raise PermissionDenied
        try:
            report_refresh(report=report, by=request.user)
            self.message_user(request, "已按当前数据重新汇总。", messages.SUCCESS)
        except (ValidationError, PermissionDenied) as error:
            reason = "；".join(error.messages) if isinstance(error, ValidationError) else str(error)
            self.message_user(request, reason, messages.ERROR)
        return HttpResponseRedirect(
            reverse("admin:annual_reports_annualreport_change", args=[report.pk])
        )

    def preview_context(self, item) -> dict:
        return detail_context(item, preview=True)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        item = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if item is not None:
            extra_context["can_refresh"] = item.status in (
                Status.DRAFT,
                Status.WITHDRAWN,
            ) and self.has_change_permission(request, item)
            extra_context["countdown"] = self.countdown(item)
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        today = timezone.localdate()
        year = reporting_year(today)
        organization = request.user.organization
        if organization is not None:
            root = organization.get_root()
            banners = [
                f"{root.name}{year}年度年报："
                + deadlines.countdown_text(deadlines.deadline_for(year, root.name), today)
            ]
        else:
            banners = [
                f"{year}年度年报：部门"
                + deadlines.countdown_text(deadlines.deadline_for(year, "部门"), today),
                f"{year}年度年报：人民政府"
                + deadlines.countdown_text(deadlines.deadline_for(year, "人民政府"), today),
            ]
        extra_context = {**(extra_context or {}), "countdowns": banners}
        return super().changelist_view(request, extra_context)
