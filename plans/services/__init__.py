"""Every write to plans, tasks and progress reports with a rule. A move locks its row,
checks it against ``models.TASK_MOVES``/``UPDATE_MOVES``, appends a ``TaskEvent`` and
saves, in one transaction; a leaf's change is rolled up to its ancestors in the same
transaction so a parent never shows a stale figure.

Who does what: supervisors (督查员, ``plans.supervise_plan``) start and archive plans,
accept or return reports, suspend and resume tasks; the lead department's clerk
(信息员, ``plans.report_task``, of the department or a unit above it) reports; whoever
holds ``plans.add_task``/``change_task`` drafts and edits the tree. Status and progress are
never typed in: a leaf's come from its accepted reports, a parent's from its children.

- ``moves``: the one task transition, the report decision, the roll-up;
- ``tasks``: plans and task trees, suspension, the daily deadline run;
- ``updates``: progress reports.
"""

from plans.services.moves import (
    _transition,
    _update_transition,
    open_status,
    rolled_up,
    rollup,
    rollup_subtree,
    settled_status,
)
from plans.services.tasks import (
    CHANGEABLE,
    TRACKED,
    log_plan_change,
    plan_activate,
    plan_archive,
    plan_create,
    task_change,
    task_create,
    task_resume,
    task_suspend,
    tasks_mark_overdue,
)
from plans.services.updates import (
    EVIDENCE_MAX_FILES,
    NEEDS_EVIDENCE,
    may_report,
    update_accept,
    update_check,
    update_return,
    update_submit,
)

__all__ = [
    "CHANGEABLE", "EVIDENCE_MAX_FILES", "NEEDS_EVIDENCE", "TRACKED", "_transition",
    "_update_transition", "log_plan_change", "may_report", "open_status", "plan_activate", "plan_archive",
    "plan_create", "rolled_up", "rollup", "rollup_subtree", "settled_status", "task_change",
    "task_create", "task_resume", "task_suspend", "tasks_mark_overdue", "update_accept",
    "update_check", "update_return", "update_submit",
]  # fmt: skip
