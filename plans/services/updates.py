"""Progress reports (进展报送): the clerk submits, the supervisor accepts or returns."""

from __future__ import annotations

import posixpath
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from plans.models import (
    EvidenceFile,
    Plan,
    Task,
    TaskEvent,
    Update,
)
from plans.querysets import SUPERVISE
from plans.services.moves import (
    Action,
    TaskStatus,
    _locked,
    _require,
    _transition,
    _update_transition,
    rollup,
    settled_status,
)
from portal.plaintext import clean_block, strip_to_line
from portal.scopes import ALL, acting_scope
from portal.uploads import DOCUMENT_KINDS, inspect_upload

REPORT = "plans.report_task"
EVIDENCE_MAX_FILES = 10
NEEDS_EVIDENCE = (
    "进度为 100% 的进展须附佐证材料（已公开的文件、政策解读或上传的文件）才能采纳为“已完成”。"
)

# --- progress reports ---------------------------------------------------------------------


def may_report(user, task: Task) -> bool:
    """The lead department's clerk (its organization or a unit above it, as every scope
    in ``portal.scopes``), or a supervisor entering a report received on paper."""
    if user.is_superuser or user.has_perm(SUPERVISE):
        return True
    if not user.has_perm(REPORT) or task.lead_department_id is None:
        return False
    scope = acting_scope(user)
    return scope is ALL or task.lead_department_id in (scope or set())


def update_check(
    *,
    task: Task,
    by,
    reported_on: date,
    text: str,
    progress: int,
    documents=(),
    interpretations=(),
    files=(),
    today: date | None = None,
) -> str:
    """Every rule a report must meet before it is stored; the admin's form runs it too.
    Returns the cleaned text; raises PermissionDenied or ValidationError in Chinese."""
    from disclosure.models import Document
    from interpretation.models import Interpretation

    if not may_report(by, task):
        raise PermissionDenied("您只能报送本机构牵头任务的进展。")
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if task.plan.status != Plan.Status.ACTIVE:
        errors.setdefault("task", []).append("方案不在执行中，不能报送进展。")
    if not task.is_leaf_node():
        errors.setdefault("task", []).append(f"“{task}”有下级任务，请报送下级任务的进展。")
    if task.status in (TaskStatus.COMPLETED, TaskStatus.SUSPENDED):
        errors.setdefault("task", []).append(f"任务{task.get_status_display()}，无需报送。")
    if reported_on is None or reported_on > today:
        errors.setdefault("reported_on", []).append("报送日期不能晚于今天。")
    elif reported_on.year < task.plan.year:
        errors.setdefault("reported_on", []).append(
            f"报送日期不能早于方案年度（{task.plan.year}年）。"
        )
    elif task.last_reported_on and reported_on < task.last_reported_on:
        # Dated reports decide 按期完成 and the 考核: none may slip in before the last one.
        errors.setdefault("reported_on", []).append(
            f"报送日期不能早于该任务最近采纳的进展（{task.last_reported_on:%Y-%m-%d}）。"
        )
    text = clean_block(text).strip()
    if not text:
        errors.setdefault("text", []).append("请填写进展情况。")
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        errors.setdefault("progress", []).append("完成进度应为 0 到 100 之间的整数。")
    document_ids = {d.pk for d in documents}
    public = set(Document.objects.published().filter(pk__in=document_ids).values_list("pk", flat=True))  # fmt: skip
    for document in documents:
        if document.pk not in public:
            errors.setdefault("documents", []).append(f"“{document.title}”尚未公开，不能作为佐证。")
    interpretation_ids = {i.pk for i in interpretations}
    public = set(
        Interpretation.objects.published()
        .filter(pk__in=interpretation_ids)
        .values_list("pk", flat=True)
    )
    for interpretation in interpretations:
        if interpretation.pk not in public:
            errors.setdefault("interpretations", []).append(
                f"“{interpretation.title}”尚未公开，不能作为佐证。"
            )
    errors.update(_file_errors(files))
    if progress == 100 and not (documents or interpretations or files):
        errors.setdefault("progress", []).append(NEEDS_EVIDENCE)
    if errors:
        raise ValidationError(errors)
    return text


def _file_errors(files) -> dict[str, list[str]]:
    if len(files) > EVIDENCE_MAX_FILES:
        return {"files": [f"佐证文件最多 {EVIDENCE_MAX_FILES} 个，您选择了 {len(files)} 个。"]}
    problems = []
    for upload in files:
        if getattr(upload, "checked_kind", None) is not None:
            continue  # the form inspected it already: parsing a file costs seconds, once
        try:
            upload.checked_kind = inspect_upload(
                upload, kinds=DOCUMENT_KINDS, max_bytes=settings.ATTACHMENT_MAX_BYTES
            )
        except ValidationError as error:
            problems.append(f"{upload.name}：{'；'.join(error.messages)}")
    return {"files": problems} if problems else {}


