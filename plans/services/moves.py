"""The one task transition, the report decision, and the roll-up of a parent from its
children: the moves every service below makes, under the locks it takes."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from plans.models import (
    TASK_MOVES,
    UPDATE_MOVES,
    Plan,
    Task,
    TaskEvent,
    Update,
)

Action = TaskEvent.Action
TaskStatus = Task.Status
# Any number of ids that is the same in every process: the one lock under which task trees
# are written. A new root takes the next tree id of the whole table and sibling order
# shifts other nodes, so two inserts, even in two plans, must not interleave.
TREE_LOCK = 7_310_001


def _require(user, permission: str, message: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied(message)


def _lock_trees() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TREE_LOCK])


def _locked(task: Task) -> Task:
    """The task under its row lock, taken after its plan's: every write to a plan's tasks
    locks the plan first, so one from the top (suspending a section, then its leaves) and
    one from below (accepting a leaf's report, then rolling up) never deadlock."""
    plan_id = task.plan_id or Task.objects.values_list("plan_id", flat=True).get(pk=task.pk)
    list(Plan.objects.select_for_update().filter(pk=plan_id).values_list("pk"))
    return Task.objects.select_related("plan").select_for_update(of=("self",)).get(pk=task.pk)


# --- the moves ----------------------------------------------------------------------------


def _transition(
    task: Task,
    *,
    to: str,
    by,
    now: datetime,
    note: str = "",
    update: Update | None = None,
    action: str = Action.STATUS,
    completed_on: date | None = None,
) -> None:
    """Move a locked task to ``to`` and record the event, saving the figures the caller
    set (progress, last report) either way. The caller holds the lock."""
    figures = ["progress", "last_reported_on", "updated_at"]
    if to == task.status:
        task.save(update_fields=figures)
        return
    if to not in TASK_MOVES[task.status]:
        raise ValidationError(
            f"任务“{task}”不能从“{task.get_status_display()}”变为“{TaskStatus(to).label}”。",
            code="invalid_transition",
        )
    TaskEvent.objects.create(
        task=task,
        update=update,
        action=action,
        from_status=task.status,
        to_status=to,
        progress=task.progress,
        by=by,
        at=now,
        note=note,
    )
    task.status = to
    if to == TaskStatus.COMPLETED:
        task.completed_on = completed_on or timezone.localdate(now)
    else:
        task.completed_on = None
    task.save(update_fields=["status", "completed_on", *figures])


def _update_transition(update: Update, *, to: str, by, now: datetime, note: str = "") -> None:
    """Accept or return a locked report and record the event on its task."""
    if to not in UPDATE_MOVES[update.status]:
        raise ValidationError(
            f"该进展报送{update.get_status_display()}，不能再审核。", code="invalid_transition"
        )
    action = Action.ACCEPTED if to == Update.Status.ACCEPTED else Action.RETURNED
    TaskEvent.objects.create(
        task_id=update.task_id,
        update=update,
        action=action,
        from_status=update.status,
        to_status=to,
        progress=update.progress,
        by=by,
        at=now,
        note=note,
    )
    update.status = to
    update.decided_by = by
    update.decided_at = now
    update.decision_note = note
    update.full_clean()
    update.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])


def settled_status(task: Task, *, today: date) -> str:
    """The status an open leaf has from its own figures: 已逾期 past its 完成时限 in an active
    plan, else 推进中 once an accepted report gave it progress, else 未启动. Completed and
    suspended leaves keep theirs (only a report or a supervisor moves them)."""
    if task.status in (TaskStatus.COMPLETED, TaskStatus.SUSPENDED):
        return task.status
    if task.plan.status != Plan.Status.ACTIVE:  # a drafted or archived plan's record stays
        return task.status
    return open_status(task, today=today)


