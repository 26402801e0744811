"""Every write to plans, tasks and progress reports with a rule. A move locks its row,
checks it against ``models.TASK_MOVES``/``UPDATE_MOVES``, appends a ``TaskEvent`` and
saves, in one transaction; a leaf's change is rolled up to its ancestors in the same
transaction so a parent never shows a stale figure."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from plans.models import TASK_MOVES, UPDATE_MOVES, Task, TaskEvent, Update

Action = TaskEvent.Action
TaskStatus = Task.Status


def _transition(
    task: Task,
    *,
    to: str,
    by,
    now: datetime,
    note: str = "",
    update: Update | None = None,
    action: str = Action.STATUS,
) -> None:
    """Move a locked task to ``to`` and record the event. The caller holds the lock."""
    if to == task.status:
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
    task.completed_on = timezone.localdate(now) if to == TaskStatus.COMPLETED else None
    task.save(
        update_fields=["status", "completed_on", "progress", "last_reported_on", "updated_at"]
    )


def _update_transition(update: Update, *, to: str, by, now: datetime, note: str = "") -> None:
    """Accept or return a locked report and record the event on its task."""
    if to not in UPDATE_MOVES[update.status]:
        raise ValidationError(
            f"该进展报送已{update.get_status_display()}，不能再审核。", code="invalid_transition"
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


def rolled_up(children: list[Task], *, today: date) -> tuple[int, str]:
    """A parent's progress (weighted mean of its children's) and status: 已完成 when every
    child is, 已逾期 when any is, 已暂缓 when all are, 未启动 when none has begun,
    else 推进中. Suspended children leave the weighted mean."""
    active = [child for child in children if child.status != TaskStatus.SUSPENDED]
    if not children:
        return 0, TaskStatus.NOT_STARTED
    if not active:
        return 0, TaskStatus.SUSPENDED
    total = sum(child.weight for child in active)
    progress = round(sum(child.progress * child.weight for child in active) / total)
    statuses = {child.status for child in active}
    if statuses == {TaskStatus.COMPLETED}:
        return 100, TaskStatus.COMPLETED
    if TaskStatus.OVERDUE in statuses:
        return progress, TaskStatus.OVERDUE
    if statuses == {TaskStatus.NOT_STARTED} and progress == 0:
        return 0, TaskStatus.NOT_STARTED
    return min(progress, 99), TaskStatus.IN_PROGRESS


def rollup(task: Task, *, by=None, now: datetime | None = None) -> None:
    """Recompute every ancestor of ``task`` from its children, nearest first, under lock."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        for ancestor in task.get_ancestors(ascending=True):
            ancestor = Task.objects.select_for_update().get(pk=ancestor.pk)
            children = list(Task.objects.filter(parent=ancestor))
            progress, status = rolled_up(children, today=today)
            reported = [child.last_reported_on for child in children if child.last_reported_on]
            ancestor.progress = progress
            ancestor.last_reported_on = max(reported) if reported else None
            if status != ancestor.status:
                # A parent follows its children whatever its own table says: its state is
                # derived, recorded for the history only.
                TaskEvent.objects.create(
                    task=ancestor,
                    action=Action.ROLLED_UP,
                    from_status=ancestor.status,
                    to_status=status,
                    progress=progress,
                    by=by,
                    at=now,
                )
                ancestor.status = status
            ancestor.completed_on = (
                max(child.completed_on for child in children if child.completed_on)
                if status == TaskStatus.COMPLETED
                else None
            )
            ancestor.save(
                update_fields=[
                    "status",
                    "completed_on",
                    "progress",
                    "last_reported_on",
                    "updated_at",
                ]
            )