def update_submit(
    *,
    task: Task,
    by,
    reported_on: date,
    text: str,
    progress: int,
    documents=(),
    interpretations=(),
    files=(),
    now: datetime | None = None,
) -> Update:
    """Store a progress report for a supervisor's decision (待审核). It counts only once
    accepted. One report per task waits at a time: the supervisor decides it first."""
    now = now or timezone.now()
    documents, interpretations, files = list(documents), list(interpretations), list(files)
    with transaction.atomic():
        task = _locked(task)
        text = update_check(
            task=task, by=by, reported_on=reported_on, text=text, progress=progress,
            documents=documents, interpretations=interpretations, files=files,
            today=timezone.localdate(now),
        )  # fmt: skip
        waiting = task.updates.pending().first()
        if waiting is not None:
            raise ValidationError(
                f"该任务 {waiting.reported_on:%Y-%m-%d} 报送的进展尚待审核，请审核后再报送。",
                code="pending",
            )
        update = Update(task=task, reported_on=reported_on, text=text, progress=progress,
                        submitted_by=by)  # fmt: skip
        update.full_clean()
        update.save()
        update.documents.set(documents)
        update.interpretations.set(interpretations)
        for upload in files:
            EvidenceFile.objects.create(
                update=update, file=upload, size=upload.size,
                name=strip_to_line(posixpath.basename(upload.name))[:200] or "佐证文件",
            )  # fmt: skip
        TaskEvent.objects.create(
            task=task, update=update, action=Action.SUBMITTED, to_status=update.status,
            progress=progress, by=by, at=now,
        )  # fmt: skip
    return update


def _has_live_evidence(update: Update) -> bool:
    """Evidence that still stands: a file, or a document or interpretation still public
    (one withdrawn since the report proves nothing any more)."""
    return (
        update.files.exists()
        or update.documents.published().exists()
        or update.interpretations.published().exists()
    )


def _decided(update: Update, *, by, verb: str) -> tuple[Task, Update]:
    """Lock the report's task, then the report (the order submitting takes)."""
    _require(by, SUPERVISE, f"只有督查员可以{verb}进展。")
    task = _locked(Task(pk=update.task_id))
    update = Update.objects.select_for_update().get(pk=update.pk)
    if update.status != Update.Status.SUBMITTED:
        raise ValidationError(
            f"该进展报送已被他人处理（{update.get_status_display()}），不能再{verb}。",
            code="decided",
        )
    return task, update


def update_accept(*, update: Update, by, note: str = "", now: datetime | None = None) -> Update:
    """Accept a report: it becomes the task's figure when it is the latest by date; 100%
    with evidence completes the task (completed on the report's date), else the task is
    推进中 (or stays 已逾期 past its deadline). Then the parents roll up. Supervisors only,
    and not their own report (four eyes, as a document's review)."""
    now = now or timezone.now()
    note = clean_block(note).strip()
    with transaction.atomic():
        task, update = _decided(update, by=by, verb="采纳")
        if update.submitted_by_id == by.pk:
            raise PermissionDenied("不能采纳自己报送的进展，请由其他督查员审核。")
        if task.plan.status != Plan.Status.ACTIVE:
            raise ValidationError("方案不在执行中，不能采纳进展。", code="inactive")
        if task.status in (TaskStatus.COMPLETED, TaskStatus.SUSPENDED):
            raise ValidationError(
                f"任务{task.get_status_display()}，不能采纳进展；请退回该报送。", code="closed"
            )
        if update.progress == 100 and not _has_live_evidence(update):
            raise ValidationError(NEEDS_EVIDENCE, code="evidence")
        _update_transition(update, to=Update.Status.ACCEPTED, by=by, now=now, note=note)
        latest = task.last_reported_on is None or update.reported_on >= task.last_reported_on
        if latest:
            # A report accepted late that is older than the one in force is history only.
            task.progress = update.progress
            task.last_reported_on = update.reported_on
        if latest and update.progress == 100:
            _transition(task, to=TaskStatus.COMPLETED, by=by, now=now, update=update,
                        note=note, completed_on=update.reported_on)  # fmt: skip
        else:
            to = settled_status(task, today=timezone.localdate(now))
            _transition(task, to=to, by=by, now=now, update=update, note=note)
        rollup(task, by=by, now=now)
    return update


def update_return(*, update: Update, by, note: str, now: datetime | None = None) -> Update:
    """Return a report with the reason; it never counts. The department reports anew."""
    now = now or timezone.now()
    note = clean_block(note).strip()
    if not note:
        raise ValidationError({"note": "退回须说明理由。"}, code="note")
    with transaction.atomic():
        _task, update = _decided(update, by=by, verb="退回")
        _update_transition(update, to=Update.Status.RETURNED, by=by, now=now, note=note)
    return update
