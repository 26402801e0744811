"""Disclosure on request (依申请公开, 条例 Arts 27–45): the application (a case, handled and
never published), its append-only timeline, and its answer letter (告知书), which passes
the portal's four-eyes review before it is issued to the applicant.

The application's status, receipt date, due date and paused time are derived from its
events by ``disclosure.applications.clock`` and stored for listing only; services write
them, nobody types them.
"""

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from disclosure.applications.querysets import ApplicationQuerySet
from disclosure.applications.vocabularies import (
    LETTER_TYPES,
    OUTCOME_CHOICES,
    ApplicantType,
    Channel,
    DeliveryForm,
    DeliveryMethod,
    IdType,
    LetterType,
    Outcome,
)
from portal.encryption import (
    BlindIndexField,
    EncryptedCharField,
    EncryptedEmailField,
    EncryptedLineField,
)
from portal.fields import BlockField, LineField
from portal.models import AppendOnly, Organization, Publishable, TimeStampedModel
from portal.redaction import ADDRESS, EMAIL, ID_NUMBER, NAME, PHONE


class Application(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", "待确认"
        PROCESSING = "processing", "办理中"
        SUPPLEMENT = "supplement", "待补正"
        CONSULTING = "consulting", "征求意见中"
        AWAITING_FEE = "awaiting_fee", "待缴费"
        ANSWERED = "answered", "已答复（待送达）"
        CLOSED = "closed", "已办结"

    organization = models.ForeignKey(
        Organization,
        verbose_name="受理机关",
        on_delete=models.PROTECT,
        related_name="applications",
    )
    number = models.CharField("申请编号", max_length=20, unique=True, editable=False)
    channel = models.CharField("申请方式", max_length=20, choices=Channel)
    applicant_type = models.CharField("申请人类型", max_length=20, choices=ApplicantType)
    # Personal data: shown to the handling clerks and (masked) on the applicant's own
    # tracking page only; never in __str__, logs or public pages. The document number,
    # phone, address and e-mail are encrypted at rest (portal.encryption); the applicant's
    # applications are found by the document number's blind index (109号 monthly count).
    name = LineField("姓名或名称", max_length=100)
    id_type = models.CharField("身份证明类型", max_length=20, choices=IdType)
    id_number = EncryptedCharField("证件号码", max_length=40)
    id_number_index = BlindIndexField("证件号码索引", source="id_number", purpose="id_number")
    contact_person = LineField("联系人", max_length=50, blank=True, default="")
    phone = EncryptedCharField("联系电话", max_length=30)
    address = EncryptedLineField("通信地址", max_length=200)
    email = EncryptedEmailField("电子邮箱", blank=True, default="")
    postcode = models.CharField("邮政编码", max_length=6, blank=True, default="")
    info_title = LineField("所需信息名称", max_length=200)
    info_number = LineField("文号", max_length=100, blank=True, default="")
    description = BlockField("所需信息描述", blank=True, default="")
    delivery_form = models.CharField("提供形式", max_length=20, choices=DeliveryForm)
    delivery_method = models.CharField("获取方式", max_length=20, choices=DeliveryMethod)
    fee_waiver_requested = models.BooleanField("申请减免费用", default=False)
    tracking_code = models.CharField("查询码", max_length=16, unique=True, editable=False)
    password_hash = models.CharField(max_length=128, editable=False)
    submission_token = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )

    status = models.CharField(
        "状态", max_length=20, choices=Status, default=Status.PENDING, editable=False
    )
    submitted_at = models.DateTimeField("提交时间", editable=False)
    # The rest is derived by clock.compute from the events and the calendar.
    received_on = models.DateField("收到日期", null=True, blank=True, editable=False)
    due_on = models.DateField("答复期限", null=True, blank=True, editable=False)
    paused_days = models.PositiveSmallIntegerField("暂停计时（工作日）", default=0, editable=False)
    extended_days = models.PositiveSmallIntegerField("延长（工作日）", default=0, editable=False)
    is_overdue = models.BooleanField("已超期", default=False, editable=False)
    # 数量、频次明显超过合理范围 (109号): set when the applicant's count this month passes the
    # configured threshold; the clerk decides what follows.
    is_high_volume = models.BooleanField("申请数量明显超过合理范围", default=False, editable=False)
    outcome = models.CharField(
        "办理结果", max_length=4, choices=OUTCOME_CHOICES, blank=True, default="", editable=False
    )
    decided_on = models.DateField("答复日期", null=True, blank=True, editable=False)
    closed_on = models.DateField("办结日期", null=True, blank=True, editable=False)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = "政府信息公开申请"
        verbose_name_plural = "政府信息公开申请"
        ordering = ["-submitted_at", "-pk"]
        default_permissions = ("view", "change")
        permissions = [
            (
                "handle_application",
                "可办理政府信息公开申请（登记、补正、征求意见、收费、答复、送达）",
            ),
            ("approve_extension", "可批准延长答复期限（机构负责人）"),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="applications_app_org_status"),
            models.Index(fields=["status", "due_on"], name="applications_app_status_due"),
            models.Index(fields=["id_type", "id_number_index"], name="applications_app_applicant"),
            models.Index(fields=["received_on"], name="applications_app_received"),
            models.Index(fields=["decided_on"], name="applications_app_decided"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(closed_on__isnull=False),
                name="applications_application_closed_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome="") | models.Q(decided_on__isnull=False),
                name="applications_application_outcome_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(extended_days__lte=20),
                name="applications_application_extension_max_20",
            ),
        ]

    def __str__(self):
        return f"申请 {self.number}"

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.ANSWERED, self.Status.CLOSED)

    @property
    def is_organization(self) -> bool:
        return self.applicant_type != ApplicantType.NATURAL

    @property
    def known_personal_data(self) -> list[tuple[str, str]]:
        """The applicant's own details, masked wherever they appear in texts."""
        found = [
            (NAME, self.name),
            (ID_NUMBER, self.id_number),
            (PHONE, self.phone),
            (ADDRESS, self.address),
            (EMAIL, self.email),
        ]
        if self.contact_person:
            found.append((NAME, self.contact_person))
        return found

    def timeline(self):
        """The events in the order they happened."""
        return self.events.select_related("by").order_by("at", "pk")