def open_status(task: Task, *, today: date) -> str:
    """What a leaf that is neither done nor suspended is, by its deadline and progress."""
    if task.plan.status == Plan.Status.ACTIVE and task.due_on and task.due_on < today:
        return TaskStatus.OVERDUE
    return TaskStatus.IN_PROGRESS if task.progress > 0 else TaskStatus.NOT_STARTED


def rolled_up(children: list[Task], *, today: date) -> tuple[int, str]:
    """A parent's progress (weighted mean of its children's) and status: 已完成 when every
    child is (a suspended one included), 已逾期 when any is, 已暂缓 when all are, 未启动 when none has begun,
    else 推进中. Suspended children leave the weighted mean."""
    active = [child for child in children if child.status != TaskStatus.SUSPENDED]
    if not children:
        return 0, TaskStatus.NOT_STARTED
    if not active:
        return 0, TaskStatus.SUSPENDED
    total = sum(child.weight for child in active)
    progress = round(sum(child.progress * child.weight for child in active) / total)
    statuses = {child.status for child in active}
    if statuses == {TaskStatus.COMPLETED} and len(active) == len(children):
        return 100, TaskStatus.COMPLETED  # a suspended child is not done: its parent is not
    if TaskStatus.OVERDUE in statuses:
        return min(progress, 99), TaskStatus.OVERDUE
    if statuses == {TaskStatus.NOT_STARTED} and progress == 0:
        return 0, TaskStatus.NOT_STARTED
    # 99 at most: a parent shows 100% only when every child is done.
    return min(progress, 99), TaskStatus.IN_PROGRESS


def _recompute(parent_pk: int, *, by, now: datetime) -> None:
    """Derive one parent's figures from its children, under the parent's lock."""
    parent = Task.objects.select_for_update().get(pk=parent_pk)
    children = list(Task.objects.filter(parent_id=parent_pk).order_by())
    if not children:
        return  # its last child was removed: it is a leaf again, with its own figures
    progress, status = rolled_up(children, today=timezone.localdate(now))
    reported = [child.last_reported_on for child in children if child.last_reported_on]
    parent.progress = progress
    parent.last_reported_on = max(reported) if reported else None
    if status != parent.status:
        # A parent follows its children whatever its own table says: its state is
        # derived, recorded for the history only.
        TaskEvent.objects.create(
            task=parent,
            action=Action.ROLLED_UP,
            from_status=parent.status,
            to_status=status,
            progress=progress,
            by=by,
            at=now,
        )
        parent.status = status
    parent.completed_on = (
        max(child.completed_on for child in children if child.completed_on)
        if status == TaskStatus.COMPLETED
        else None
    )
    parent.save(
        update_fields=["status", "completed_on", "progress", "last_reported_on", "updated_at"]
    )


def rollup(task: Task, *, by=None, now: datetime | None = None) -> None:
    """Recompute every ancestor of ``task`` from its children, nearest first, under lock
    (the order every writer takes, so two reports on sibling leaves do not deadlock)."""
    now = now or timezone.now()
    with transaction.atomic():
        for pk in task.get_ancestors(ascending=True).values_list("pk", flat=True):
            _recompute(pk, by=by, now=now)


def rollup_subtree(task: Task, *, by=None, now: datetime | None = None) -> None:
    """Recompute every parent inside ``task``'s subtree, deepest first, then its ancestors."""
    now = now or timezone.now()
    with transaction.atomic():
        inner = task.get_descendants(include_self=True).exclude(rght=F("lft") + 1)
        for pk in inner.order_by("-level", "lft").values_list("pk", flat=True):
            _recompute(pk, by=by, now=now)
        rollup(task, by=by, now=now)


def _settle(task: Task, *, by, now: datetime, note: str = "") -> bool:
    """Give a locked open leaf the status its figures and deadline call for."""
    if not task.is_leaf_node():
        return False
    to = settled_status(task, today=timezone.localdate(now))
    if to == task.status:
        return False
    _transition(task, to=to, by=by, now=now, note=note)
    return True
