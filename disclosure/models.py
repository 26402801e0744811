"""The information disclosure catalogue (政府信息公开目录)."""

import posixpath
import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from mptt.models import MPTTModel, TreeForeignKey

from disclosure import normative_rules
from disclosure.metadata_rules import date_errors, index_number_error
from disclosure.querysets import DocumentQuerySet
from portal.fields import BlockField, LineField
from portal.followers import publish_followers
from portal.models import (
    Organization,
    Publishable,
    PublishableQuerySet,
    Status,
    TimeStampedModel,
)
from portal.plaintext import clean_block, strip_to_line
from portal.richtext import sanitize_html, to_html
from portal.uploads import (
    DOCUMENT_KINDS,
    extract_text,
    inspect_upload,
    strip_public_metadata,
)

DEFAULT_EMPTY_NOTE = "本栏目暂无公开信息。如需了解相关信息，可依申请公开。"


class TopicCategory(MPTTModel):
    """主题分类: the State Council's 22 topics and their sub-topics."""

    name = LineField("名称", max_length=50)
    parent = TreeForeignKey(
        "self",
        verbose_name="上级分类",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    empty_note = LineField(
        "无信息时的说明",
        max_length=200,
        blank=True,
        default="",
        help_text="该分类下没有已发布信息时向公众显示的说明；留空则显示通用说明。",
    )

    class Meta:
        verbose_name = "主题分类"
        verbose_name_plural = "主题分类"
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                nulls_distinct=False,
                name="disclosure_topiccategory_unique_name_per_parent",
            )
        ]

    def __str__(self):
        return self.name