class ApplicationEvent(AppendOnly):
    """One step of an application (条例 Art 45: 登记、审核、办理、答复、归档 with an audit
    trail). Append-only: a database trigger refuses UPDATE and DELETE (migration 0002).
    ``on`` is the day the step counts from for the clock (a registered letter signed for
    yesterday, a supplement that arrived by post), ``at`` when it was recorded."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "提交"
        REGISTERED = "registered", "登记"
        CONFIRMED = "confirmed", "确认受理"
        SUPPLEMENT_REQUESTED = "supplement_requested", "告知补正"
        SUPPLEMENT_RECEIVED = "supplement_received", "收到补正"
        SUPPLEMENT_EXPIRED = "supplement_expired", "逾期未补正"
        CONSULTATION_SENT = "consultation_sent", "征求意见"
        CONSULTATION_ANSWERED = "consultation_answered", "收到意见"
        EXTENSION_REQUESTED = "extension_requested", "申请延期"
        EXTENDED = "extended", "延期"
        EXTENSION_REFUSED = "extension_refused", "不批准延期"
        FEE_NOTICE = "fee_notice", "收费通知"
        FEE_PAID = "fee_paid", "缴费"
        FEE_EXPIRED = "fee_expired", "逾期未缴费"
        ANSWER_DRAFTED = "answer_drafted", "起草答复"
        ANSWER_APPROVED = "answer_approved", "答复审核通过"
        ANSWERED = "answered", "答复"
        SERVED = "served", "送达"
        ROLLED_OVER = "rolled_over", "结转下年"
        RECALCULATED = "recalculated", "期限重算"
        WITHDRAWN = "withdrawn", "申请人撤回"

    application = models.ForeignKey(
        Application, verbose_name="申请", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("事项", max_length=30, choices=Kind)
    at = models.DateTimeField("记录时间")
    on = models.DateField("日期", help_text="计时所依据的日期。")
    by = models.ForeignKey(
        "portal.User",
        verbose_name="操作人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="空：申请人本人。",
    )
    note = BlockField("说明", blank=True, default="")
    data = models.JSONField("数据", default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["application", "at"], name="applications_event_app_at"),
            models.Index(fields=["kind", "on"], name="applications_event_kind_on"),
        ]

    def __str__(self):
        return f"{self.on:%Y-%m-%d} {self.get_kind_display()}"


class ApplicationNumberSequence(models.Model):
    """The last 申请编号 sequence used per year (drawn race-safe by services)."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    last_value = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = "申请编号序列"
        verbose_name_plural = "申请编号序列"

    def __str__(self):
        return f"{self.year}: {self.last_value}"


