"""考核: one score per department from its leaf tasks (the seed plan's "健全和完善督查考评
机制"), with the weights a supervisor sets on the plan. Pure: built from the report
rows of ``plans.reports``.

    得分 = (按期完成权重 × 按期完成率 + 完成进度权重 × 平均进度 + 按频次报送权重 × 按频次报送率)
           ÷ (三项权重之和) × 100

Each rate is a fraction between 0 and 1, over the department's leaf tasks that are not
suspended (已暂缓 tasks are left out of every rate):

- 按期完成率 (on-time rate): of the tasks that are due for judging — completion date on
  or before ``today``, or already completed (whenever due, and 持续推进 tasks once
  completed) — the share completed on time (``reports.is_completed_on_time``). A
  department with nothing yet due has missed nothing: 1.
- 平均进度 (progress): the tasks' weighted progress (``reports.weighted_progress``) ÷ 100.
- 按频次报送率 (reporting rate): of the tasks with a reporting frequency, the share that
  are completed or have an accepted report within their frequency by ``today``
  (``reports.is_reporting_current``). A department with no such task: 1.

A department whose every task is suspended has no score.
"""

from __future__ import annotations

from dataclasses import dataclass

from plans.models import Task
from plans.reports import (
    DepartmentRow,
    PlanReport,
    TaskRow,
    is_completed_on_time,
    weighted_progress,
)

TaskStatus = Task.Status


@dataclass(frozen=True)
class Weights:
    on_time: int
    progress: int
    reporting: int

    @classmethod
    def of(cls, plan) -> Weights:
        return cls(plan.on_time_weight, plan.progress_weight, plan.reporting_weight)

    @property
    def total(self) -> int:
        return self.on_time + self.progress + self.reporting

    def formula(self) -> str:
        """The formula with this plan's numbers, as the page shows it."""
        return (
            f"得分 = ({self.on_time} × 按期完成率 + {self.progress} × 平均进度"
            f" + {self.reporting} × 按频次报送率) ÷ {self.total} × 100"
        )


@dataclass(frozen=True)
class Rate:
    numerator: float
    denominator: float

    @property
    def value(self) -> float:
        """Nothing to judge counts as nothing missed (module doc)."""
        return self.numerator / self.denominator if self.denominator else 1.0


@dataclass(frozen=True)
class Assessment:
    name: str
    department_id: int | None
    tasks: int  # leaf tasks not suspended
    on_time: Rate
    progress: float  # 0..1
    reporting: Rate
    score: float | None

    def working(self, weights: Weights) -> str:
        """The formula filled in with this department's rates, to check the score by hand."""
        if self.score is None:
            return "全部任务已暂缓，不计分"
        return (
            f"({weights.on_time} × {self.on_time.value:.3f} + {weights.progress} × "
            f"{self.progress:.3f} + {weights.reporting} × {self.reporting.value:.3f})"
            f" ÷ {weights.total} × 100 = {self.score:.1f}"
        )


def _is_judged(row: TaskRow, today) -> bool:
    task = row.task
    # Due today is not yet missed (as ``reports.is_past_due``).
    return task.status == TaskStatus.COMPLETED or (task.due_on is not None and task.due_on < today)


def _is_reporting_current(row: TaskRow, today) -> bool:
    if row.task.status == TaskStatus.COMPLETED:
        return True
    return row.next_report_due is None or today <= row.next_report_due


def assess_department(department: DepartmentRow, *, weights: Weights, today) -> Assessment:
    rows = [row for row in department.rows if row.task.status != TaskStatus.SUSPENDED]
    judged = [row for row in rows if _is_judged(row, today)]
    on_time = Rate(sum(1 for row in judged if is_completed_on_time(row.task)), len(judged))
    with_frequency = [row for row in rows if row.next_report_due is not None]
    reporting = Rate(
        sum(1 for row in with_frequency if _is_reporting_current(row, today)),
        len(with_frequency),
    )
    progress = weighted_progress(row.task for row in rows)
    score = None
    if rows and weights.total:
        progress = progress / 100
        score = (
            (
                weights.on_time * on_time.value
                + weights.progress * progress
                + weights.reporting * reporting.value
            )
            / weights.total
            * 100
        )
    return Assessment(
        name=department.name,
        department_id=department.department_id,
        tasks=len(rows),
        on_time=on_time,
        progress=progress or 0.0,
        reporting=reporting,
        score=score,
    )


def assess(report: PlanReport, *, weights: Weights) -> list[Assessment]:
    """Every department's assessment, highest score first (ties in the report's order)."""
    results = [
        assess_department(department, weights=weights, today=report.today)
        for department in report.departments
    ]
    return sorted(results, key=lambda result: (result.score is None, -(result.score or 0)))