class Genre(models.Model):
    """体裁分类: the 15 公文种类 of 中办发〔2012〕14号 plus 其他; localities add more."""

    name = LineField("名称", max_length=30, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "体裁分类"
        verbose_name_plural = "体裁分类"
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name


class IndexNumberSequence(models.Model):
    """The last 后段码 sequence used per 前段码 (credit code) and year."""

    code = models.CharField("前段码", max_length=18)
    year = models.PositiveSmallIntegerField("年份")
    last_value = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = "索引号序列"
        verbose_name_plural = "索引号序列"
        constraints = [
            models.UniqueConstraint(
                fields=["code", "year"], name="disclosure_sequence_unique_code_year"
            )
        ]

    def __str__(self):
        return f"{self.code}/{self.year}: {self.last_value}"


class Document(Publishable, TimeStampedModel):
    """A catalogue entry: the metadata table of the seed page plus body and attachments."""

    Status = Status

    class Validity(models.TextChoices):
        VALID = "有效", "有效"
        EXPIRED = "失效", "失效"
        REPEALED = "废止", "废止"
        AMENDED = "已修改", "已修改"

    # What an edit of a live document changes (and a reviewer reviews); 索引号 never changes.
    revision_fields = (
        "title", "document_number", "organization", "category", "genre", "written_on",
        "validity", "superseded_by", "keywords", "summary", "body",
        "is_normative", "registration_number", "registered_on", "effective_on", "expires_on",
        "needs_interpretation",
    )  # fmt: skip
    rich_text_fields = ("body",)

    index_number = LineField(
        "索引号",
        max_length=64,
        unique=True,
        blank=True,
        help_text="留空则按“机构统一社会信用代码/年份-五位序号”自动生成；迁移的历史索引号原样保留。",
    )
    has_legacy_index_number = models.BooleanField(
        "历史索引号",
        default=False,
        help_text="原目录中格式不同的索引号：勾选后原样保留，不按本站格式校验。",
    )
    title = LineField("标题", max_length=300)
    document_number = LineField("发文字号", max_length=100, blank=True, default="")
    organization = models.ForeignKey(
        Organization, verbose_name="发布机构", on_delete=models.PROTECT, related_name="documents"
    )
    category = TreeForeignKey(
        TopicCategory, verbose_name="主题分类", on_delete=models.PROTECT, related_name="documents"
    )
    genre = models.ForeignKey(
        Genre, verbose_name="体裁分类", on_delete=models.PROTECT, related_name="documents"
    )
    written_on = models.DateField("成文日期", null=True, blank=True)
    validity = models.CharField("有效性", max_length=10, choices=Validity, blank=True, default="")
    superseded_by = models.ForeignKey(
        "self",
        verbose_name="替代文件",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supersedes",
        help_text="已修改、废止或失效时，原文页面链接到的新文件（国办发〔2017〕47号）；"
        "规范性文件废止或修改时，选择废止或修改它的文件。",
    )
    # 行政规范性文件 (statutory.md §1): registered, numbered and published uniformly; the
    # rules and the lifecycle are disclosure.normative_rules's.
    is_normative = models.BooleanField("规范性文件", default=False)
    registration_number = LineField(
        "统一编号",
        max_length=50,
        blank=True,
        default="",
        help_text="统一登记编号，按本地格式，如“渝民规〔2024〕3号”；发布前必须填写。",
    )
    registered_on = models.DateField("登记日期", null=True, blank=True)
    effective_on = models.DateField(
        "生效日期", null=True, blank=True, help_text="留空则为发布之日起30日后，发布时填入。"
    )
    expires_on = models.DateField(
        "有效期至",
        null=True,
        blank=True,
        help_text="有效期的最后一天。留空则自生效日期起算：一般5年，标题含“暂行”“试行”的2年，"
        "通告1年；发布时填入。到期后自动显示为失效。",
    )
    gazette_submitted_on = models.DateField("报送公报日期", null=True, blank=True, editable=False)
    gazette_recorded_by = models.ForeignKey(
        "portal.User",
        verbose_name="报送登记人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    needs_interpretation = models.BooleanField(
        "需要解读",
        default=False,
        help_text="新建时未手动更改则按规则设定：规范性文件，以及本机关发布的决定、命令（令）、"
        "意见、通知、通告需要解读。",
    )
    keywords = LineField("主题词", max_length=200, blank=True, default="")
    summary = BlockField("内容概述", blank=True, default="")
    body = models.TextField(
        "正文", blank=True, default="", help_text="可直接输入文字（每行一段），也可粘贴 HTML。"
    )

    objects = DocumentQuerySet.as_manager()

    class Meta(Publishable.Meta):
        verbose_name = "公开文件"
        verbose_name_plural = "公开文件"
        ordering = ["-published_at", "-pk"]
        indexes = [
            *Publishable.Meta.indexes,
            models.Index(fields=["organization", "is_live"], name="disclosure_doc_org_live"),
            models.Index(fields=["category", "is_live"], name="disclosure_doc_cat_live"),
            # Matching imported rows: by 发文字号 or 标题 within an organization.
            models.Index(
                fields=["organization", "document_number"], name="disclosure_doc_org_number"
            ),
            models.Index(fields=["organization", "title"], name="disclosure_doc_org_title"),
            models.Index(
                fields=["is_normative", "is_live", "-published_at"],
                condition=models.Q(is_normative=True),
                name="disclosure_doc_normative",
            ),
        ]
        constraints = [
            *Publishable.Meta.constraints,
            models.UniqueConstraint(
                fields=["registration_number"],
                condition=~models.Q(registration_number=""),
                name="disclosure_document_unique_registration_number",
                violation_error_message="该统一编号已被其他文件使用。",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = to_html(self.body)
        if self.owner_organization_id is None:
            self.owner_organization_id = self.organization_id
        # 索引号 are drawn by ``disclosure.services`` (document_create, document_migrate and
        # the bulk forms), never here; once stored, a number never changes or empties.
        if not self.index_number:
            raise ValidationError(
                {"index_number": "新文件的索引号须由 disclosure.services 分配。"}
                if self._state.adding
                else {"index_number": "索引号一经生成不可更改或清空。"}
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("disclosure:document-detail", kwargs={"pk": self.pk})

    def clean(self):
        today = timezone.localdate()
        errors = date_errors(self.written_on, self.published_at, today=today)
        # Checked when a number is typed for a new document; once stored it never changes.
        if self._state.adding and self.index_number and not self.has_legacy_index_number:
            if problem := index_number_error(self.index_number, today=today):
                errors["index_number"] = problem
        if errors:
            raise ValidationError(errors)
        if self.superseded_by_id and self.superseded_by_id == self.pk:
            raise ValidationError({"superseded_by": "文件不能被自己替代。"})
        if not self.index_number and self.organization_id and not self.organization.index_code():
            raise ValidationError(
                {"organization": "该机构及其上级机构都没有统一社会信用代码，无法生成索引号。"}
            )
        if self.is_live and not self.published_at:
            raise ValidationError({"published_at": "已发布的文件必须有发布日期。"})
        self._clean_normative(today)

    def _clean_normative(self, today):
        """统一编号 in the configured pattern; dates filled in once it is published; a
        repealed or amended normative document names the document that did it."""
        if self.registration_number:
            self.registration_number = normative_rules.normalise_registration_number(
                self.registration_number
            )
        if not self.is_normative:
            return
        errors = {}
        if self.registration_number:
            if problem := normative_rules.registration_number_error(
                self.registration_number, today=today
            ):
                errors["registration_number"] = problem
        elif self.is_live:
            errors["registration_number"] = "规范性文件须经统一登记、填写统一编号后才能发布。"
        if (
            self.validity in (self.Validity.REPEALED, self.Validity.AMENDED)
            and not self.superseded_by_id
        ):
            verb = "废止" if self.validity == self.Validity.REPEALED else "修改"
            errors["superseded_by"] = f"请在“替代文件”中选择{verb}本文件的文件。"
        published_on = timezone.localdate(self.published_at) if self.published_at else None
        genre_name = self.genre.name if self.genre_id else ""
        normative_rules.fill_dates(self, published_on=published_on, genre_name=genre_name)
        if self.effective_on and self.expires_on and self.expires_on < self.effective_on:
            errors["expires_on"] = "有效期至不能早于生效日期。"
        if errors:
            raise ValidationError(errors)

    def validity_on(self, today) -> str:
        """The 有效性 on ``today``: for a normative document computed from its dates
        (``normative_rules.validity_on``), never blank; else as stored."""
        return normative_rules.validity_on(
            stored=self.validity,
            is_normative=self.is_normative,
            expires_on=self.expires_on,
            today=today,
        )

    @property
    def current_validity(self) -> str:
        return self.validity_on(timezone.localdate())

    @property
    def not_yet_effective(self) -> bool:
        """Published, but its 生效日期 has not come yet (it shows 有效, 尚未施行)."""
        return bool(self.effective_on and self.effective_on > timezone.localdate())

    def on_publish(self):
        """Attachments follow the document (``attachments_publish``); the workflow then
        indexes the new version."""
        attachments_publish(documents=[self])


def attachment_path(attachment, filename):
    # The stored name never reuses the uploader's name: it only becomes Content-Disposition.
    extension = posixpath.splitext(filename)[1].lower()
    return timezone.now().strftime(f"attachments/%Y/%m/{attachment.token}{extension}")


class Attachment(models.Model):
    document = models.ForeignKey(
        Document, verbose_name="所属文件", on_delete=models.CASCADE, related_name="attachments"
    )
    title = LineField("附件名称", max_length=200, blank=True, default="")
    file = models.FileField("文件", upload_to=attachment_path, max_length=200)
    token = models.CharField(max_length=32, editable=False, unique=True)
    original_name = models.CharField("原文件名", max_length=200, editable=False, default="")
    content_type = models.CharField("类型", max_length=120, editable=False, default="")
    size = models.PositiveBigIntegerField("大小（字节）", editable=False, default=0)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    # Added to or removed from a live document: takes effect when the edit is published.
    is_live = models.BooleanField("已公开", default=False, editable=False)
    remove_on_publish = models.BooleanField("发布时删除", default=False, editable=False)
    text = models.TextField("提取的文字", blank=True, default="", editable=False)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.display_name

    _checked = None  # the upload clean() inspected: parsing a file costs seconds, once

    def save(self, *args, **kwargs):
        if not self.token:
            self.token = secrets.token_hex(16)
        if self.file and not self.file._committed and self._checked is not self.file.file:
            self.clean()  # every new file is checked, also one replacing an older file
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("disclosure:attachment-download", kwargs={"pk": self.pk})

    def clean(self):
        upload = self.file.file if self.file and not self.file._committed else None
        if upload is None:
            return
        try:
            kind = inspect_upload(upload)
            strip_public_metadata(upload, kind)  # no author or GPS position is published
            text = extract_text(upload, kind)  # searched with the document (条例 Art 24)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from error
        self._checked = upload  # the form's validation checked it: save() need not again
        self.content_type = kind.mime
        self.original_name = strip_to_line(posixpath.basename(upload.name))[:200]
        self.size = upload.size
        self.text = clean_block(text)

    @property
    def display_name(self) -> str:
        return self.title or self.original_name

    @property
    def kind_label(self) -> str:
        return next(
            (k.label for k in DOCUMENT_KINDS.values() if k.mime == self.content_type), "文件"
        )


def attachments_publish(*, documents) -> None:
    """Attachments follow their documents' new public versions (``portal.followers``): two
    queries for any number of documents; run by ``Document.on_publish`` and by the bulk
    migration."""
    ids = [document.pk for document in documents]
    if ids:
        publish_followers(Attachment.objects.filter(document_id__in=ids))


class DisclosureGuide(Publishable):
    """政府信息公开指南 (条例 Art 22): one per organization, reviewed and published like a
    document, so the public only ever reads an approved version."""

    revision_fields = (
        "classification", "how_to_obtain", "office_name", "office_address", "office_hours",
        "postal_code", "phone", "fax", "internet_contact", "supervision",
    )  # fmt: skip

    organization = models.OneToOneField(
        Organization, verbose_name="机构", on_delete=models.PROTECT, related_name="disclosure_guide"
    )
    classification = BlockField(
        "信息分类与编排体系", help_text="主动公开信息的分类、编排体系（条例第二十二条）。"
    )
    how_to_obtain = BlockField("获取方式", help_text="主动公开与依申请公开的获取方式。")
    office_name = LineField("工作机构名称", max_length=100)
    office_address = LineField("办公地址", max_length=200)
    office_hours = LineField("办公时间", max_length=200)
    postal_code = LineField("邮政编码", max_length=10, blank=True, default="")
    phone = LineField("联系电话", max_length=50)
    fax = LineField("传真", max_length=50)
    internet_contact = LineField("互联网联系方式", max_length=200, help_text="网址或电子邮箱。")
    supervision = BlockField("监督和救济", blank=True, default="")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta(Publishable.Meta):
        verbose_name = "政府信息公开指南"
        verbose_name_plural = "政府信息公开指南"

    def __str__(self):
        return f"{self.organization.display_name}政府信息公开指南"

    def save(self, *args, **kwargs):
        if self.owner_organization_id is None:
            self.owner_organization_id = self.organization_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("disclosure:guide")


class ColumnPage(Publishable):
    """A sub-column of 政府信息公开 whose content is an edited page (制度, 年报), reviewed and
    published like a document."""

    revision_fields = ("title", "body", "empty_note", "sort_order")
    rich_text_fields = ("body",)

    slug = models.SlugField("路径", max_length=50, unique=True)
    title = LineField("栏目名称", max_length=50)
    body = models.TextField("内容", blank=True, default="")
    empty_note = LineField("无内容时的说明", max_length=200, blank=True, default=DEFAULT_EMPTY_NOTE)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # The columns are seeded with the schema, before any organization exists: the first
    # organization to edit one owns it from then on (``portal.workflow.item_save``).
    owner_organization = models.ForeignKey(
        Organization,
        verbose_name="承办机构",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        editable=False,
        help_text="起草和审核的机构：谁公开、谁审查。",
    )

    objects = PublishableQuerySet.as_manager()

    class Meta(Publishable.Meta):
        verbose_name = "栏目页面"
        verbose_name_plural = "栏目页面"
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("disclosure:column-page", kwargs={"slug": self.slug})