class AnswerLetter(Publishable, TimeStampedModel):
    """The 告知书 answering an application (条例 Art 36). It passes the same four-eyes
    review as documents (its drafter cannot approve it); "publish" means issued to the
    applicant — it is never listed publicly and never registered with search."""

    revision_fields = (
        "letter_type", "outcome", "body", "reasons", "legal_basis",
        "other_agency_name", "other_agency_contact", "published_where",
    )  # fmt: skip
    rich_text_fields: tuple[str, ...] = ()

    application = models.OneToOneField(
        Application,
        verbose_name="申请",
        on_delete=models.PROTECT,
        related_name="answer_letter",
        editable=False,
    )
    letter_type = models.CharField("告知书类型", max_length=20, choices=LetterType)
    outcome = models.CharField("办理结果", max_length=4, choices=OUTCOME_CHOICES)
    body = BlockField("告知书正文")
    reasons = BlockField("理由", blank=True, default="")
    legal_basis = BlockField("法律依据", blank=True, default="")
    other_agency_name = LineField("负责公开的机关", max_length=100, blank=True, default="")
    other_agency_contact = LineField("该机关联系方式", max_length=200, blank=True, default="")
    published_where = LineField(
        "已主动公开的位置", max_length=300, blank=True, default="", help_text="网址或公开载体。"
    )

    class Meta(Publishable.Meta):
        verbose_name = "答复告知书"
        verbose_name_plural = "答复告知书"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"告知书 {self.application.number}" if self.application_id else "告知书"

    def clean(self):
        errors = answer_errors(
            outcome=self.outcome,
            letter_type=self.letter_type,
            reasons=self.reasons,
            legal_basis=self.legal_basis,
            other_agency_name=self.other_agency_name,
            other_agency_contact=self.other_agency_contact,
            published_where=self.published_where,
        )
        if errors:
            raise ValidationError(errors)

    def on_withdraw(self):
        # The applicant holds the decision and needs it for review or litigation (条例
        # Art 51: 60 days / 6 months); the register chain keeps its trail (Art 45). An
        # issued letter stays issued: a correction is a new answer, never a withdrawal.
        raise ValidationError(
            "已发出的告知书不能撤回；如需更正，请另行作出答复。", code="issued_letter"
        )

    def check_publishable(self):
        self.clean()
        if not self.body.strip():
            raise ValidationError("告知书正文为空，不能审核或发出。", code="empty_body")
        status = Application.objects.values_list("status", flat=True).get(pk=self.application_id)
        if status in (Application.Status.ANSWERED, Application.Status.CLOSED):
            raise ValidationError("该申请已答复或已办结，不能再发出告知书。", code="closed")
        if status != Application.Status.PROCESSING:
            raise ValidationError(
                "申请当前处于补正、征求意见或待缴费阶段，不能发出告知书。", code="paused"
            )


# 其他处理-1/-2 state facts of the timeline (a supplement or a fee notice whose deadline
# passed): only ``application_supplement_expired`` and ``application_fee_expired`` record them.
CLOSED_BY_EXPIRY = {
    "6.1": "“其他处理-1”只用于申请人逾期未补正：请在补正期限届满后通过“逾期未补正”办结（条例第三十条），不能作为答复起草。",
    "6.2": "“其他处理-2”只用于申请人逾期未缴费：请在缴费期限届满后通过“逾期未缴费”办结（国办函〔2020〕109号），不能作为答复起草。",
}


