"""Shared domain pieces: users, the organization tree, the working-day calendar and the
review-then-publish workflow's history and revisions."""

import time
import uuid
from datetime import date, timedelta

from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from mptt.models import MPTTModel, TreeForeignKey

from portal import workdays
from portal.credit_code import credit_code_error
from portal.fields import BlockField, LineField


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

    name = LineField("全称", max_length=100, unique=True)
    short_name = LineField("简称", max_length=50, blank=True, default="")
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
        permissions = [("oversee_all", "可查看所有机构的信息（督查）")]


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

    def window(self, start: date, end: date) -> workdays.Calendar:
        """The calendar from ``start`` to ``end`` and ``CALENDAR_MARGIN`` either side (pauses
        and extensions run long), with the years whose holidays are stored: two queries,
        read once per request or command, never per row."""
        holidays, workdays_ = self.exceptions(start - CALENDAR_MARGIN, end + CALENDAR_MARGIN)
        years = self.filter(kind=CalendarDay.Kind.HOLIDAY).dates("day", "year")
        return workdays.Calendar(holidays, workdays_, frozenset(day.year for day in years))

    def around(self, today: date) -> workdays.Calendar:
        """``window(today, today)`` for lists that show days left on every row: read at
        most once a minute per process (``forget_around`` after a change)."""
        day, calendar, until = _around
        if day != today or time.monotonic() > until:
            calendar = self.window(today, today)
            _around[:] = [today, calendar, time.monotonic() + 60]
        return calendar

    def forget_around(self) -> None:
        _around[:] = [None, None, 0.0]


CALENDAR_MARGIN = timedelta(days=400)
_around: list = [None, None, 0.0]  # [day, calendar, monotonic time until which it is trusted]


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
    name = LineField("名称", max_length=50, blank=True, default="")

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


# ---------------------------------------------------------------------------------------
# The review-then-publish workflow, shared by every publishable model (documents now;
# interpretations and mailbox replies later). Rules: portal/workflow.py.


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已审核"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


class PublishableQuerySet(models.QuerySet):
    def published(self, now=None):
        """What the public sees: live items whose publish time has come (scheduled
        publishing needs no cron: visibility is computed from state and time)."""
        from django.utils import timezone

        return self.filter(is_live=True, published_at__lte=now or timezone.now())

    def in_organizations(self, organization_ids):
        return self.filter(owner_organization_id__in=organization_ids)


