"""The 市长信箱/局长信箱: mailboxes, citizens' letters (a case with its own transition
table and append-only event table) and their public replies (a publication).

A letter is handled, never published: it moves 待受理 → 已受理 or 不予受理 → 已转办 →
已答复 → 已办结 (→ 重办 once after an unsatisfied rating), every move an event. Its
public version, ``Reply``, holds only the reviewed redacted text and goes through the
portal's review-then-publish workflow with the writer's consent checked under the lock.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from mailbox.querysets import LetterQuerySet, ReplyQuerySet
from portal.encryption import EncryptedCharField, EncryptedEmailField
from portal.fields import BlockField, LineField
from portal.models import AppendOnly, Organization, Publishable, TimeStampedModel
from portal.redaction import EMAIL, NAME, PHONE, leftovers
from portal.uploads import random_name

RESERVED_SLUGS = {"track", "stats", "feeds"}


class Kind(models.TextChoices):
    CONSULT = "consult", "咨询"
    COMPLAINT = "complaint", "投诉"
    SUGGESTION = "suggestion", "建议"
    HELP = "help", "求助"
    OTHER = "other", "其他"


class Mailbox(TimeStampedModel):
    name = LineField("名称", max_length=50, unique=True)
    slug = models.SlugField("网址名", max_length=40, unique=True, help_text="用于网址，如 mayor。")
    organization = models.ForeignKey(
        Organization,
        verbose_name="受理机构",
        on_delete=models.PROTECT,
        related_name="mailboxes",
        help_text="收信、受理和转办的机构；其人员可看到本信箱全部来信。",
    )
    description = BlockField("写信须知", blank=True, default="", help_text="显示在写信表单上方。")
    is_open = models.BooleanField("开放写信", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    administrators = models.ManyToManyField(
        "portal.User",
        verbose_name="信箱管理员",
        blank=True,
        related_name="administered_mailboxes",
        help_text="可查看本信箱全部来信及来信人信息。",
    )
    consult_days = models.PositiveSmallIntegerField("咨询办理时限（工作日）", default=3)
    complaint_days = models.PositiveSmallIntegerField("投诉办理时限（工作日）", default=10)
    suggestion_days = models.PositiveSmallIntegerField("建议办理时限（工作日）", default=10)
    help_days = models.PositiveSmallIntegerField("求助办理时限（工作日）", default=10)
    other_days = models.PositiveSmallIntegerField("其他办理时限（工作日）", default=10)

    class Meta:
        verbose_name = "信箱"
        verbose_name_plural = "信箱"
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("mailbox:reply-list", kwargs={"slug": self.slug})

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": f"“{self.slug}”是保留网址，请换一个。"})
        for kind in Kind.values:
            if getattr(self, f"{kind}_days") < 1:
                raise ValidationError({f"{kind}_days": "办理时限至少为 1 个工作日。"})

    def working_days_for(self, kind: str) -> int:
        return getattr(self, f"{kind}_days")


class Letter(TimeStampedModel):
    class Status(models.TextChoices):
        RECEIVED = "received", "待受理"
        ACCEPTED = "accepted", "已受理"
        REJECTED = "rejected", "不予受理"
        ASSIGNED = "assigned", "已转办"
        REPLIED = "replied", "已答复（待审核）"
        CLOSED = "closed", "已办结"
        REOPENED = "reopened", "重办"

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        BASICALLY = "basically", "基本满意"
        UNSATISFIED = "unsatisfied", "不满意"

    mailbox = models.ForeignKey(
        Mailbox, verbose_name="信箱", on_delete=models.PROTECT, related_name="letters"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind, default=Kind.CONSULT)
    subject = LineField("标题", max_length=100)
    body = BlockField("内容")
    name = LineField("姓名", max_length=50)
    # Encrypted at rest (portal.encryption); the name stays plain for the salutation and
    # the clerks' search. Nothing looks a letter up by phone or e-mail.
    phone = EncryptedCharField("联系电话", max_length=30)
    email = EncryptedEmailField("电子邮箱", blank=True, default="")
    consents_to_publish = models.BooleanField("同意公开", default=False)
    tracking_code = models.CharField("查询码", max_length=16, unique=True, editable=False)
    password_hash = models.CharField(max_length=128, editable=False)
    submission_token = models.CharField(max_length=64, unique=True, editable=False)

    status = models.CharField(
        "状态", max_length=20, choices=Status, default=Status.RECEIVED, editable=False
    )
    received_at = models.DateTimeField("收信时间", editable=False)
    accepted_on = models.DateField("受理日期", null=True, blank=True, editable=False)
    # Derived from the acceptance date, the mailbox's limit, the extensions and pauses in
    # the history, and the working-day calendar (services.recompute_due); never typed.
    due_on = models.DateField("办理期限", null=True, blank=True, editable=False)
    provisional_year = models.PositiveSmallIntegerField(
        "暂定（缺少该年节假日数据）", null=True, blank=True, editable=False
    )
    paused_since = models.DateField("暂停计时自", null=True, blank=True, editable=False)
    department = models.ForeignKey(
        Organization,
        verbose_name="承办部门",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_letters",
        editable=False,
    )
    reply_text = BlockField("答复内容", blank=True, default="", editable=False)
    replied_by = models.ForeignKey(
        "portal.User",
        verbose_name="答复人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    replied_at = models.DateTimeField("答复时间", null=True, blank=True, editable=False)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True, editable=False)
    reply_working_days = models.PositiveIntegerField(
        "答复用时（工作日）", null=True, blank=True, editable=False
    )
    closed_on_time = models.BooleanField("按期办结", null=True, blank=True, editable=False)
    satisfaction = models.CharField(
        "满意度", max_length=20, choices=Satisfaction, blank=True, default="", editable=False
    )
    satisfaction_comment = BlockField("评价意见", blank=True, default="", editable=False)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True, editable=False)
    reopen_count = models.PositiveSmallIntegerField("重办次数", default=0, editable=False)

    objects = LetterQuerySet.as_manager()

    class Meta:
        verbose_name = "来信"
        verbose_name_plural = "来信"
        ordering = ["-received_at", "-pk"]
        default_permissions = ("view", "change")
        permissions = [
            ("handle_letter", "可办理来信（受理、转办、答复、延期）"),
            ("review_letter", "可审核来信答复"),
        ]
        indexes = [
            models.Index(fields=["mailbox", "received_at"], name="mailbox_letter_box_received"),
            models.Index(fields=["status", "due_on"], name="mailbox_letter_status_due"),
            models.Index(fields=["department", "status"], name="mailbox_letter_dept_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(closed_at__isnull=False),
                name="mailbox_letter_closed_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(reopen_count__lte=1), name="mailbox_letter_reopened_once"
            ),
        ]

    def __str__(self):
        # Not the subject: it may name the writer, and this string reaches pages and logs
        # (admin titles, checkbox labels, LogEntry) that do not mask it.
        return f"来信 {self.tracking_code}"

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.CLOSED, self.Status.REJECTED)

    @property
    def known_personal_data(self) -> list[tuple[str, str]]:
        """The writer's own details, masked wherever they appear in the letter."""
        return [(NAME, self.name), (PHONE, self.phone), (EMAIL, self.email)]


