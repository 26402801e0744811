"""Plans and their task trees: drafting, changing, starting and archiving, suspending and
resuming, and the daily deadline run."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from plans.models import (
    Frequency,
    Plan,
    Task,
    TaskEvent,
)
from plans.querysets import SUPERVISE
from plans.services.moves import (
    Action,
    TaskStatus,
    _lock_trees,
    _locked,
    _require,
    _settle,
    _transition,
    open_status,
    rollup,
    rollup_subtree,
    settled_status,
)
from portal.plaintext import clean_block

# Fields of a task that a change in an active plan records (the assessment and the
# departments' lists depend on them).
TRACKED = {
    "title": "任务",
    "due_on": "完成时限",
    "frequency": "报送频次",
    "lead_department": "牵头部门",
    "cooperating_departments": "配合部门",
    "weight": "权重",
}
CHANGEABLE = {*TRACKED, "number", "requirement", "position"}


# --- plans --------------------------------------------------------------------------------


def plan_create(
    *,
    year: int,
    title: str,
    organization,
    by,
    source_document=None,
    is_public: bool = False,
) -> Plan:
    """A new plan, being drafted (编制中). Requires ``plans.add_plan``."""
    _require(by, "plans.add_plan", "您没有新建工作方案的权限。")
    plan = Plan(
        year=year,
        title=title,
        organization=organization,
        source_document=source_document,
        is_public=is_public,
        status=Plan.Status.DRAFTING,
        created_by=by,
    )
    with transaction.atomic():
        plan.full_clean()
        plan.save()
    return plan


def log_plan_change(plan: Plan, by, message: str) -> None:
    """Record a change of the plan itself in its admin history (``LogEntry``): a plan has
    no event table of its own; its tasks do."""
    LogEntry.objects.log_actions(
        user_id=by.pk, queryset=[plan], action_flag=CHANGE, change_message=message,
        single_object=True,
    )  # fmt: skip


def _plan_move(plan: Plan, *, by, frm: str, to: str, refusal: str, now) -> Plan:
    """Move a plan, date the move and record it in the plan's admin history."""
    _require(by, SUPERVISE, "只有督查员可以启动或归档工作方案。")
    now = now or timezone.now()
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        if plan.status != frm:
            raise ValidationError(refusal, code="invalid_transition")
        if to == Plan.Status.ACTIVE and not plan.tasks.exists():
            raise ValidationError("方案还没有任务，不能启动执行。", code="empty")
        plan.status = to
        dated = "activated_on" if to == Plan.Status.ACTIVE else "archived_on"
        setattr(plan, dated, timezone.localdate(now))
        plan.full_clean()
        plan.save(update_fields=["status", dated, "updated_at"])
        log_plan_change(plan, by, f"{Plan.Status(frm).label} → {Plan.Status(to).label}")
    return plan


def plan_activate(*, plan: Plan, by, now: datetime | None = None) -> Plan:
    """编制中 → 执行中: departments report from this day, deadlines count. Requires
    ``supervise_plan``."""
    return _plan_move(plan, by=by, frm=Plan.Status.DRAFTING, to=Plan.Status.ACTIVE,
                      refusal="只有编制中的方案可以启动执行。", now=now)  # fmt: skip


def plan_archive(*, plan: Plan, by, now: datetime | None = None) -> Plan:
    """执行中 → 已归档: the year is over; nothing is reported or changed any more."""
    return _plan_move(plan, by=by, frm=Plan.Status.ACTIVE, to=Plan.Status.ARCHIVED,
                      refusal="只有执行中的方案可以归档。", now=now)  # fmt: skip


# --- the task tree ------------------------------------------------------------------------


def task_create(
    *,
    plan: Plan,
    title: str,
    by,
    parent: Task | None = None,
    number: str = "",
    requirement: str = "",
    lead_department=None,
    cooperating_departments: Iterable = (),
    due_on: date | None = None,
    frequency: str = "",
    weight: int = 1,
    position: int | None = None,
    now: datetime | None = None,
) -> Task:
    """Insert a task into ``plan``'s tree, last among its siblings unless ``position`` says.
    A task that has reports cannot be split: its figures would silently become derived."""
    _require(by, "plans.add_task", "您没有新建任务的权限。")
    now = now or timezone.now()
    with transaction.atomic():
        _lock_trees()
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        if plan.status == Plan.Status.ARCHIVED:
            raise ValidationError("方案已归档，不能再增加任务。", code="archived")
        if parent is not None:
            parent = _locked(parent)
            if parent.updates.exists():
                raise ValidationError(
                    f"“{parent}”已有进展报送，不能再分解下级任务。", code="reported"
                )
        if position is None:
            siblings = Task.objects.filter(plan=plan, parent=parent).order_by("-position")
            last = siblings.values_list("position", flat=True).first()
            position = 0 if last is None else last + 1
        task = Task(
            plan=plan, parent=parent, title=title, number=number, requirement=requirement,
            lead_department=lead_department, due_on=due_on, frequency=frequency,
            weight=weight, position=position,
        )  # fmt: skip
        task.full_clean()
        task.save()
        task.cooperating_departments.set(cooperating_departments)
        if plan.status == Plan.Status.ACTIVE:
            TaskEvent.objects.create(task=task, action=Action.CHANGED, by=by, at=now,
                                     progress=0, note="新增任务")  # fmt: skip
            _settle(task, by=by, now=now)  # a new task may be due already
        rollup(task, by=by, now=now)
    return task


def _label(field: str) -> str:
    return TRACKED.get(field) or str(Task._meta.get_field(field).verbose_name)


def _shown(field: str, value) -> str:
    if field == "cooperating_departments":
        return "、".join(sorted(o.name for o in value)) or "无"
    if field == "due_on":
        return f"{value:%Y-%m-%d}" if value else "持续推进"
    if field == "frequency":
        return Frequency(value).label
    if field == "lead_department":
        return value.name if value else "无"
    return str(value)


