"""The admin page "从文本分解任务" of a plan (``/admin/plans/plan/<id>/decompose/``).

Three steps on one URL: the supervisor pastes or uploads the plan's text; the page shows
the proposed task tree as editable rows (departments and deadlines the text names filled
in, unmatched department phrases as hints); saving creates the ticked rows as tasks
through ``plans.outline.plan_add_outline`` and goes to the plan's task list. The
ModelAdmin wires it in with ``decompose_urls``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from plans.decompose import Outline, nest
from plans.decompose_forms import PlanTextForm, TaskRowFormSet, initial_rows
from plans.models import Plan
from plans.outline import known_organizations, plan_add_outline, plan_departments
from plans.querysets import SUPERVISE

SAVE = "save"


def may_decompose(user) -> bool:
    """Supervisors (or whoever may change plans) who may also add tasks."""
    return (user.has_perm(SUPERVISE) or user.has_perm("plans.change_plan")) and user.has_perm(
        "plans.add_task"
    )


def decompose_urls(model_admin) -> list:
    """The page's URL, for ``PlanAdmin.get_urls`` (before the admin's own catch-all)."""
    view = model_admin.admin_site.admin_view(
        lambda request, object_id: decompose_view(model_admin, request, object_id)
    )
    return [path("<path:object_id>/decompose/", view, name="plans_plan_decompose")]


def decompose_view(model_admin, request, object_id):
    if not may_decompose(request.user):
        raise PermissionDenied
    plan = model_admin.get_object(request, unquote(object_id))
    if plan is None:
        raise Http404("工作方案不存在。")
    change_url = reverse("admin:plans_plan_change", args=[plan.pk])
    if plan.status == Plan.Status.ARCHIVED:
        model_admin.message_user(request, "方案已归档，不能再分解任务。", messages.ERROR)
        return HttpResponseRedirect(change_url)
    departments = plan_departments(plan)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Plan._meta,
        "original": plan,
        "title": f"从文本分解任务：{plan}",
        "change_url": change_url,
        "existing_tasks": plan.tasks.count(),
    }
    if request.method == "POST" and request.POST.get("step") == SAVE:
        return _save(model_admin, request, plan, departments, context)
    form = PlanTextForm(
        request.POST or None,
        request.FILES or None,
        plan=plan,
        organizations=known_organizations(departments.values()),
    )
    if request.method == "POST" and form.is_valid():
        ids = {name: organization.pk for name, organization in departments.items()}
        formset = _formset(plan, departments, initial=initial_rows(form.outline, ids=ids))
        return _preview(request, context, formset, form.outline)
    return TemplateResponse(request, "admin/plans/plan/decompose.html", {**context, "form": form})


def _formset(plan: Plan, departments: dict, **kwargs):
    choices = [(organization.pk, organization.name) for organization in departments.values()]
    return TaskRowFormSet(
        prefix="rows",
        form_kwargs={"department_choices": choices, "plan_year": plan.year},
        **kwargs,
    )


def _preview(request, context, formset, outline: Outline | None, error: str = ""):
    return TemplateResponse(
        request,
        "admin/plans/plan/decompose_preview.html",
        {
            **context,
            "formset": formset,
            "preamble": outline.preamble if outline else request.POST.get("preamble", ""),
            "save_error": error,
            "step": SAVE,
        },
    )


def _save(model_admin, request, plan, departments, context):
    formset = _formset(plan, departments, data=request.POST)
    if not formset.is_valid():
        return _preview(request, context, formset, None)
    names = {organization.pk: name for name, organization in departments.items()}
    rows = [form.item(names) for form in formset.forms if form.cleaned_data.get("include")]
    outline = Outline(items=nest(rows))
    try:
        created = plan_add_outline(
            plan=plan, outline=outline, departments=departments, by=request.user
        )
    except ValidationError as error:
        return _preview(request, context, formset, None, error="；".join(error.messages))
    model_admin.message_user(
        request, f"已从文本新建 {len(created)} 项任务，请核对。", messages.SUCCESS
    )
    return HttpResponseRedirect(task_list_url(plan))


def task_list_url(plan: Plan) -> str:
    """The admin's task list, filtered to ``plan``."""
    return f"{reverse('admin:plans_task_changelist')}?plan__id__exact={plan.pk}"
