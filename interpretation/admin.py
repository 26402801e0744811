from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from interpretation.models import Interpretation, Media
from interpretation.ratio import ratio_report
from interpretation.services import MEDIA_NOUN, linkable_documents, media_save
from interpretation.timeliness import timeliness
from interpretation.views import detail_context
from portal.admin_inlines import FollowerFormSet, FollowerInlineMixin
from portal.editor import RichTextAdminMixin
from portal.models import Organization
from portal.scopes import agency_organizations, visible_scope
from portal.workflow import permission_name
from portal.workflow_admin import ReviewQueueFilter, WorkflowAdminMixin


class MediaFormSet(FollowerFormSet):
    noun = MEDIA_NOUN


class MediaInline(FollowerInlineMixin, admin.StackedInline):
    model = Media
    formset = MediaFormSet
    extra = 0
    fields = ["file", "description", "captions", "transcript", "sort_order", "publication"]
    readonly_fields = ["publication"]
    waiting_label = "随解读发布"


@admin.register(Interpretation)
class InterpretationAdmin(RichTextAdminMixin, WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "organization", "status_badge", "published_at"]
    list_filter = [ReviewQueueFilter, "status", "kind", "organization"]
    list_select_related = ["organization"]
    search_fields = ["title", "interpreter", "documents__title"]
    ordering = ["-updated_at", "-pk"]
    autocomplete_fields = ["documents"]
    readonly_fields = ["status", "published_at", "owner_organization", "created_by", "timing"]
    inlines = [MediaInline]
    preview_template = "interpretation/detail.html"
    rich_text_editor_fields = ["body"]
    change_list_template = "admin/interpretation/change_list.html"
    fieldsets = [
        (None, {"fields": ["title", "kind", "documents"]}),
        ("解读人", {"fields": ["organization", "interpreter", "interpreter_title"]}),
        ("内容", {"fields": ["summary", "body"]}),
        (
            "流程",
            {"fields": ["status", "published_at", "timing", "owner_organization", "created_by"]},
        ),
    ]

    @admin.display(description="发布时效")
    def timing(self, obj):
        found = timeliness([obj]).get(obj.pk) if obj.pk else None
        if found is None:
            return "—"
        verdict = f"逾期 {found.days_late} 天" if found.is_late else "按时"
        return f"{verdict}（文件发布于 {found.document_published_on}，应不晚于 {found.due_on}）"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # A live interpretation's links are public: they change only after a withdrawal
        # (``interpretation.services.documents_link``).
        return fields + ["documents"] if obj is not None and obj.is_live else fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            kwargs["queryset"] = agency_organizations(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "documents":
            kwargs["queryset"] = linkable_documents(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Media:
            return super().save_formset(request, form, formset, change)
        saved = formset.save(commit=False)
        try:
            media_save(interpretation=form.instance, saved=saved, deleted=formset.deleted_objects)
        except ValidationError as error:
            raise PermissionDenied("；".join(error.messages)) from error

    def preview_context(self, item) -> dict:
        return detail_context(item, preview=True)

    # --- the 解读比例 page for supervisors -------------------------------------------

    def get_urls(self):
        return [
            path(
                "ratio/", self.admin_site.admin_view(self.ratio_view), name="interpretation_ratio"
            ),
            *super().get_urls(),
        ]

    def ratio_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        this_year = timezone.localdate().year
        year = _int_param(request, "year", this_year, low=2000, high=this_year + 1)
        scope = visible_scope(
            request.user, publish_permission=permission_name(Interpretation, "publish")
        )
        organizations = Organization.objects.all()
        if scope is not None:
            organizations = organizations.filter(pk__in=scope)
        chosen = organizations.filter(pk=_int_param(request, "organization", 0)).first()
        ids = scope
        if chosen is not None:
            ids = set(chosen.get_descendants(include_self=True).values_list("pk", flat=True))
        if request.GET.get("organization") and chosen is None:
            self.message_user(
                request, "所选机构不存在或不在您的权限范围内，已显示全部。", messages.WARNING
            )
        report = ratio_report(year=year, organization_ids=ids)
        return TemplateResponse(
            request,
            "admin/interpretation/ratio.html",
            {
                **self.admin_site.each_context(request),
                "title": f"{year} 年政策解读比例",
                "opts": self.model._meta,
                "report": report,
                "years": range(this_year + 1, 2014, -1),
                "organizations": organizations.order_by("tree_id", "lft"),
                "chosen": chosen,
            },
        )


def _int_param(request, name: str, default: int, *, low: int = 0, high: int = 2**31 - 1) -> int:
    try:
        value = int(request.GET.get(name, default))
    except (TypeError, ValueError):
        return default
    return value if low <= value <= high else default