def answer_errors(
    *,
    outcome: str,
    letter_type: str,
    reasons: str = "",
    legal_basis: str = "",
    other_agency_name: str = "",
    other_agency_contact: str = "",
    published_where: str = "",
) -> dict[str, str]:
    """What an answer lacks, by field (条例 Art 36): 不予公开 states its reasons and legal
    basis, and so does 部分公开 for the part withheld (Art 37); 非本机关负责公开 names the
    right agency and how to reach it, 已主动公开 says where. 其他处理-1 and -2 are no
    answer the clerk drafts: they close the application when the applicant let the
    supplement or fee deadline pass (Art 30; 109号), through their own steps."""
    errors = {}
    if outcome not in Outcome.values:
        return {"outcome": "请选择办理结果。"}
    if outcome in CLOSED_BY_EXPIRY:
        return {"outcome": CLOSED_BY_EXPIRY[outcome]}
    if letter_type not in LETTER_TYPES[outcome]:
        allowed = "、".join(LetterType(t).label for t in LETTER_TYPES[outcome])
        errors["letter_type"] = f"该办理结果的告知书类型只能是：{allowed}。"
    if outcome == "2":
        if not reasons.strip():
            errors["reasons"] = "部分公开须说明不予公开部分的理由（条例第三十六条、第三十七条）。"
        if not legal_basis.strip():
            errors["legal_basis"] = (
                "部分公开须写明不予公开部分的法律依据（条例第三十六条、第三十七条）。"
            )
    if outcome.startswith("3."):
        if not reasons.strip():
            errors["reasons"] = "不予公开须说明理由（条例第三十六条）。"
        if not legal_basis.strip():
            errors["legal_basis"] = "不予公开须写明法律依据（条例第三十六条）。"
    if letter_type == LetterType.NOT_OURS:
        if not other_agency_name.strip():
            errors["other_agency_name"] = "非本机关负责公开，须写明负责公开的机关名称。"
        if not other_agency_contact.strip():
            errors["other_agency_contact"] = "非本机关负责公开，须写明该机关的联系方式。"
    if letter_type == LetterType.ALREADY_PUBLIC and not published_where.strip():
        errors["published_where"] = "已主动公开的，须告知获取该信息的方式和途径。"
    return errors


# The steps of an application, by event kind: the statuses it may be taken from. The
# status it leads to is derived by ``clock.compute`` from the whole timeline.
_S = Application.Status
_K = ApplicationEvent.Kind
OPEN_STATUSES = frozenset(
    {_S.PENDING, _S.PROCESSING, _S.SUPPLEMENT, _S.CONSULTING, _S.AWAITING_FEE}
)
ALLOWED = {
    _K.CONFIRMED: frozenset({_S.PENDING}),
    # 补正 only while the application is being handled, within 7 working days (条例 Art 30).
    _K.SUPPLEMENT_REQUESTED: frozenset({_S.PROCESSING}),
    _K.SUPPLEMENT_RECEIVED: frozenset({_S.SUPPLEMENT}),
    _K.SUPPLEMENT_EXPIRED: frozenset({_S.SUPPLEMENT}),
    # Several third parties may be consulted at once (条例 Art 32).
    _K.CONSULTATION_SENT: frozenset({_S.PROCESSING, _S.CONSULTING}),
    # A reply may also come after its 15 working days, when the clock already runs again
    # (条例 Arts 32, 34); the service checks that a consultation is still unanswered.
    _K.CONSULTATION_ANSWERED: frozenset({_S.CONSULTING, _S.PROCESSING, _S.AWAITING_FEE}),
    # 延期 (条例 Art 33) takes two people: the handling clerk asks, the office head (or a
    # delegate holding approve_extension) decides. The request does not touch the clock;
    # the decision may come while the clock is paused for a fee.
    _K.EXTENSION_REQUESTED: frozenset({_S.PROCESSING, _S.CONSULTING}),
    _K.EXTENDED: frozenset({_S.PROCESSING, _S.CONSULTING, _S.AWAITING_FEE}),
    _K.EXTENSION_REFUSED: OPEN_STATUSES - {_S.PENDING},
    _K.FEE_NOTICE: frozenset({_S.PROCESSING}),
    _K.FEE_PAID: frozenset({_S.AWAITING_FEE}),
    _K.FEE_EXPIRED: frozenset({_S.AWAITING_FEE}),
    # The letter may be drafted while a consultation is out; it is issued only when the
    # clock runs again (AnswerLetter.check_publishable).
    _K.ANSWER_DRAFTED: frozenset({_S.PROCESSING, _S.CONSULTING}),
    _K.ANSWER_APPROVED: frozenset({_S.PROCESSING}),
    _K.ANSWERED: frozenset({_S.PROCESSING}),
    # 6.1/6.2 and withdrawal close without service; an issued letter is served (235号).
    _K.SERVED: frozenset({_S.ANSWERED}),
    _K.WITHDRAWN: OPEN_STATUSES,
    _K.RECALCULATED: OPEN_STATUSES,
    # A fact about 31 December, recorded even if the application closed since.
    _K.ROLLED_OVER: frozenset(_S),
}
