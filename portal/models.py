"""Shared domain pieces: users, the organization tree and the working-day calendar."""

from datetime import date

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from mptt.models import MPTTModel, TreeForeignKey

from portal import workdays
from portal.credit_code import credit_code_error


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class Organization(MPTTModel, TimeStampedModel):
    """An issuing body: 机关 at the root, 内设处室 and 直属单位 below it."""

    class Kind(models.TextChoices):
        AGENCY = "agency", "机关"
        DEPARTMENT = "department", "内设处室"
        UNIT = "unit", "直属单位"

    name = models.CharField("全称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=50, blank=True, default="")
    kind = models.CharField("类型", max_length=20, choices=Kind, default=Kind.AGENCY)
    credit_code = models.CharField(
        "统一社会信用代码",
        max_length=18,
        blank=True,
        default="",
        help_text="18位，按 GB 32100 校验。内设处室可留空，索引号使用上级机关的代码。",
    )
    parent = TreeForeignKey(
        "self",
        verbose_name="上级机构",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="portal_organization_unique_credit_code",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        """The name catalogues show as 发布机构 (the seed page shows 市民政局)."""
        return self.short_name or self.name

    def clean(self):
        self.credit_code = self.credit_code.strip().upper()
        if self.credit_code and (error := credit_code_error(self.credit_code)):
            raise ValidationError({"credit_code": error})

    def index_code(self) -> str:
        """The credit code that prefixes this organization's 索引号: its own, or the
        nearest ancestor's for a department without one."""
        if self.credit_code:
            return self.credit_code
        for ancestor in self.get_ancestors(ascending=True):
            if ancestor.credit_code:
                return ancestor.credit_code
        return ""


class User(AbstractUser):
    """A staff account; citizens do not log in. ``organization`` scopes what a clerk sees."""

    organization = models.ForeignKey(
        Organization,
        verbose_name="所属机构",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = "用户"
        verbose_name_plural = "用户"


class CalendarDayQuerySet(models.QuerySet):
    def exceptions(self, start: date, end: date) -> tuple[set[date], set[date]]:
        """Holidays and adjusted working days (调休) between two dates, inclusive."""
        holidays, workdays_ = set(), set()
        for day, kind in self.filter(day__range=(start, end)).values_list("day", "kind"):
            (holidays if kind == CalendarDay.Kind.HOLIDAY else workdays_).add(day)
        return holidays, workdays_

    def add_working_days(self, start: date, days: int) -> date:
        """``start`` plus ``days`` working days, by the calendar stored in the database.

        Reads one generous window (two calendar days per working day, plus the longest
        Chinese holiday run) in a single query.
        """
        holidays, workdays_ = self.exceptions(
            start, date.fromordinal(start.toordinal() + days * 2 + 30)
        )
        return workdays.add_working_days(start, days, holidays=holidays, workdays=workdays_)

    def is_working_day(self, day: date) -> bool:
        holidays, workdays_ = self.exceptions(day, day)
        return workdays.is_working_day(day, holidays=holidays, workdays=workdays_)


class CalendarDay(models.Model):
    """A day that breaks the Monday-to-Friday rule: a public holiday or a swapped working day.

    Seeded from the ``chinesecalendar`` package; the State Council announces each year's
    arrangement in late autumn, so administrators add the coming year here when the
    package does not know it yet.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "法定节假日（休息）"
        WORKDAY = "workday", "调休上班日"

    day = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind)
    name = models.CharField("名称", max_length=50, blank=True, default="")

    objects = CalendarDayQuerySet.as_manager()

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "工作日历"
        ordering = ["-day"]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()

    def clean(self):
        weekend = self.day and self.day.weekday() >= 5
        if self.kind == self.Kind.WORKDAY and self.day and not weekend:
            raise ValidationError({"kind": "调休上班日应为周六或周日；工作日本来就上班。"})
