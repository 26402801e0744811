from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX
from mptt.admin import DraggableMPTTAdmin, TreeRelatedFieldListFilter

from disclosure.models import (
    Attachment,
    ColumnPage,
    DisclosureGuide,
    Document,
    Genre,
    IndexNumberSequence,
    TopicCategory,
)
from disclosure.normative_admin import (
    NORMATIVE_FIELDSET,
    ExpiryFilter,
    GazetteFilter,
    NormativeAdminMixin,
    NormativeFilter,
)
from disclosure.resources import (
    REQUIRED_HEADERS,
    DocumentPreviewResource,
    DocumentResource,
    preview_rows,
)
from disclosure.services import (
    attachments_save,
    document_create,
    document_save,
)
from portal import audit
from portal.admin_inlines import FollowerFormSet, FollowerInlineMixin, LabelledTabularInline
from portal.editor import RichTextAdminMixin
from portal.import_errors import clerk_message, error_rows
from portal.import_formats import LimitedCSV, LimitedImportForm, LimitedXLSX
from portal.models import Status
from portal.scopes import agency_organizations
from portal.tabular import TableLimits
from portal.workflow_admin import ReviewQueueFilter, WorkflowAdminMixin

PENDING_EDIT = "修改已保存为待审版本；公众仍看到已发布的版本，审核并发布后才会更新。"


class DocumentCSV(LimitedCSV):
    required_headers = tuple(REQUIRED_HEADERS)


class DocumentXLSX(LimitedXLSX):
    required_headers = tuple(REQUIRED_HEADERS)


@admin.register(TopicCategory)
class TopicCategoryAdmin(DraggableMPTTAdmin):
    list_display = ["tree_actions", "indented_title", "empty_note"]
    list_display_links = ["indented_title"]
    search_fields = ["name"]


@admin.register(Genre)
class GenreAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name"]
    ordering = ["sort_order", "pk"]


class AttachmentInline(FollowerInlineMixin, LabelledTabularInline):
    model = Attachment
    formset = FollowerFormSet
    extra = 1
    fields = ["title", "file", "sort_order", "original_name", "kind", "size", "publication"]
    readonly_fields = ["original_name", "kind", "size", "publication"]

    @admin.display(description="类型")
    def kind(self, obj):
        return obj.kind_label if obj.pk else ""


