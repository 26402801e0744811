from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from portal.fields import LineField
from portal.models import Publishable, PublishableQuerySet
from portal.richtext import to_html

HOOK_CALLS: list[tuple[str, int]] = []  # what the hooks saw, in order, for the tests


class Notice(Publishable):
    """A minimal publication: a title, a rich body and a gate, as an interpretation or a
    public reply will have."""

    revision_fields = ("title", "body")
    rich_text_fields = ("body",)

    title = LineField("标题", max_length=200)
    body = models.TextField("正文", blank=True, default="")
    is_blocked = models.BooleanField("暂不可发布", default=False)

    objects = PublishableQuerySet.as_manager()

    class Meta(Publishable.Meta):
        verbose_name = "通告"
        verbose_name_plural = "通告"

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = to_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("publishing:notice-detail", kwargs={"pk": self.pk})

    def check_publishable(self):
        if self.is_blocked:
            raise ValidationError("该通告暂不可发布（测试用闸门）。", code="blocked")

    def on_publish(self):
        HOOK_CALLS.append(("publish", self.pk))

    def on_withdraw(self):
        HOOK_CALLS.append(("withdraw", self.pk))
