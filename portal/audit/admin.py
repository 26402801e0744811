"""The audit log for the 审计管理员: read-only for everyone (superusers included), with
search, filters and an export that is itself audited."""

import tablib
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone

from portal.admin_inlines import ReadOnlyAdminMixin
from portal.audit.models import Action, AuditEvent
from portal.audit.recorder import record

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXPORT_FIELDS = ["id", "time", "actor_username", "actor_roles", "ip", "action", "result",
                 "object_type", "object_id", "object_repr", "reason", "details",
                 "previous_hash", "hash"]  # fmt: skip
EXPORT_HEADERS = ["编号", "时间", "操作人", "角色", "来源地址", "事件", "结果", "对象类型",
                  "对象编号", "对象", "原因/说明", "详情", "前一条哈希", "哈希"]  # fmt: skip
EXPORT_PERMISSION = "audit.export_auditevent"


def neutralise_formula(value):
    """A cell starting with = + - @ would run as a formula in a spreadsheet program (CSV
    injection): a leading apostrophe keeps it text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["time", "actor_username", "shown_roles", "ip", "action", "result",
                    "object_type", "object_id", "object_repr", "reason"]  # fmt: skip
    list_filter = ["action", "result", "object_type"]
    search_fields = ["actor_username", "object_repr", "object_id", "reason", "ip"]
    date_hierarchy = "time"
    ordering = ["-id"]
    list_select_related = []
    readonly_fields = [*EXPORT_FIELDS[1:]]
    actions = ["export_csv", "export_xlsx"]
    change_list_template = "admin/audit/auditevent/change_list.html"

    def has_export_permission(self, request):
        return request.user.has_perm(EXPORT_PERMISSION)

    @admin.display(description="角色")
    def shown_roles(self, obj):
        return "、".join(obj.actor_roles or [])

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_export_permission(request):
            actions.pop("export_csv", None)
            actions.pop("export_xlsx", None)
        return actions

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_export": self.has_export_permission(request)}
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        return [
            path("export/<slug:fmt>/", self.admin_site.admin_view(self.export_view),
                 name="audit_auditevent_export"),
            *super().get_urls(),
        ]  # fmt: skip

    def export_view(self, request, fmt):
        """The changelist as filtered and searched (its query string), every page."""
        if fmt not in ("csv", "xlsx") or not self.has_export_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:audit_auditevent_changelist"))
        query = request.GET.urlencode()
        return self._export(request, changelist.get_queryset(request), fmt, query)

    @admin.action(description="导出所选审计记录（CSV）", permissions=["export"])
    def export_csv(self, request, queryset):
        return self._export(request, queryset, "csv", "所选记录")

    @admin.action(description="导出所选审计记录（Excel）", permissions=["export"])
    def export_xlsx(self, request, queryset):
        return self._export(request, queryset, "xlsx", "所选记录")

    def _export(self, request, queryset, fmt: str, selection: str) -> HttpResponse:
        data = tablib.Dataset(headers=EXPORT_HEADERS)
        labels = dict(Action.choices)
        for row in queryset.order_by("id").values_list(*EXPORT_FIELDS).iterator(chunk_size=2000):
            row = list(row)
            row[1] = timezone.localtime(row[1]).strftime("%Y-%m-%d %H:%M:%S")
            row[3] = "、".join(row[3] or [])
            row[5] = labels.get(row[5], row[5])
            row[11] = str(row[11] or "")
            data.append([neutralise_formula(value) for value in row])
        record(Action.AUDIT_EXPORT, request=request, reason=f"导出 {len(data)} 条（{fmt}）",
               details={"count": len(data), "format": fmt, "filter": selection})  # fmt: skip
        request._audit_download_recorded = True  # recorded here, not again as a download
        content = data.export(fmt)
        types = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}  # fmt: skip
        if fmt == "csv":
            content = "\ufeff" + content
        response = HttpResponse(content, content_type=types[fmt])
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{fmt}"'
        return response