@admin.register(Document)
class DocumentAdmin(
    NormativeAdminMixin, RichTextAdminMixin, WorkflowAdminMixin, ImportExportModelAdmin
):
    list_display = ["title", "document_number", "organization", "status_badge", "published_at"]
    list_filter = [
        ReviewQueueFilter,
        "status",
        "is_live",
        ("category", TreeRelatedFieldListFilter),
        "genre",
        ("organization", TreeRelatedFieldListFilter),
        "validity",
        NormativeFilter,
        ExpiryFilter,
        GazetteFilter,
        ("published_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["organization"]
    search_fields = ["title", "index_number", "document_number"]
    date_hierarchy = "published_at"
    ordering = ["-updated_at", "-pk"]
    autocomplete_fields = ["superseded_by"]
    rich_text_editor_fields = ["body"]
    readonly_fields = ["status", "published_at", "owner_organization", "created_by", "created_at", "updated_at", "gazette_status"]  # fmt: skip
    actions = [*WorkflowAdminMixin.actions, "record_gazette_submission"]
    change_list_template = "admin/disclosure/document/change_list.html"
    inlines = [AttachmentInline]
    preview_template = "disclosure/document_detail.html"
    resource_classes = [DocumentResource]
    import_template_name = "admin/disclosure/document/import.html"
    import_formats = [DocumentCSV, DocumentXLSX]
    import_form_class = LimitedImportForm
    export_formats = [CSV, XLSX]
    to_encoding = "utf-8-sig"  # Excel opens a CSV with a BOM as UTF-8
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "document_number",
                    ("index_number", "has_legacy_index_number"),
                    "organization",
                    "needs_interpretation",
                ]
            },
        ),
        ("分类", {"fields": ["category", "genre", "keywords"]}),
        ("日期与效力", {"fields": ["written_on", "published_at", "validity", "superseded_by"]}),
        NORMATIVE_FIELDSET,
        ("内容", {"fields": ["summary", "body"]}),
        (
            "流程",
            {"fields": ["status", "owner_organization", "created_by", "created_at", "updated_at"]},
        ),
    ]

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def get_export_queryset(self, request):
        return (
            super()
            .get_export_queryset(request)
            .select_related("organization", "category__parent", "genre")
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += ["index_number", "has_legacy_index_number"]  # never changed once given
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            kwargs["queryset"] = agency_organizations(request.user)
        if db_field.name == "superseded_by":
            kwargs["queryset"] = Document.objects.published()  # never another office's draft
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_import_resource_classes(self, request):
        return [DocumentPreviewResource]

    def get_import_context_data(self, **kwargs):
        labels = {name: field.column_name for name, field in DocumentResource.fields.items()}
        return {
            **super().get_import_context_data(**kwargs),
            "column_labels": labels,
            "import_limits": TableLimits.for_admin(),
            "preview_rows": preview_rows(),
            "preview_slice": f":{preview_rows()}",
        }

    def add_data_read_fail_error_to_form(self, form, error):
        # The file itself is refused (too large, wrong encoding, missing columns…): say
        # why in Chinese next to the upload field, never the exception's class name.
        form.add_error("import_file", clerk_message(error))

    def get_import_data_kwargs(self, **kwargs):
        # The confirmation re-runs the import: a row that became invalid since the preview
        # (its document was submitted meanwhile, say) must roll back the whole file.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # Refused at the last step: as much an audited event as an import that landed.
            audit.record(
                "import",
                result="failure",
                object_type="disclosure.document",
                reason="后台导入（确认时出现错误行，已回滚）",
                details={"error_rows": error_rows(result)},
            )
            self.message_user(
                request,
                "导入未执行：文件在预览后出现错误行，已全部回滚，请重新导入。",
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:disclosure_document_import"))
        return super().process_result(result, request)

    def save_model(self, request, obj, form, change):
        """Through the services, which draw a new document's 索引号; otherwise as
        ``WorkflowAdminMixin.save_model``."""
        try:
            if change:
                saved = document_save(document=obj, by=request.user)
            else:
                saved = document_create(
                    document=obj,
                    by=request.user,
                    needs_interpretation=obj.needs_interpretation,  # the form's answer
                )
        except ValidationError as error:
            # Only a race gets here (the form validated the same rules): refuse the whole
            # request, inlines included, instead of half-saving it.
            raise PermissionDenied("；".join(error.messages)) from error
        obj.pk = saved.pk
        if saved.is_live and saved.status == Status.DRAFT:
            self.message_user(request, PENDING_EDIT, messages.INFO)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Attachment:
            return super().save_formset(request, form, formset, change)
        saved = formset.save(commit=False)  # deletions are the service's to decide
        attachments_save(document=form.instance, saved=saved, deleted=formset.deleted_objects)
        formset.save_m2m()

    def preview_context(self, item) -> dict:
        attachments = [a for a in item.attachments.all() if not a.remove_on_publish]
        return {"document": item, "preview": True, "attachments": attachments}


@admin.register(DisclosureGuide)
class DisclosureGuideAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "office_name", "status_badge", "last_published_at"]
    list_select_related = ["organization"]
    search_fields = ["organization__name", "office_name"]
    list_filter = [ReviewQueueFilter, "status"]
    ordering = ["organization__tree_id", "organization__lft"]
    readonly_fields = ["status", "owner_organization", "last_published_at", "updated_at"]
    exclude = ["published_at"]
    preview_template = "disclosure/guide.html"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + ["organization"] if obj is not None else fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            kwargs["queryset"] = agency_organizations(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def preview_context(self, item) -> dict:
        return {"guide": item, "preview": True}


@admin.register(ColumnPage)
class ColumnPageAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ["title", "slug", "sort_order", "status_badge", "last_published_at"]
    search_fields = ["title", "body"]
    list_filter = [ReviewQueueFilter, "status"]
    prepopulated_fields = {"slug": ["title"]}
    ordering = ["sort_order", "pk"]
    readonly_fields = ["status", "owner_organization", "last_published_at", "updated_at"]
    exclude = ["published_at"]
    preview_template = "disclosure/column_page.html"

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else self.prepopulated_fields

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + ["slug"] if obj is not None else fields  # public URLs stay put

    def preview_context(self, item) -> dict:
        return {"column": item, "preview": True}


@admin.register(IndexNumberSequence)
class IndexNumberSequenceAdmin(admin.ModelAdmin):
    list_display = ["code", "year", "last_value"]
    list_filter = ["year"]
    search_fields = ["code"]
    ordering = ["code", "-year"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # only allocation advances a counter; a lowered one would reuse numbers

    def has_delete_permission(self, request, obj=None):
        return False
