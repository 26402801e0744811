"""Policy interpretations (政策解读): published through the same review as documents and
linked both ways to the policy documents they interpret (双向关联)."""

import posixpath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from disclosure.models import Document
from interpretation.querysets import InterpretationQuerySet
from portal.fields import BlockField, LineField
from portal.followers import publish_followers
from portal.models import Organization, Publishable, TimeStampedModel
from portal.plaintext import clean_block, strip_to_line
from portal.richtext import to_html
from portal.uploads import (
    DOCUMENT_KINDS,
    MEDIA_KINDS,
    inspect_upload,
    random_name,
    strip_public_metadata,
)

IMAGE_KINDS = {key: DOCUMENT_KINDS[key] for key in ("jpg", "png")}


class Interpretation(Publishable, TimeStampedModel):
    class Kind(models.TextChoices):
        TEXT = "text", "文字解读"
        GRAPHIC = "graphic", "图解"
        AUDIO_VIDEO = "media", "音视频"
        ANIMATION = "animation", "动漫/H5"
        OFFICIAL = "official", "负责人解读"
        EXPERT = "expert", "专家解读"
        QA = "qa", "政策问答"
        PRESS = "press", "新闻发布会"
        INTERVIEW = "interview", "在线访谈"

    revision_fields = (
        "title", "kind", "organization", "interpreter", "interpreter_title", "summary", "body",
    )  # fmt: skip
    rich_text_fields = ("body",)

    title = LineField("标题", max_length=300)
    kind = models.CharField("解读形式", max_length=20, choices=Kind, default=Kind.TEXT)
    organization = models.ForeignKey(
        Organization,
        verbose_name="解读机构",
        on_delete=models.PROTECT,
        related_name="interpretations",
        help_text="谁起草、谁解读：起草政策文件的机构。",
    )
    interpreter = LineField("第一解读人", max_length=50, blank=True, default="")
    interpreter_title = LineField("解读人职务", max_length=100, blank=True, default="")
    summary = BlockField("内容概述", blank=True, default="")
    body = models.TextField("正文", blank=True, default="")
    documents = models.ManyToManyField(
        Document,
        verbose_name="解读的政策文件",
        related_name="interpretations",
        help_text="一篇解读可对应一个或多个政策文件；公众在两边页面都能看到关联。",
    )

    objects = InterpretationQuerySet.as_manager()

    class Meta(Publishable.Meta):
        verbose_name = "政策解读"
        verbose_name_plural = "政策解读"
        ordering = ["-published_at", "-pk"]
        indexes = [
            *Publishable.Meta.indexes,
            models.Index(fields=["organization", "is_live"], name="interp_org_live"),
            models.Index(fields=["kind", "is_live"], name="interp_kind_live"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = to_html(self.body)
        if self.owner_organization_id is None:
            self.owner_organization_id = self.organization_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("interpretation:detail", kwargs={"pk": self.pk})

    def check_publishable(self):
        if self.pk is None or not self.documents.exists():
            raise ValidationError("请先关联至少一个解读的政策文件（解读材料要和政策文件相关联）。")

    def on_publish(self):
        publish_followers(Media.objects.filter(interpretation=self))


def media_path(media, filename: str) -> str:
    return random_name("interpretations", filename, token_bytes=8)


class Media(models.Model):
    """An image, audio or video of an interpretation, served by the project. Like a
    document's attachments, what is added to or removed from a live interpretation takes
    effect when its edit is published."""

    class Kind(models.TextChoices):
        IMAGE = "image", "图片"
        AUDIO = "audio", "音频"
        VIDEO = "video", "视频"

    interpretation = models.ForeignKey(
        Interpretation, verbose_name="所属解读", on_delete=models.CASCADE, related_name="media"
    )
    file = models.FileField("文件", upload_to=media_path, max_length=200)
    kind = models.CharField("类型", max_length=10, choices=Kind, editable=False)
    content_type = models.CharField("MIME 类型", max_length=120, editable=False, default="")
    original_name = models.CharField("原文件名", max_length=200, editable=False, default="")
    size = models.PositiveBigIntegerField("大小（字节）", editable=False, default=0)
    description = LineField(
        "替代文字/标题",
        max_length=200,
        help_text="图片的替代文字（读屏软件朗读），音视频的标题。",
    )
    captions = models.TextField(
        "字幕（WebVTT）", blank=True, default="", help_text="以 WEBVTT 开头的字幕文本。"
    )
    transcript = BlockField("文字稿", blank=True, default="")
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_live = models.BooleanField("已公开", default=False, editable=False)
    remove_on_publish = models.BooleanField("发布时删除", default=False, editable=False)

    class Meta:
        verbose_name = "图片与音视频"
        verbose_name_plural = "图片与音视频"
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.description or self.original_name

    _checked = None  # the upload clean() inspected

    def save(self, *args, **kwargs):
        if self.file and not self.file._committed and self._checked is not self.file.file:
            self.clean()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("interpretation:media", kwargs={"pk": self.pk})

    def clean(self):
        upload = self.file.file if self.file and not self.file._committed else None
        if upload is not None:
            self._inspect(upload)
        self.captions = (self.captions or "").strip()
        errors = {}
        if self.captions and not self.captions.startswith("WEBVTT"):
            errors["captions"] = "字幕须为 WebVTT 格式：第一行应为 WEBVTT。"
        if self.kind in (self.Kind.AUDIO, self.Kind.VIDEO) and not (
            self.captions or self.transcript
        ):
            errors["transcript"] = "音视频须提供字幕或文字稿，方便听障人士和读屏软件用户。"
        if errors:
            raise ValidationError(errors)

    def _inspect(self, upload):
        try:
            kind = inspect_upload(upload, kinds={**IMAGE_KINDS, **MEDIA_KINDS},
                                  max_bytes=settings.INTERPRETATION_MEDIA_MAX_BYTES)  # fmt: skip
            strip_public_metadata(upload, kind)  # a photo's EXIF (GPS, camera) is not published
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from error
        self._checked = upload
        self.content_type = kind.mime
        self.kind = kind.mime.split("/")[0] if kind.structure == "media" else self.Kind.IMAGE
        self.original_name = strip_to_line(posixpath.basename(upload.name))[:200]
        self.size = upload.size

    @property
    def captions_url(self) -> str:
        return reverse("interpretation:captions", kwargs={"pk": self.pk}) if self.captions else ""

    @property
    def transcript_text(self) -> str:
        return clean_block(self.transcript)