class Publishable(models.Model):
    """Abstract base of everything that reaches the public only through review: documents,
    the guide and column pages, and next policy interpretations, public mailbox replies
    and annual reports. ``portal.workflow`` is the one engine that moves them.

    The row holds the public version while the item is live; an edit of a live item waits
    in a pending ``Revision`` until it is reviewed and published again. A subclass
    declares:

    - ``revision_fields``: what an edit changes and a reviewer reviews;
    - ``rich_text_fields``: which of those hold HTML (the reviewer's diff shows their
      text, line by line);
    - the hooks below, whose defaults do nothing;
    - ``class Meta(Publishable.Meta)``, which gives it the submit/review/publish
      permissions, the rule that a live item has a publish date, and the indexes of the
      review queue and of public listings, named after its app and model.

    Letters, applications and plan tasks are not publications: a citizen's letter is
    never reviewed for publication, it is handled. Each such app keeps its own transition
    table and append-only event table, on the pattern of ``WorkflowEvent`` and its
    trigger (``portal/migrations/0003``); a case may own a publication (a letter owns
    its public reply).
    """

    revision_fields: tuple[str, ...] = ()
    rich_text_fields: tuple[str, ...] = ()

    status = models.CharField(
        "状态", max_length=20, choices=Status, default=Status.DRAFT, editable=False
    )
    is_live = models.BooleanField("公开中", default=False, editable=False)
    published_at = models.DateTimeField(
        "发布日期", null=True, blank=True, help_text="首次发布时间；定时发布时为将来的时间。"
    )
    last_published_at = models.DateTimeField("最近发布时间", null=True, editable=False)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, editable=False)
    owner_organization = models.ForeignKey(
        Organization,
        verbose_name="承办机构",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        help_text="起草和审核的机构：谁公开、谁审查。",
    )
    created_by = models.ForeignKey(
        "portal.User",
        verbose_name="创建人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        abstract = True
        default_permissions = ("add", "change", "delete", "view", "submit", "review", "publish")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(is_live=True) | models.Q(published_at__isnull=False),
                name="%(app_label)s_%(class)s_live_has_date",
            )
        ]
        # Unnamed: Django names them after each concrete model's table (within the 30
        # characters an index name may have, which "<app>_<model>_queue" would exceed).
        indexes = [
            models.Index(fields=["status", "owner_organization"]),  # the review queue
            models.Index(fields=["is_live", "-published_at"]),  # public listings, newest first
        ]

    # --- hooks, run by portal.workflow under the item's row lock -------------------------

    def check_publishable(self) -> None:
        """Raise ValidationError (in Chinese) when the item may not be approved or
        published now: the consent of a letter's writer, an interpretation a policy
        document waits for. Runs before approve and publish."""

    def on_publish(self) -> None:
        """The new public version is in place (its fields set; saved already only when a
        migration creates the item): bring along what follows it (attachments). The
        workflow then indexes the item for search."""

    def on_withdraw(self) -> None:
        """The item has left the public (not yet saved): take along what followed it."""

    # --- state ---------------------------------------------------------------------------

    @property
    def is_scheduled(self) -> bool:
        from django.utils import timezone

        return self.is_live and self.published_at is not None and self.published_at > timezone.now()

    @property
    def is_public(self) -> bool:
        return self.is_live and not self.is_scheduled


class AppendOnly(models.Model):
    """A history row: written once, never edited, never deleted (the database trigger of
    each table enforces the same below the ORM)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(f"{self._meta.verbose_name}不可修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(f"{self._meta.verbose_name}不可删除。")


class WorkflowEvent(AppendOnly):
    """One step in an item's history. Append-only: never edited, never deleted."""

    class Action(models.TextChoices):
        CREATED = "created", "创建"
        EDITED = "edited", "修改"
        SUBMITTED = "submitted", "提交审核"
        APPROVED = "approved", "审核通过"
        RETURNED = "returned", "退回"
        PUBLISHED = "published", "发布"
        WITHDRAWN = "withdrawn", "撤回"
        MIGRATED = "migrated", "迁移发布"

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    action = models.CharField("操作", max_length=20, choices=Action)
    from_status = models.CharField("原状态", max_length=20, choices=Status, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=Status)
    by = models.ForeignKey(
        "portal.User", verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间")
    note = BlockField("审查意见/理由", blank=True, default="")

    class Meta:
        verbose_name = "流程记录"
        verbose_name_plural = "流程记录"
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"], name="portal_event_object_at")
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.by} {self.get_action_display()}"


