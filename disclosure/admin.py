from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
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
from disclosure.services import document_publish, document_unpublish


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


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 1
    fields = ["title", "file", "original_name", "content_type", "size", "sort_order"]
    readonly_fields = ["original_name", "content_type", "size"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "index_number",
        "document_number",
        "organization",
        "category",
        "status",
        "published_at",
    ]
    list_filter = [
        "status",
        ("category", TreeRelatedFieldListFilter),
        "genre",
        ("organization", TreeRelatedFieldListFilter),
        "validity",
        ("published_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["organization", "category"]
    search_fields = ["title", "index_number", "document_number"]
    date_hierarchy = "published_at"
    ordering = ["-published_at", "-pk"]
    autocomplete_fields = ["superseded_by"]
    readonly_fields = ["status", "created_by", "created_at", "updated_at"]
    inlines = [AttachmentInline]
    actions = ["publish_selected", "unpublish_selected"]
    fieldsets = [
        (None, {"fields": ["title", "document_number", "index_number", "organization"]}),
        ("分类", {"fields": ["category", "genre", "keywords"]}),
        ("日期与效力", {"fields": ["written_on", "published_at", "validity", "superseded_by"]}),
        ("内容", {"fields": ["summary", "body"]}),
        ("状态", {"fields": ["status", "created_by", "created_at", "updated_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def _apply(self, request, queryset, service, done):
        count = 0
        for document in queryset:
            try:
                service(document=document, by=request.user)
                count += 1
            except (ValidationError, PermissionDenied) as error:
                reason = error.messages[0] if isinstance(error, ValidationError) else str(error)
                self.message_user(request, f"{document}：{reason}", messages.ERROR)
        if count:
            self.message_user(request, f"已{done} {count} 个文件。", messages.SUCCESS)

    @admin.action(description="发布所选文件")
    def publish_selected(self, request, queryset):
        self._apply(request, queryset, document_publish, "发布")

    @admin.action(description="撤下所选文件（改回草稿）")
    def unpublish_selected(self, request, queryset):
        self._apply(request, queryset, document_unpublish, "撤下")


@admin.register(DisclosureGuide)
class DisclosureGuideAdmin(admin.ModelAdmin):
    list_display = ["__str__", "office_name", "phone", "updated_at"]
    list_select_related = ["organization"]
    search_fields = ["organization__name", "office_name"]
    list_filter = ["updated_at"]
    readonly_fields = ["updated_at"]


@admin.register(ColumnPage)
class ColumnPageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "sort_order", "updated_at"]
    list_editable = ["sort_order"]
    search_fields = ["title", "body"]
    list_filter = ["updated_at"]
    prepopulated_fields = {"slug": ["title"]}
    ordering = ["sort_order", "pk"]


@admin.register(IndexNumberSequence)
class IndexNumberSequenceAdmin(admin.ModelAdmin):
    list_display = ["code", "year", "last_value"]
    list_filter = ["year"]
    search_fields = ["code"]
    ordering = ["code", "-year"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a deleted counter would hand out numbers again
