"""Annual disclosure work plans (年度政务公开工作方案) decomposed into department tasks.

The seed plan asks to "细化分解工作任务，逐项落实到责任处室" and to "健全和完善督查考评机制":
a plan is a tree of tasks (sections → tasks → sub-tasks), each with a lead department,
a deadline or a reporting frequency, and dated progress reports (进展报送) that a
supervisor accepts or returns.

Tasks and progress reports are cases, not publications: they keep their own transition
tables (``TASK_MOVES``, ``UPDATE_MOVES``) and one append-only event table (``TaskEvent``,
with the database trigger of migration 0002, on the pattern of ``portal``'s
``WorkflowEvent``). Every move goes through ``services._transition``.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from mptt.models import MPTTModel, TreeForeignKey

from plans.querysets import PlanQuerySet, TaskQuerySet, UpdateQuerySet
from portal.fields import BlockField, LineField
from portal.models import AppendOnly, Organization, TimeStampedModel
from portal.uploads import random_name

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class Frequency(models.TextChoices):
    """How often a 持续推进 task reports; a dated task may report on a cadence too."""

    NONE = "", "不定期"
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"
    HALF_YEARLY = "half_yearly", "每半年"


# Calendar months between two reports at each frequency (reports.py turns them into days).
FREQUENCY_MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.HALF_YEARLY: 6}


class Plan(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFTING = "drafting", "编制中"
        ACTIVE = "active", "执行中"
        ARCHIVED = "archived", "已归档"

    year = models.PositiveSmallIntegerField(
        "年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = LineField("方案名称", max_length=200)
    organization = models.ForeignKey(
        Organization, verbose_name="制定机关", on_delete=models.PROTECT, related_name="plans"
    )
    source_document = models.ForeignKey(
        "disclosure.Document",
        verbose_name="来源文件",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="目录中印发本方案的文件（例如“关于印发2019年政务公开工作方案的通知”）。",
    )
    status = models.CharField("状态", max_length=20, choices=Status, default=Status.DRAFTING)
    # Reporting is owed from the day a plan starts (plans.reports.plan_start).
    activated_on = models.DateField("启动执行日期", null=True, blank=True, editable=False)
    archived_on = models.DateField("归档日期", null=True, blank=True, editable=False)
    is_public = models.BooleanField(
        "公开任务清单", default=False, help_text="勾选后，公众可查看本方案各项任务的完成状态。"
    )
    summary = BlockField(
        "年度总结（年报第六部分）",
        blank=True,
        default="",
        help_text="根据已采纳的进展生成，可修改。",
    )
    # 考核 weights (plans/assessment.py shows the formula with these numbers on the page).
    on_time_weight = models.PositiveSmallIntegerField("按期完成权重", default=60)
    progress_weight = models.PositiveSmallIntegerField("完成进度权重", default=30)
    reporting_weight = models.PositiveSmallIntegerField("按频次报送权重", default=10)
    created_by = models.ForeignKey(
        "portal.User",
        verbose_name="创建人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = "年度工作方案"
        verbose_name_plural = "年度工作方案"
        ordering = ["-year", "organization_id", "pk"]
        permissions = [("supervise_plan", "可督查工作方案（采纳、退回进展，查看报表）")]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "title"], name="plans_plan_unique_title"
            ),
            models.CheckConstraint(
                condition=models.Q(on_time_weight__gt=0)
                | models.Q(progress_weight__gt=0)
                | models.Q(reporting_weight__gt=0),
                name="plans_plan_some_weight",
            ),
        ]

    def __str__(self):
        return f"{self.year}年 {self.title}"

    def get_absolute_url(self):
        return reverse("plans:plan-report", kwargs={"pk": self.pk})


class Task(MPTTModel, TimeStampedModel):
    """A section, task or sub-task of a plan. A parent's progress and status are rolled up
    from its children (services.rollup); a leaf's come from its accepted reports."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "未启动"
        IN_PROGRESS = "in_progress", "推进中"
        COMPLETED = "completed", "已完成"
        OVERDUE = "overdue", "已逾期"
        SUSPENDED = "suspended", "已暂缓"

    plan = models.ForeignKey(
        Plan, verbose_name="工作方案", on_delete=models.CASCADE, related_name="tasks"
    )
    parent = TreeForeignKey(
        "self",
        verbose_name="上级任务",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    position = models.PositiveIntegerField("排序", default=0)
    number = LineField("编号", max_length=20, blank=True, default="", help_text="如“二、（一）”。")
    title = LineField("任务", max_length=200)
    requirement = BlockField("工作要求", blank=True, default="")
    lead_department = models.ForeignKey(
        Organization,
        verbose_name="牵头部门",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_plan_tasks",
    )
    cooperating_departments = models.ManyToManyField(
        Organization, verbose_name="配合部门", blank=True, related_name="cooperating_plan_tasks"
    )
    due_on = models.DateField("完成时限", null=True, blank=True, help_text="空：持续推进。")
    frequency = models.CharField(
        "报送频次", max_length=20, choices=Frequency, blank=True, default=Frequency.NONE
    )
    weight = models.PositiveSmallIntegerField("权重", default=1, validators=[MinValueValidator(1)])

    status = models.CharField(
        "状态", max_length=20, choices=Status, default=Status.NOT_STARTED, editable=False
    )
    progress = models.PositiveSmallIntegerField(
        "进度（%）", default=0, validators=PERCENT, editable=False
    )
    completed_on = models.DateField("完成日期", null=True, blank=True, editable=False)
    last_reported_on = models.DateField("最近报送", null=True, blank=True, editable=False)

    objects = TaskQuerySet.as_manager()  # a TreeManager (mptt) with our reads

    class MPTTMeta:
        order_insertion_by = ["position"]

    class Meta:
        verbose_name = "任务"
        verbose_name_plural = "任务"
        permissions = [("report_task", "可报送本机构任务进展")]
        indexes = [
            models.Index(fields=["plan", "lead_department"], name="plans_task_plan_dept"),
            models.Index(fields=["plan", "status", "due_on"], name="plans_task_plan_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="completed") | models.Q(completed_on__isnull=False),
                name="plans_task_completed_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="plans_task_progress_percent"
            ),
        ]

    def __str__(self):
        return f"{self.number}{self.title}" if self.number else self.title

    def get_absolute_url(self):
        return reverse("plans:task-detail", kwargs={"plan_pk": self.plan_id, "pk": self.pk})

    @property
    def is_continuous(self) -> bool:
        """持续推进: no completion date, reported on a frequency instead."""
        return self.due_on is None

    def clean(self):
        if self.parent_id and self.parent.plan_id != self.plan_id:
            raise ValidationError({"parent": "上级任务必须属于同一工作方案。"})
        if self.due_on and self.plan_id and abs(self.due_on.year - self.plan.year) > 1:
            raise ValidationError({"due_on": "完成时限应在方案年度前后一年之内。"})


class Update(TimeStampedModel):
    """A progress report (进展报送) by the lead department's clerk. Only accepted reports
    count towards a task's progress; a task is 已完成 only with accepted evidence."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待审核"
        ACCEPTED = "accepted", "已采纳"
        RETURNED = "returned", "已退回"

    task = models.ForeignKey(
        Task, verbose_name="任务", on_delete=models.CASCADE, related_name="updates"
    )
    reported_on = models.DateField("报送日期")
    text = BlockField("进展情况")
    progress = models.PositiveSmallIntegerField("完成进度（%）", validators=PERCENT)
    documents = models.ManyToManyField(
        "disclosure.Document", verbose_name="佐证：公开文件", blank=True, related_name="+"
    )
    interpretations = models.ManyToManyField(
        "interpretation.Interpretation", verbose_name="佐证：政策解读", blank=True, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=20, choices=Status, default=Status.SUBMITTED, editable=False
    )
    submitted_by = models.ForeignKey(
        "portal.User",
        verbose_name="报送人",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    decided_by = models.ForeignKey(
        "portal.User",
        verbose_name="审核人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True, editable=False)
    decision_note = BlockField("审核意见", blank=True, default="", editable=False)

    objects = UpdateQuerySet.as_manager()

    class Meta:
        verbose_name = "进展报送"
        verbose_name_plural = "进展报送"
        ordering = ["-reported_on", "-pk"]
        indexes = [
            models.Index(fields=["task", "status", "reported_on"], name="plans_update_task_status")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="submitted") | models.Q(decided_at__isnull=False),
                name="plans_update_decided_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="plans_update_progress_percent"
            ),
            # One report per task waits for a decision at a time (services.update_submit).
            models.UniqueConstraint(
                fields=["task"],
                condition=models.Q(status="submitted"),
                name="plans_update_one_pending_per_task",
            ),
        ]

    def __str__(self):
        return f"{self.reported_on:%Y-%m-%d} {self.task}（{self.progress}%）"


def evidence_path(evidence, filename: str) -> str:
    return random_name("plans", filename)


class EvidenceFile(models.Model):
    """An uploaded file that backs a progress report (a meeting record, a screenshot)."""

    update = models.ForeignKey(
        Update, verbose_name="进展报送", on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField("文件", upload_to=evidence_path)
    name = LineField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "佐证文件"
        verbose_name_plural = "佐证文件"
        ordering = ["pk"]

    def __str__(self):
        return self.name


# Allowed moves, keyed by the state a task or report is in. A task is suspended (暂缓) and
# resumed by a supervisor; 已逾期 is set by the daily deadline run and left when the task
# completes or is rescheduled; completion needs an accepted report with evidence.
TaskStatus = Task.Status
TASK_MOVES = {
    TaskStatus.NOT_STARTED: {
        TaskStatus.IN_PROGRESS,
        TaskStatus.COMPLETED,
        TaskStatus.OVERDUE,
        TaskStatus.SUSPENDED,
    },
    TaskStatus.IN_PROGRESS: {
        TaskStatus.COMPLETED,
        TaskStatus.OVERDUE,
        TaskStatus.SUSPENDED,
        TaskStatus.NOT_STARTED,
    },
    TaskStatus.OVERDUE: {
        TaskStatus.IN_PROGRESS,
        TaskStatus.COMPLETED,
        TaskStatus.SUSPENDED,
        TaskStatus.NOT_STARTED,
    },
    # A completed task reopens when its completing report turns out wrong (a supervisor
    # reopens it, with a reason, as an event).
    TaskStatus.COMPLETED: {TaskStatus.IN_PROGRESS},
    TaskStatus.SUSPENDED: {TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.OVERDUE},
}
UpdateStatus = Update.Status
UPDATE_MOVES = {
    UpdateStatus.SUBMITTED: {UpdateStatus.ACCEPTED, UpdateStatus.RETURNED},
    UpdateStatus.ACCEPTED: set(),
    UpdateStatus.RETURNED: set(),  # the department submits a new report instead
}


class TaskEvent(AppendOnly):
    """One step in a task's life or in one of its reports. Append-only: a database trigger
    refuses UPDATE and DELETE (migration 0002), as for ``portal.models.WorkflowEvent``."""

    class Action(models.TextChoices):
        CHANGED = "changed", "修改"
        STATUS = "status", "状态变更"
        SUBMITTED = "submitted", "报送进展"
        ACCEPTED = "accepted", "采纳进展"
        RETURNED = "returned", "退回进展"
        ROLLED_UP = "rolled_up", "汇总下级"
        IMPORTED = "imported", "批量导入"

    task = models.ForeignKey(
        Task, verbose_name="任务", on_delete=models.PROTECT, related_name="events"
    )
    update = models.ForeignKey(
        Update,
        verbose_name="进展报送",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    action = models.CharField("操作", max_length=20, choices=Action)
    from_status = models.CharField("原状态", max_length=20, blank=True, default="")
    to_status = models.CharField("新状态", max_length=20, blank=True, default="")
    progress = models.PositiveSmallIntegerField("进度（%）", null=True, blank=True)
    by = models.ForeignKey(
        "portal.User",
        verbose_name="操作人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="空：系统（期限检查、批量导入的系统账号）。",
    )
    at = models.DateTimeField("时间")
    note = BlockField("说明", blank=True, default="")

    class Meta:
        verbose_name = "任务记录"
        verbose_name_plural = "任务记录"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["task", "at"], name="plans_event_task_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"