class Revision(models.Model):
    """A version of an item's content: the pending edit of a live item, or a snapshot
    of what was published."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    data = models.JSONField("内容", encoder=DjangoJSONEncoder)
    is_pending = models.BooleanField("待发布", default=False)
    created_by = models.ForeignKey(
        "portal.User", verbose_name="修改人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("修改时间", auto_now=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "版本"
        verbose_name_plural = "版本"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=models.Q(is_pending=True),
                name="portal_revision_one_pending_per_item",
            )
        ]

    def __str__(self):
        return f"{self.content_type} #{self.object_id} {self.created_at:%Y-%m-%d %H:%M}"


class PublicationState(models.Model):
    """One row: a counter that every change to what the public sees increments (page
    caches key on it), and when the next scheduled item goes live (the counter moves
    then too, without anyone writing)."""

    version = models.PositiveBigIntegerField(default=1)
    # Moves only with edits of reference data (topics, genres, organizations), so that a
    # publication does not make every process read them again.
    vocabulary_version = models.PositiveBigIntegerField(default=1)
    next_change_at = models.DateTimeField(null=True, blank=True)
    # Different for every database (a restored or new one too), so cached pages of one
    # database are never taken for another's when a cache is shared or outlives a restore.
    epoch = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = "公开内容版本"
        verbose_name_plural = "公开内容版本"

    def __str__(self):
        return f"v{self.version}"


# ---------------------------------------------------------------------------------------
# The search index, shared by every kind of public content (portal.search).


class SearchEntry(models.Model):
    """One public item in the search index, of any registered kind (a document, an
    interpretation, a public reply…). Written in the same transaction as the publication,
    edit or withdrawal it reflects (``portal.search.registry``).

    The table stays narrow (no body text: snippets are cut from the page's own items), so
    scans over it are fast. ``category_id``, ``genre_id`` and ``validity`` are the
    catalogue's facets (主题分类, 体裁分类, 有效性); a kind without them leaves them empty. They
    are plain columns, not foreign keys: the vocabularies belong to the apps."""

    kind = models.CharField("类型", max_length=30)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField("标题", max_length=300)
    url = models.CharField(max_length=200)
    published_at = models.DateTimeField("发布日期")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    category_id = models.BigIntegerField(null=True)
    genre_id = models.BigIntegerField(null=True)
    validity = models.CharField(max_length=10, blank=True, default="")
    # Found by exact 文号 only: a plain index (Meta), without the LIKE index db_index adds.
    document_number = models.CharField(max_length=100, blank=True, default="")
    # Characters in the title: of two titles the query covers, the shorter one is covered
    # more completely and ranks higher (``portal.search.query``).
    title_length = models.PositiveSmallIntegerField(default=0)
    vector = SearchVectorField()
    # Title and 文号 alone: "title matches first" (lexemes stored without positions match
    # any weight, so weights in ``vector`` cannot tell title matches apart).
    title_vector = SearchVectorField(null=True)

    class Meta:
        verbose_name = "检索索引"
        verbose_name_plural = "检索索引"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="portal_searchentry_unique_item"
            )
        ]
        indexes = [
            GinIndex(fields=["vector"], name="portal_search_vector"),
            # Title length first (btree_gin): the ranked head is read length by length,
            # each length's title matches straight from this index; a condition on the
            # title alone uses it as a plain text index.
            GinIndex(fields=["title_length", "title_vector"], name="portal_search_length_title"),
            models.Index(fields=["-published_at", "-id"], name="portal_search_newest"),
            models.Index(
                fields=["title_length", "-published_at", "-id"], name="portal_search_coverage"
            ),
            models.Index(fields=["kind", "-published_at", "-id"], name="portal_search_kind_newest"),
            models.Index(fields=["document_number"], name="portal_search_document_number"),
        ]

    def __str__(self):
        return self.title


class SearchTerm(models.Model):
    """How often a query found something, per day, for the "popular searches" list.

    Only queries that look like subject words are kept (Chinese or Latin letters, at most
    20 characters, no long digit runs), so names with ID or phone numbers never are."""

    day = models.DateField("日期")
    query = models.CharField("检索词", max_length=20)
    count = models.PositiveIntegerField("次数", default=0)

    class Meta:
        verbose_name = "检索词统计"
        verbose_name_plural = "检索词统计"
        constraints = [
            models.UniqueConstraint(
                fields=["day", "query"], name="portal_searchterm_unique_day_query"
            )
        ]

    def __str__(self):
        return f"{self.day} {self.query} ×{self.count}"


class FacetCount(models.Model):
    """How many index entries of a kind carry a facet value (a topic, a genre, an issuing
    organization, a year, a validity; ``all`` counts the entries), kept in step with the
    index in the same transaction (``portal.search.counts``): the unfiltered catalogue
    and the home page read their counts here instead of grouping 100,000 rows."""

    kind = models.CharField(max_length=30)
    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=100)
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = "分面计数"
        verbose_name_plural = "分面计数"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "facet", "value"], name="portal_facetcount_unique_value"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.facet}={self.value}: {self.count}"
