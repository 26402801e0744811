"""Admin integration of the review-then-publish workflow, for any Publishable model.

Status badges, a "待我处理" queue filter, bulk actions that ask for the opinion or reason
on an intermediate page, one button per allowed step on the change page (the same page
for a single item), the history, the pending changes for the reviewer, and a preview of
the public page. Every step goes through ``portal.workflow.perform``.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from portal import workflow
from portal.forms import WorkflowStepForm
from portal.models import Status, WorkflowEvent
from portal.scopes import ALL, acting_scope, in_scope, visible_scope

BADGE_COLOURS = {
    Status.DRAFT: "#555b62",
    Status.SUBMITTED: "#9a5b00",
    Status.APPROVED: "#0b5394",
    Status.PUBLISHED: "#1d6b32",
    Status.WITHDRAWN: "#8c0d14",
}


class ReviewQueueFilter(admin.SimpleListFilter):
    title = "待我处理"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("review", "待我审核"), ("publish", "待我发布"), ("mine", "我起草的")]

    def queryset(self, request, queryset):
        user = request.user
        model = queryset.model
        if self.value() == "review":
            if not user.has_perm(workflow.permission_name(model, "review")):
                return queryset.none()
            queryset = _scoped(queryset.filter(status=Status.SUBMITTED), acting_scope(user))
            return queryset.exclude(_authored_by(user, model))
        if self.value() == "publish":
            if not user.has_perm(workflow.permission_name(model, "publish")):
                return queryset.none()
            return _scoped(
                queryset.filter(status=Status.APPROVED), acting_scope(user, publishing=True)
            )
        if self.value() == "mine":
            return queryset.filter(created_by=user)
        return queryset


def _authored_by(user, model) -> Q:
    """Items whose version under review ``user`` wrote (created, edited or submitted since
    the last publication): they cannot review it, so it is not in their queue."""
    authored = WorkflowEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id=OuterRef("pk"),
        by=user,
        action__in=[
            WorkflowEvent.Action.CREATED,
            WorkflowEvent.Action.EDITED,
            WorkflowEvent.Action.SUBMITTED,
        ],
    )
    return Q(Exists(authored.filter(at__gt=OuterRef("last_published_at")))) | Q(
        Q(last_published_at__isnull=True) & Q(Exists(authored))
    )


def _scoped(queryset, scope):
    if scope is ALL:
        return queryset
    unowned = Q(owner_organization__isnull=True)  # see ``portal.scopes.in_scope``
    return queryset.filter(Q(owner_organization_id__in=scope) | unowned)


class WorkflowAdminMixin:
    change_form_template = "admin/workflow/change_form.html"
    preview_template = None  # the public page's template, rendered with the working version
    # Words for a model whose "published" is not public (an answer letter is issued to
    # one applicant): status names by value, the note after a live item's status (empty:
    # none), and the preview link.
    status_labels: dict[str, str] = {}
    live_label = "公开中"
    preview_label = "预览公开页面"

    def status_label(self, obj) -> str:
        return self.status_labels.get(obj.status, obj.get_status_display())

    # --- what a user sees -------------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scope = visible_scope(
            request.user, publish_permission=workflow.permission_name(self.model, "publish")
        )
        return _scoped(queryset, scope)

    def get_object(self, request, object_id, from_field=None):
        item = super().get_object(request, object_id, from_field)
        return workflow.working_version(item) if item is not None else None

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None:
            return allowed
        # Under review nothing changes; clerks edit only their own organization's items.
        if obj.status in (Status.SUBMITTED, Status.APPROVED):
            return False
        return in_scope(obj.owner_organization_id, acting_scope(request.user))

    def has_delete_permission(self, request, obj=None):
        # Published or once-published items stay in the record; drafts may be deleted.
        allowed = super().has_delete_permission(request, obj)
        return allowed and (
            obj is None or (obj.last_published_at is None and obj.status == Status.DRAFT)
        )

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_public else None  # a draft has no public page

    @admin.display(description="状态", ordering="status")
    def status_badge(self, obj):
        label = self.status_label(obj)
        if obj.is_scheduled:
            label = f"定时发布 {obj.published_at:%Y-%m-%d %H:%M}"
        elif obj.is_live and obj.status != Status.PUBLISHED:
            label = f"已发布 · 修改{label}"
        return format_html(
            '<span style="display:inline-block;padding:1px 8px;border-radius:9px;color:#fff;'
            'background:{}">{}</span>',
            BADGE_COLOURS[obj.status],
            label,
        )

    # --- saving goes through the service -----------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        user = request.user

        class WorkflowForm(form):
            def clean(self):
                cleaned = super().clean()
                if obj is None and user.organization_id is None:
                    raise ValidationError(
                        "您的账号未关联机构，不能新建信息：请管理员在“用户”中设置所属机构。"
                    )
                return cleaned

        return WorkflowForm

    def save_model(self, request, obj, form, change):
        try:
            saved = workflow.item_save(obj, by=request.user)
        except ValidationError as error:
            # Only a race gets here (a step taken between loading and saving the form):
            # refuse the whole request, inlines included, instead of half-saving it.
            raise PermissionDenied("；".join(error.messages)) from error
        obj.pk = saved.pk
        if saved.is_live and saved.status == Status.DRAFT:
            self.message_user(
                request,
                "修改已保存为待审版本；公众仍看到已发布的版本，审核并发布后才会更新。",
                messages.INFO,
            )

    # --- steps: bulk actions, buttons, intermediate page ---------------------------------

    actions = ["submit_selected", "approve_selected", "return_selected", "publish_selected", "withdraw_selected"]  # fmt: skip

    def has_submit_permission(self, request):
        return request.user.has_perm(workflow.permission_name(self.model, "submit"))

    def has_review_permission(self, request):
        return request.user.has_perm(workflow.permission_name(self.model, "review"))

    def has_publish_permission(self, request):
        return request.user.has_perm(workflow.permission_name(self.model, "publish"))

    @admin.action(description="提交审核", permissions=["submit"])
    def submit_selected(self, request, queryset):
        return self._step_action(request, queryset, "submit")

    @admin.action(description="审核通过（保密审查）", permissions=["review"])
    def approve_selected(self, request, queryset):
        return self._step_action(request, queryset, "approve")

    @admin.action(description="退回", permissions=["review"])
    def return_selected(self, request, queryset):
        return self._step_action(request, queryset, "return")

    @admin.action(description="发布", permissions=["publish"])
    def publish_selected(self, request, queryset):
        return self._step_action(request, queryset, "publish")

    @admin.action(description="撤回", permissions=["publish"])
    def withdraw_selected(self, request, queryset):
        return self._step_action(request, queryset, "withdraw")

    def _step_action(self, request, queryset, step_name):
        step = workflow.STEPS[step_name]
        items = list(queryset)
        asks = step.needs_note or step.schedulable
        form = WorkflowStepForm(request.POST if "apply" in request.POST else None, step=step)
        if asks and not (form.is_bound and form.is_valid()):
            return self._render_step_page(request, step, items, form, bulk=True)
        self._apply(request, step, items, form.cleaned_data if asks else {})
        return None

    def _apply(self, request, step, items, data) -> int:
        done = 0
        for item in items:
            try:
                workflow.perform(
                    item,
                    step=step.name,
                    by=request.user,
                    note=data.get("note", ""),
                    publish_at=data.get("publish_at"),
                )
                done += 1
            except (ValidationError, PermissionDenied) as error:
                reason = (
                    "；".join(error.messages) if isinstance(error, ValidationError) else str(error)
                )
                self.message_user(request, f"“{item}”：{reason}", messages.ERROR)
        if done:
            self.message_user(request, f"已{step.label} {done} 项。", messages.SUCCESS)
        return done

    def _render_step_page(self, request, step, items, form, *, bulk):
        opts = self.model._meta
        return TemplateResponse(
            request,
            "admin/workflow/step_form.html",
            {
                **self.admin_site.each_context(request),
                "title": f"{step.label}：{opts.verbose_name}",
                "opts": opts,
                "step": step,
                "items": items,
                "form": form,
                "bulk": bulk,
                "action_name": f"{step.name}_selected",
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def get_urls(self):
        opts = self.model._meta
        prefix = f"{opts.app_label}_{opts.model_name}"
        return [
            path(
                "<path:object_id>/step/<slug:step_name>/",
                self.admin_site.admin_view(self.step_view),
                name=f"{prefix}_step",
            ),
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name=f"{prefix}_preview",
            ),
            *super().get_urls(),
        ]

    def step_view(self, request, object_id, step_name):
        """One step on one item, from its change page (the same form as the bulk action)."""
        step = workflow.STEPS.get(step_name)
        item = self.get_object(request, unquote(object_id))
        if step is None or item is None:
            raise PermissionDenied
        opts = self.model._meta
        change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk])
        form = WorkflowStepForm(request.POST if request.method == "POST" else None, step=step)
        if request.method == "POST" and form.is_valid():
            self._apply(request, step, [item], form.cleaned_data)
            return HttpResponseRedirect(change_url)
        return self._render_step_page(request, step, [item], form, bulk=False)

    def preview_view(self, request, object_id):
        item = self.get_object(request, unquote(object_id))
        if item is None or not self.has_view_or_change_permission(request, item):
            raise PermissionDenied
        return TemplateResponse(request, self.preview_template, self.preview_context(item))

    def preview_context(self, item) -> dict:
        """The context ``preview_template`` is rendered with; a subclass names the item
        as its public template expects."""
        return {"object": item, "preview": True}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        item = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if item is not None:
            history = workflow.history(item)
            last = history[-1] if history else None
            extra_context.update(
                workflow_steps=workflow.allowed_steps(item, request.user),
                workflow_history=history,
                workflow_changes=workflow.pending_changes(item),
                workflow_item=item,
                workflow_status_label=self.status_label(item),
                workflow_live_label=self.live_label,
                workflow_preview_label=self.preview_label,
                # Why it came back, at the top, where the clerk starts working again.
                workflow_returned=last
                if last and last.action == WorkflowEvent.Action.RETURNED
                else None,
            )
        return super().change_view(request, object_id, form_url, extra_context)