def task_change(*, task: Task, by, action: str = Action.CHANGED, now=None, **changes) -> Task:
    """Change a task's fields (``CHANGEABLE``). In an active plan a change of its deadline,
    departments, weight or title is recorded with old → new in the note; an import
    (``action=IMPORTED``) records every change, whatever the plan's state. A new deadline
    settles an overdue leaf at once; a new weight rolls up. Requires ``plans.change_task``."""
    unknown = set(changes) - CHANGEABLE
    if unknown:
        raise TypeError(f"task_change cannot change {sorted(unknown)}")
    _require(by, "plans.change_task", "您没有修改任务的权限。")
    now = now or timezone.now()
    with transaction.atomic():
        if "position" in changes:
            _lock_trees()  # a new position moves the node among its siblings
        task = _locked(task)
        if task.plan.status == Plan.Status.ARCHIVED:
            raise ValidationError("方案已归档，任务不能再修改。", code="archived")
        departments = changes.pop("cooperating_departments", None)
        changed = {field: getattr(task, field) for field, value in changes.items()
                   if getattr(task, field) != value}  # fmt: skip
        lines = [
            f"{_label(field)}：{_shown(field, old)} → {_shown(field, changes[field])}"
            for field, old in changed.items()
            if field in TRACKED or action == Action.IMPORTED
        ]
        for field in changed:
            setattr(task, field, changes[field])
        if departments is not None:
            old = list(task.cooperating_departments.all())
            if {o.pk for o in old} != {o.pk for o in departments}:
                lines.append(f"配合部门：{_shown('cooperating_departments', old)} → "
                             f"{_shown('cooperating_departments', departments)}")  # fmt: skip
                task.cooperating_departments.set(departments)
        if changed:
            task.full_clean()
            task.save()
        if lines and (task.plan.status == Plan.Status.ACTIVE or action == Action.IMPORTED):
            TaskEvent.objects.create(task=task, action=action, by=by, at=now,
                                     progress=task.progress, note="；".join(lines))  # fmt: skip
        if "due_on" in changed:
            _settle(task, by=by, now=now, note="完成时限已调整")
        rollup(task, by=by, now=now)
    return task


def _leaves_under(task: Task):
    return task.get_descendants(include_self=True).leaves()


def task_suspend(*, task: Task, by, reason: str, now=None) -> Task:
    """暂缓 a task: each of its open leaves stops counting (a suspended child leaves its
    parent's weighted mean). Supervisors only, with a reason."""
    return _suspend_or_resume(task, by=by, reason=reason, now=now, suspend=True)


def task_resume(*, task: Task, by, reason: str, now=None) -> Task:
    """Resume a suspended task: each suspended leaf takes the status its figures and
    deadline call for. Supervisors only, with a reason."""
    return _suspend_or_resume(task, by=by, reason=reason, now=now, suspend=False)


def _suspend_or_resume(task, *, by, reason, now, suspend: bool) -> Task:
    word = "暂缓" if suspend else "恢复"
    _require(by, SUPERVISE, f"只有督查员可以{word}任务。")
    reason = clean_block(reason).strip()
    if not reason:
        raise ValidationError(f"{word}任务须说明理由。", code="reason")
    now = now or timezone.now()
    with transaction.atomic():
        task = _locked(task)
        if task.plan.status != Plan.Status.ACTIVE:
            raise ValidationError(f"只有执行中的方案可以{word}任务。", code="inactive")
        moved = 0
        for leaf in _leaves_under(task).select_related("plan").select_for_update(of=("self",)):
            if suspend and leaf.status not in (TaskStatus.COMPLETED, TaskStatus.SUSPENDED):
                _transition(leaf, to=TaskStatus.SUSPENDED, by=by, now=now, note=reason)
                moved += 1
            elif not suspend and leaf.status == TaskStatus.SUSPENDED:
                to = open_status(leaf, today=timezone.localdate(now))
                _transition(leaf, to=to, by=by, now=now, note=reason)
                moved += 1
        if not moved:
            state = "均已完成或已暂缓" if suspend else "没有已暂缓的任务"
            raise ValidationError(f"“{task}”{state}，无需{word}。", code="nothing")
        rollup_subtree(task, by=by, now=now)
        task.refresh_from_db()
    return task


def tasks_mark_overdue(*, today: date, by=None, now: datetime | None = None) -> int:
    """The daily run (``manage.py plans_deadlines``): leaves of active plans past their
    完成时限 and not done become 已逾期; an overdue leaf whose deadline moved later goes
    back to 推进中 or 未启动. Idempotent: a second run the same day changes nothing.
    Each task in its own transaction, so one failure does not hold back the rest.
    Returns how many tasks changed."""
    now = now or timezone.now()
    late = Task.objects.overdue(today).values_list("pk", flat=True)
    rescheduled = (  # only in active plans: an archived plan's record stays as it was
        Task.objects.leaves()
        .filter(status=TaskStatus.OVERDUE, plan__status=Plan.Status.ACTIVE)
        .exclude(due_on__lt=today)
        .values_list("pk", flat=True)
    )
    changed = 0
    for pk in sorted({*late, *rescheduled}):
        with transaction.atomic():
            task = _locked(Task(pk=pk))
            if not task.is_leaf_node():
                continue
            to = settled_status(task, today=today)
            if to == task.status:
                continue  # settled by someone else meanwhile
            note = "已超过完成时限" if to == TaskStatus.OVERDUE else "完成时限已调整"
            _transition(task, to=to, by=by, now=now, note=note)
            rollup(task, by=by, now=now)
            changed += 1
    return changed
