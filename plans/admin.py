"""The plans' admin: plans, their task trees (MPTT) with the XLSX round trip, and the
progress reports with 采纳/退回. Every change of state is a button or an action that calls
``plans.services``; a refusal becomes a message, never an error page. Clerks see their
organization's tasks and reports only (``visible_to``)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import XLSX
from mptt.admin import MPTTModelAdmin

from plans import services
from plans.decompose_views import decompose_urls
from plans.models import EvidenceFile, Plan, Task, TaskEvent, Update
from plans.resources import REQUIRED_HEADERS, TaskResource
from portal.admin_inlines import ReadOnlyAdminMixin
from portal.import_errors import clerk_message
from portal.import_formats import LimitedImportForm, LimitedXLSX


def _reason(error) -> str:
    return "；".join(error.messages) if isinstance(error, ValidationError) else str(error)


# --- plans ---------------------------------------------------------------------------------


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    """Kept small: views on one plan (the text decomposition) come in through
    ``plan_urls``, which a mixin extends (``return [*my_urls, *super().plan_urls()]``)."""

    list_display = ["__str__", "organization", "status", "is_public", "task_count", "report_link"]
    list_filter = ["year", "status", "is_public"]
    list_select_related = ["organization"]
    search_fields = ["title"]
    ordering = ["-year", "pk"]
    autocomplete_fields = ["organization", "source_document"]
    readonly_fields = ["status", "activated_on", "archived_on", "created_by", "report_link"]
    actions = ["activate_selected", "archive_selected"]
    fieldsets = [
        (None, {"fields": ["year", "title", "organization", "source_document", "is_public"]}),
        ("考核权重", {"fields": ["on_time_weight", "progress_weight", "reporting_weight"]}),
        ("年度总结", {"fields": ["summary"]}),
        (
            "状态",
            {"fields": ["status", "activated_on", "archived_on", "created_by", "report_link"]},
        ),
    ]

    def get_queryset(self, request):
        plans = super().get_queryset(request).visible_to(request.user)
        return plans.annotate(task_count=Count("tasks"))

    def get_urls(self):
        return [*self.plan_urls(), *super().get_urls()]

    def plan_urls(self) -> list:
        """Admin views on a plan, before the standard ones (a hook for mixins)."""
        return decompose_urls(self)  # 从文本分解任务 (plans.decompose_views)

    @admin.display(description="任务数", ordering="task_count")
    def task_count(self, plan):
        return plan.task_count

    @admin.display(description="报表")
    def report_link(self, plan):
        if plan.pk is None:
            return "—"
        return format_html('<a href="{}">查看进展报表</a>', plan.get_absolute_url())

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user  # the status starts at 编制中 (its default)
        super().save_model(request, obj, form, change)

    def has_supervise_permission(self, request):
        return request.user.has_perm("plans.supervise_plan")

    @admin.action(description="启动执行所选方案", permissions=["supervise"])
    def activate_selected(self, request, queryset):
        self._each(request, queryset, services.plan_activate, "启动执行")

    @admin.action(description="归档所选方案", permissions=["supervise"])
    def archive_selected(self, request, queryset):
        self._each(request, queryset, services.plan_archive, "归档")

    def _each(self, request, queryset, service, label):
        done = 0
        for plan in queryset:
            try:
                service(plan=plan, by=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"“{plan}”：{_reason(error)}", messages.ERROR)
        if done:
            self.message_user(request, f"已{label} {done} 个方案。", messages.SUCCESS)


# --- tasks ---------------------------------------------------------------------------------


class TaskEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TaskEvent
    fk_name = "task"
    fields = ["at", "action", "from_status", "to_status", "progress", "by", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "任务记录（不可修改、不可删除）"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


class TaskXLSX(LimitedXLSX):
    required_headers = REQUIRED_HEADERS


class TaskForm(forms.ModelForm):
    """The rules ``services.task_create`` applies, checked before anything is saved."""

    def clean(self):
        cleaned = super().clean()
        plan = cleaned.get("plan") or (self.instance.plan if self.instance.plan_id else None)
        if plan is not None and plan.status == Plan.Status.ARCHIVED:
            raise ValidationError("方案已归档，任务不能再增加或修改。")
        parent = cleaned.get("parent")
        if self.instance.pk is None and parent is not None and parent.updates.exists():
            raise ValidationError({"parent": f"“{parent}”已有进展报送，不能再分解下级任务。"})
        return cleaned


@admin.register(Task)
class TaskAdmin(ImportExportMixin, MPTTModelAdmin):
    form = TaskForm
    # Short columns: the plan is a filter (its title would squeeze the tasks' own).
    list_display = ["numbered_title", "plan_year", "lead", "deadline", "status", "progress",
                    "last_reported_on"]  # fmt: skip
    mptt_indent_field = "numbered_title"
    # Only the plans and departments of the tasks the user sees.
    list_filter = [("plan", admin.RelatedOnlyFieldListFilter), "status",
                   ("lead_department", admin.RelatedOnlyFieldListFilter)]  # fmt: skip
    list_select_related = ["plan", "lead_department"]
    search_fields = ["title", "number"]
    autocomplete_fields = ["lead_department", "cooperating_departments"]
    readonly_fields = ["status", "progress", "completed_on", "last_reported_on"]
    inlines = [TaskEventInline]
    fieldsets = [
        (None, {"fields": ["plan", "parent", "position", "number", "title", "requirement"]}),
        ("责任与时限", {"fields": ["lead_department", "cooperating_departments", "due_on",
                                   "frequency", "weight"]}),
        ("进展（由已采纳的报送和下级任务汇总，不可填写）",
         {"fields": ["status", "progress", "completed_on", "last_reported_on"]}),
    ]  # fmt: skip
    resource_classes = [TaskResource]
    import_formats = [TaskXLSX]
    export_formats = [XLSX]
    import_form_class = LimitedImportForm

    def get_queryset(self, request):
        # Newest plan first, each in its tree's order (a clerk sees leaves of several plans).
        queryset = super().get_queryset(request).visible_to(request.user)
        return queryset.order_by("-plan__year", "plan_id", "tree_id", "lft")

    @admin.display(description="任务", ordering="lft")
    def numbered_title(self, task):
        return str(task)

    @admin.display(description="年度", ordering="plan__year")
    def plan_year(self, task):
        return task.plan.year

    @admin.display(description="牵头部门", ordering="lead_department__name")
    def lead(self, task):
        return task.lead_department.display_name if task.lead_department else ""

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # A task stays in its plan and place: a move would bypass the roll-up.
        return fields + ["plan", "parent"] if obj is not None else fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "plan":
            kwargs["queryset"] = Plan.objects.visible_to(request.user).exclude(
                status=Plan.Status.ARCHIVED
            )
        if db_field.name == "parent":
            kwargs["queryset"] = Task.objects.visible_to(request.user).select_related("plan")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="完成时限", ordering="due_on")
    def deadline(self, task):
        if not task.is_leaf_node():  # a section's deadlines are its tasks'
            return ""
        if task.due_on:
            return f"{task.due_on:%Y-%m-%d}"
        return f"持续推进（{task.get_frequency_display()}）"

    def save_model(self, request, obj, form, change):
        """Through the services (they lock, roll up and record); the form checked their
        rules, so a refusal here is a race and refuses the whole request."""
        data = form.cleaned_data
        fields = {name: data[name] for name in services.CHANGEABLE if name in data}
        try:
            if change:
                fields = {k: v for k, v in fields.items() if k in form.changed_data}
                saved = services.task_change(task=obj, by=request.user, **fields)
            else:
                if "position" not in form.changed_data:
                    fields.pop("position", None)  # last among its siblings (task_create)
                saved = services.task_create(plan=data["plan"], parent=data.get("parent"),
                                             by=request.user, **fields)  # fmt: skip
        except ValidationError as error:
            raise PermissionDenied(_reason(error)) from error
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        # 配合部门 were saved by the service (recorded there); the history is read-only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    # --- the XLSX round trip -------------------------------------------------------------

    def has_import_permission(self, request):
        return request.user.has_perm("plans.change_task")  # an import only changes tasks

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def get_import_data_kwargs(self, **kwargs):
        # The confirmation re-runs the import: a row invalid since the preview rolls back all.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def add_data_read_fail_error_to_form(self, form, error):
        form.add_error("import_file", clerk_message(error))

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            self.message_user(request, "导入未执行：文件在预览后出现错误行，已全部回滚，请重新导入。",
                              messages.ERROR)  # fmt: skip
            return HttpResponseRedirect(reverse("admin:plans_task_import"))
        return super().process_result(result, request)


# --- progress reports -----------------------------------------------------------------------


class PublishedOnly(AutocompleteSelectMultiple):
    """Evidence pickers that offer only what the public can see."""

    url_name = "%s:plans_update_evidence"


class PublishedAutocompleteView(AutocompleteJsonView):
    def get_queryset(self):
        published = self.model_admin.model.objects.published().order_by("-published_at", "-pk")
        found, distinct = self.model_admin.get_search_results(self.request, published, self.term)
        return found.distinct() if distinct else found


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(EvidenceFilesField, self).clean(item, initial) for item in files]


class UpdateForm(forms.ModelForm):
    files = EvidenceFilesField(label="佐证：上传文件", required=False,
                               help_text="会议记录、截图等；可选多个文件。")  # fmt: skip

    class Meta:
        model = Update
        fields = ["task", "reported_on", "text", "progress", "documents", "interpretations"]

    def clean(self):
        """The service's own checks, so that a refusal is shown next to the fields."""
        cleaned = super().clean()
        if self.errors or self.instance.pk:
            return cleaned
        try:
            cleaned["text"] = services.update_check(
                task=cleaned["task"], by=self.user, reported_on=cleaned["reported_on"],
                text=cleaned["text"], progress=cleaned["progress"],
                documents=list(cleaned["documents"]),
                interpretations=list(cleaned["interpretations"]), files=cleaned["files"],
            )  # fmt: skip
        except PermissionDenied as error:
            raise ValidationError({"task": str(error)}) from error
        return cleaned


class EvidenceFileInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = EvidenceFile
    fields = ["download", "size", "uploaded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description="文件")
    def download(self, evidence):
        url = reverse("admin:plans_update_file", args=[evidence.update_id, evidence.pk])
        return format_html('<a href="{}">{}</a>', url, evidence.name)


@admin.register(Update)
class UpdateAdmin(admin.ModelAdmin):
    form = UpdateForm
    list_display = ["reported_on", "task", "department", "progress", "status", "submitted_by",
                    "decided_by"]  # fmt: skip
    list_filter = ["status", ("task__plan", admin.RelatedOnlyFieldListFilter),
                   ("task__lead_department", admin.RelatedOnlyFieldListFilter)]  # fmt: skip
    list_select_related = ["task__plan", "task__lead_department", "submitted_by", "decided_by"]
    search_fields = ["task__title", "text"]
    ordering = ["-reported_on", "-pk"]
    autocomplete_fields = ["documents", "interpretations"]
    actions = ["accept_selected"]
    change_form_template = "admin/plans/update/change_form.html"
    decided_fields = ["status", "submitted_by", "decided_by", "decided_at", "decision_note"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["task", "reported_on", "text", "progress", "documents", "interpretations",
                    "files"]  # fmt: skip
        return ["task", "reported_on", "text", "progress", "documents", "interpretations",
                *self.decided_fields]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        # A report is never edited once submitted: it is accepted or returned.
        return self.get_fields(request, obj) if obj is not None else []

    def get_inlines(self, request, obj):
        return [EvidenceFileInline] if obj is not None else []

    def get_changeform_initial_data(self, request):
        return {"reported_on": timezone.localdate(), **super().get_changeform_initial_data(request)}

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "task":
            kwargs["queryset"] = Task.objects.reportable_by(request.user).select_related("plan")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("documents", "interpretations"):
            kwargs["queryset"] = db_field.related_model.objects.published()
            kwargs["widget"] = PublishedOnly(db_field, self.admin_site)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False  # a report is history: returned, never deleted

    @admin.display(description="牵头部门", ordering="task__lead_department__name")
    def department(self, update):
        return update.task.lead_department or "—"

    def save_model(self, request, obj, form, change):
        """Adding a report submits it (``update_submit``); a report is never saved
        otherwise: its page only decides it (``response_change``)."""
        if change:
            return
        data = form.cleaned_data
        try:
            saved = services.update_submit(
                task=data["task"], by=request.user, reported_on=data["reported_on"],
                text=data["text"], progress=data["progress"], documents=data["documents"],
                interpretations=data["interpretations"], files=data["files"],
            )  # fmt: skip
        except (ValidationError, PermissionDenied) as error:
            # Only a race gets here (the form ran the same checks).
            raise PermissionDenied(_reason(error)) from error
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        pass  # evidence was saved with the report; nothing else changes

    # --- deciding --------------------------------------------------------------------------

    def has_supervise_permission(self, request):
        return request.user.has_perm("plans.supervise_plan")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        update = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        extra_context["can_decide"] = (
            update is not None
            and update.status == Update.Status.SUBMITTED
            and self.has_supervise_permission(request)
        )
        return super().change_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        for button, service, label in (("_accept", services.update_accept, "采纳"),
                                       ("_return", services.update_return, "退回")):  # fmt: skip
            if button not in request.POST:
                continue
            back = HttpResponseRedirect(reverse("admin:plans_update_change", args=[obj.pk]))
            try:
                service(update=obj, by=request.user, note=request.POST.get("decision_note", ""))
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"{label}未完成：{_reason(error)}", messages.ERROR)
                return back
            self.message_user(request, f"已{label}该进展报送。", messages.SUCCESS)
            return back
        return super().response_change(request, obj)

    @admin.action(description="采纳所选进展", permissions=["supervise"])
    def accept_selected(self, request, queryset):
        done = 0
        for update in queryset.filter(status=Update.Status.SUBMITTED):
            try:
                services.update_accept(update=update, by=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"“{update}”：{_reason(error)}", messages.ERROR)
        if done:
            self.message_user(request, f"已采纳 {done} 条进展。", messages.SUCCESS)

    # --- evidence ---------------------------------------------------------------------------

    def get_urls(self):
        return [
            path("evidence/", self.admin_site.admin_view(self.evidence_view),
                 name="plans_update_evidence"),
            path("<path:object_id>/file/<int:file_id>/",
                 self.admin_site.admin_view(self.file_view), name="plans_update_file"),
            *super().get_urls(),
        ]  # fmt: skip

    def evidence_view(self, request):
        return PublishedAutocompleteView.as_view(admin_site=self.admin_site)(request)

    def file_view(self, request, object_id, file_id):
        update = self.get_object(request, unquote(object_id))  # scoped: visible_to
        if update is not None and not self.has_view_permission(request, update):
            raise PermissionDenied  # evidence may hold personal data
        evidence = EvidenceFile.objects.filter(update=update, pk=file_id).first()
        if update is None or evidence is None:
            raise Http404
        try:
            handle = evidence.file.open("rb")
        except FileNotFoundError as missing:
            raise Http404 from missing
        return FileResponse(handle, as_attachment=True, filename=evidence.name)
