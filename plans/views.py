"""The supervisors' plan reports (督查报表) and the optional public task list.

Staff pages need a login (anonymous users go to the admin's login) and the right to see
every plan: ``plans.supervise_plan``, ``portal.oversee_all`` or a superuser; anyone
else gets the portal's 403 page. Changing the 考核 weights or the summary needs
``plans.supervise_plan`` (``plans.report_services``).

Each page reads a constant number of queries whatever the number of tasks: the plan's
tasks once (lead department joined, cooperating departments prefetched where shown),
the calendar's exceptions once; every figure is built in Python (``plans.reports``).
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from plans import charts, ledger, reports
from plans.assessment import Weights, assess
from plans.models import EvidenceFile, Plan, Task, TaskEvent, Update
from plans.querysets import sees_every_plan
from plans.report_forms import SummaryForm, WeightsForm
from plans.report_services import may_change_reports, plan_set_summary, plan_set_weights
from plans.summary import generate_summary
from portal.errors import error_response
from portal.models import CalendarDay

TaskStatus = Task.Status
# Events record a task's or a report's status; the two sets of values do not overlap.
STATUS_LABELS = {**dict(Task.Status.choices), **dict(Update.Status.choices)}


def supervisors_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not sees_every_plan(request.user):
            return error_response(403)
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return error_response(403)

    return wrapper


# --- reads ---------------------------------------------------------------------------


def _plan(pk: int) -> Plan:
    return get_object_or_404(Plan.objects.select_related("organization", "source_document"), pk=pk)


def _tasks(plan: Plan, *, cooperating: bool = False) -> list[Task]:
    tasks = Task.objects.filter(plan=plan).select_related("lead_department").defer("requirement")
    if cooperating:
        tasks = tasks.prefetch_related("cooperating_departments")
    return list(tasks.order_by("tree_id", "lft"))


def _calendar(today) -> reports.Calendar:
    holidays, workdays = CalendarDay.objects.exceptions(*reports.calendar_window(today))
    return reports.Calendar(holidays=frozenset(holidays), workdays=frozenset(workdays))


def _task_url(plan: Plan):
    """The task page's URL as a function of the task's id: one ``reverse`` for a plan's
    hundreds of rows instead of one each."""
    marker = 987654321987654321
    prefix, suffix = reverse("plans:task-detail", kwargs={"plan_pk": plan.pk, "pk": marker}).split(
        str(marker)
    )
    return lambda pk: f"{prefix}{pk}{suffix}"


def build_plan_report(plan: Plan, *, today=None, cooperating=False) -> reports.PlanReport:
    today = today or timezone.localdate()
    report = reports.build_report(
        _tasks(plan, cooperating=cooperating),
        today=today,
        calendar=_calendar(today),
        start=reports.plan_start(plan.year, plan.activated_on),
    )
    url = _task_url(plan)
    for row in report.task_rows:
        row.url = url(row.task.pk)
    return report


def _report_context(request, plan: Plan, *, weights_form=None) -> dict:
    report = build_plan_report(plan)
    weights = Weights.of(plan)
    return {
        "plan": plan,
        "report": report,
        "department_chart": charts.department_chart(report.departments),
        "status_chart": charts.status_chart(report),
        "weights": weights,
        "assessments": [
            (result, result.working(weights)) for result in assess(report, weights=weights)
        ],
        "may_change": may_change_reports(request.user),
        "weights_form": weights_form
        or WeightsForm(
            initial={
                "on_time_weight": plan.on_time_weight,
                "progress_weight": plan.progress_weight,
                "reporting_weight": plan.reporting_weight,
            }
        ),
        "due_soon_days": reports.DUE_SOON_WORKING_DAYS,
    }


@require_safe
@supervisors_only
def plan_list(request):
    plans = Plan.objects.listed()
    years: dict[int, list[Plan]] = {}
    for plan in plans:
        years.setdefault(plan.year, []).append(plan)
    return render(request, "plans/plan_list.html", {"years": sorted(years.items(), reverse=True)})


@require_safe
@supervisors_only
def plan_report(request, pk):
    return render(request, "plans/plan_report.html", _report_context(request, _plan(pk)))


@require_POST
@supervisors_only
def plan_weights(request, pk):
    plan = _plan(pk)
    if not may_change_reports(request.user):
        return error_response(403)
    form = WeightsForm(request.POST)
    if form.is_valid():
        try:
            plan_set_weights(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "考核权重已保存，得分已按新权重重新计算。")
            return redirect(reverse("plans:plan-report", kwargs={"pk": plan.pk}) + "#assessment")
    context = _report_context(request, plan, weights_form=form)
    return render(request, "plans/plan_report.html", context, status=400)


@require_safe
@supervisors_only
def plan_print(request, pk):
    return render(request, "plans/plan_print.html", _report_context(request, _plan(pk)))


@require_safe
@supervisors_only
def plan_ledger(request, pk):
    plan = _plan(pk)
    report = build_plan_report(plan, cooperating=True)
    response = HttpResponse(ledger.ledger_xlsx(plan, report), content_type=ledger.CONTENT_TYPE)
    filename = f"plan-{plan.pk}-ledger-{report.today:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def generated_summary(plan: Plan, *, today=None) -> str:
    """The summary ``plans.summary`` writes from the plan's accepted reports (3 queries)."""
    updates: dict[int, list[Update]] = {}
    accepted = (
        Update.objects.filter(task__plan=plan, status=Update.Status.ACCEPTED)
        .prefetch_related("documents", "interpretations")
        .order_by("-reported_on", "-pk")
    )
    for update in accepted:
        updates.setdefault(update.task_id, []).append(update)
    return generate_summary(
        year=plan.year,
        plan_title=plan.title,
        organization_name=plan.organization.name,
        tasks=_tasks(plan),
        accepted_updates=updates,
        today=today or timezone.localdate(),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@supervisors_only
def plan_summary(request, pk):
    plan = _plan(pk)
    may_change = may_change_reports(request.user)
    notice, status = "", 200
    if request.method == "POST":
        if not may_change:
            return error_response(403)
        if "regenerate" in request.POST:
            form = SummaryForm(initial={"summary": generated_summary(plan)})
            notice = "已根据已采纳的进展重新生成，检查修改后请点击“保存”。"
        else:
            form = SummaryForm(request.POST)
            if form.is_valid():
                plan_set_summary(plan=plan, text=form.cleaned_data["summary"], by=request.user)
                messages.success(request, "年度总结已保存。")
                return redirect("plans:plan-summary", pk=plan.pk)
            status = 400
    else:
        generated = not plan.summary
        form = SummaryForm(initial={"summary": plan.summary or generated_summary(plan)})
        if generated:
            notice = "尚未保存过总结：下面是根据已采纳的进展生成的草稿，保存后生效。"
    return render(
        request,
        "plans/plan_summary.html",
        {"plan": plan, "form": form, "notice": notice, "may_change": may_change},
        status=status,
    )


@require_safe
@supervisors_only
def task_detail(request, plan_pk, pk):
    task = get_object_or_404(
        Task.objects.select_related("plan__organization", "lead_department").prefetch_related(
            "cooperating_departments"
        ),
        pk=pk,
        plan_id=plan_pk,
    )
    updates = list(
        Update.objects.filter(task=task)
        .select_related("submitted_by", "decided_by")
        .prefetch_related("documents", "interpretations", "files")
        .order_by("-reported_on", "-pk")
    )
    children = list(task.get_children().select_related("lead_department"))
    last = task.last_reported_on  # the latest accepted report's date (update_accept)
    today = timezone.localdate()
    start = reports.plan_start(task.plan.year, task.plan.activated_on)
    calendar = _calendar(today)  # read for a section too: the same queries on every task page
    row = reports.TaskRow(
        task=task,
        status=reports.shown_status(task, today),
        light=None
        if children
        else reports.task_light(
            task, today=today, calendar=calendar, last_accepted_on=last, start=start
        ),
        last_accepted_on=last,
        next_report_due=reports.next_report_due(task, last_accepted_on=last, start=start),
    )
    return render(
        request,
        "plans/task_detail.html",
        {
            "plan": task.plan,
            "task": task,
            "row": row,
            "is_leaf": not children,
            "ancestors": list(task.get_ancestors()),
            "children": [
                (child, TaskStatus(reports.shown_status(child, today)).label) for child in children
            ],
            "updates": updates,
            "events": [
                (
                    event,
                    STATUS_LABELS.get(event.from_status, ""),
                    STATUS_LABELS.get(event.to_status, ""),
                )
                for event in TaskEvent.objects.filter(task=task).select_related("by")
            ],
        },
    )


@require_safe
@supervisors_only
def evidence_file(request, plan_pk, task_pk, pk):
    """An evidence file, only through this view: the files are never public."""
    evidence = get_object_or_404(
        EvidenceFile, pk=pk, update__task_id=task_pk, update__task__plan_id=plan_pk
    )
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("佐证文件不存在") from missing
    return FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.name or evidence.file.name.rsplit("/", 1)[-1],
        content_type="application/octet-stream",
    )


# --- the public task list ------------------------------------------------------------


@require_safe
def plan_public_list(request):
    """Every public task list, newest year first, with its leaf tasks counted."""
    return render(request, "plans/plan_public_list.html", {"plans": Plan.objects.public().listed()})


@require_safe
def plan_public(request, pk):
    """The plan's tasks with their status and progress, when the plan is published as
    public (``Plan.is_public``) and no longer being drafted. No reports, evidence, notes
    or names of staff: only what the plan itself and the tasks' states say."""
    plan = get_object_or_404(
        Plan.objects.public().select_related("organization", "source_document"), pk=pk
    )
    tasks = _tasks(plan, cooperating=True)
    leaves = reports.leaf_tasks(tasks)
    completion = reports.weighted_progress(leaves)
    source = plan.source_document
    return render(
        request,
        "plans/plan_public.html",
        {
            "plan": plan,
            "tasks": tasks,
            "leaf_count": len(leaves),
            "completed": sum(1 for task in leaves if task.status == TaskStatus.COMPLETED),
            "completion": completion,
            "source": source
            if source is not None and source.is_live and source.published_at <= timezone.now()
            else None,
        },
    )