class LetterEvent(AppendOnly):
    """One step in a letter's handling. Append-only: a database trigger refuses UPDATE
    and DELETE (migration 0002), as for ``portal.models.WorkflowEvent``."""

    class Action(models.TextChoices):
        RECEIVED = "received", "收信"
        ACCEPTED = "accepted", "受理"
        REJECTED = "rejected", "不予受理"
        ASSIGNED = "assigned", "转办"
        REPLIED = "replied", "答复"
        APPROVED = "approved", "答复审核通过（办结）"
        RETURNED = "returned", "答复退回"
        EXTENDED = "extended", "延期"
        PAUSED = "paused", "暂停计时"
        RESUMED = "resumed", "恢复计时"
        RATED = "rated", "评价"
        REOPENED = "reopened", "重办"
        RECALCULATED = "recalculated", "期限重算"

    letter = models.ForeignKey(
        Letter, verbose_name="来信", on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField("操作", max_length=20, choices=Action)
    from_status = models.CharField(
        "原状态", max_length=20, choices=Letter.Status, blank=True, default=""
    )
    to_status = models.CharField("新状态", max_length=20, choices=Letter.Status)
    by = models.ForeignKey(
        "portal.User",
        verbose_name="操作人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="空：来信人本人（写信、评价）。",
    )
    at = models.DateTimeField("时间")
    on = models.DateField("日期", help_text="事件所在的日期（计时用）。")
    note = BlockField("说明/理由", blank=True, default="")
    department = models.ForeignKey(
        Organization,
        verbose_name="转办部门",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    new_due_on = models.DateField("新期限", null=True, blank=True)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["letter", "at"], name="mailbox_event_letter_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"


def attachment_path(attachment, filename: str) -> str:
    return random_name("mailbox", filename)


class LetterAttachment(models.Model):
    """A file the citizen sent with a letter: never public, served to handlers only."""

    letter = models.ForeignKey(
        Letter, verbose_name="来信", on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("文件", upload_to=attachment_path, max_length=200)
    content_type = models.CharField("MIME 类型", max_length=120, default="")
    original_name = models.CharField("原文件名", max_length=200, default="")
    size = models.PositiveBigIntegerField("大小（字节）", default=0)

    class Meta:
        verbose_name = "来信附件"
        verbose_name_plural = "来信附件"
        ordering = ["pk"]

    def __str__(self):
        return self.original_name


class Reply(Publishable, TimeStampedModel):
    """The public version of a closed letter whose writer consented: the letter as the
    reviewer redacted it, and the answer. Public pages and the search index read this
    model only, never ``Letter``."""

    revision_fields = ("title", "letter_text", "answer")

    letter = models.OneToOneField(
        Letter,
        verbose_name="来信",
        on_delete=models.PROTECT,
        related_name="public_reply",
        editable=False,
    )
    mailbox = models.ForeignKey(
        Mailbox,
        verbose_name="信箱",
        on_delete=models.PROTECT,
        related_name="replies",
        editable=False,
    )
    kind = models.CharField("类型", max_length=20, choices=Kind, editable=False)
    title = LineField("公开标题", max_length=300, help_text="已去除个人信息的来信标题。")
    letter_text = BlockField("公开来信内容", help_text="已去除姓名、电话、证件号码、邮箱和住址。")
    answer = BlockField("答复内容")
    accepted_on = models.DateField("受理日期", editable=False)
    replied_on = models.DateField("答复日期", editable=False)
    department = models.ForeignKey(
        Organization,
        verbose_name="答复部门",
        on_delete=models.PROTECT,
        related_name="mailbox_replies",
        editable=False,
    )

    objects = ReplyQuerySet.as_manager()

    class Meta(Publishable.Meta):
        verbose_name = "信件答复（公开）"
        verbose_name_plural = "信件答复（公开）"
        ordering = ["-published_at", "-pk"]
        indexes = [
            *Publishable.Meta.indexes,
            models.Index(
                fields=["mailbox", "is_live", "-published_at"], name="mailbox_reply_box_live"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("mailbox:reply-detail", kwargs={"slug": self.mailbox.slug, "pk": self.pk})

    def check_publishable(self):
        letter = Letter.objects.get(pk=self.letter_id)
        if not letter.consents_to_publish:
            raise ValidationError("来信人未同意公开，不能公开此信件及答复。", code="no_consent")
        if letter.status != Letter.Status.CLOSED:
            raise ValidationError("来信尚未办结，不能公开答复。", code="not_closed")
        known = letter.known_personal_data
        found = leftovers(f"{self.title}\n{self.letter_text}", known=known)
        found += leftovers(self.answer, known=known, detect=False)  # may name an office's phone
        found = sorted(set(found))
        if found:
            raise ValidationError(
                f"公开文本中仍有疑似个人信息（{'、'.join(found)}），请修改后再提交。",
                code="personal_data",
            )


# The moves of a letter, by action: (statuses it may start from, status it leads to).
# ``None`` as the target keeps the status (an extension, a pause, a rating); ``BACK``
# returns to where the letter was before its reply was drafted.
BACK = "back"
_S = Letter.Status
_A = LetterEvent.Action
_RUNNING = frozenset({_S.ACCEPTED, _S.ASSIGNED, _S.REPLIED, _S.REOPENED})
MOVES = {
    _A.ACCEPTED: (frozenset({_S.RECEIVED}), _S.ACCEPTED),
    # 不予受理 only before acceptance; the reason goes to the citizen.
    _A.REJECTED: (frozenset({_S.RECEIVED}), _S.REJECTED),
    # Re-assignable while not answered; a 重办 letter may go to another department.
    _A.ASSIGNED: (frozenset({_S.ACCEPTED, _S.ASSIGNED, _S.REOPENED}), _S.ASSIGNED),
    # The receiving office may answer itself without assigning.
    _A.REPLIED: (frozenset({_S.ACCEPTED, _S.ASSIGNED, _S.REOPENED}), _S.REPLIED),
    _A.APPROVED: (frozenset({_S.REPLIED}), _S.CLOSED),
    _A.RETURNED: (frozenset({_S.REPLIED}), BACK),
    _A.EXTENDED: (_RUNNING, None),
    _A.PAUSED: (_RUNNING, None),
    _A.RESUMED: (_RUNNING, None),
    _A.RECALCULATED: (_RUNNING, None),
    _A.RATED: (frozenset({_S.CLOSED}), None),
    # 不满意 reopens a closed letter once (issue 10: 重办).
    _A.REOPENED: (frozenset({_S.CLOSED}), _S.REOPENED),
}
