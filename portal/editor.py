"""The rich-text editor of the admin, for the bodies of documents, interpretations and any
other publication.

In a ModelAdmin, name the TextFields that get the editor::

    from portal.editor import RichTextAdminMixin

    @admin.register(Interpretation)
    class InterpretationAdmin(RichTextAdminMixin, WorkflowAdminMixin, admin.ModelAdmin):
        rich_text_editor_fields = ["body"]

Each named field becomes a ``RichTextFormField`` with a ``RichTextWidget``; nothing else in
the form changes. The model keeps its plain ``TextField`` and still sanitises in ``save()``
(``portal.richtext.to_html``), so imports and commands stay safe without the editor.

Images are uploaded from the editor to the URL named ``editor-image-upload`` with the
model's ``app_label`` and ``model_name`` (``portal.editor_uploads.image_upload``): it is
open to staff who may add or change that model, and only for a model whose admin uses this
mixin. No further URL or setting is needed per app.

Outside a ModelAdmin, a form uses the field directly::

    body = RichTextFormField(label="正文", required=False, upload_url=reverse(
        "editor-image-upload", kwargs={"app_label": "interpretation", "model_name": "interpretation"}))

Without JavaScript the widget is a plain textarea: text typed there still becomes one
paragraph per line.
"""

import json
import re

from django import forms
from django.core.exceptions import ValidationError
from django.templatetags.static import static
from django.urls import reverse

from portal.editor_uploads import limits_text
from portal.fields import TextFormField
from portal.richtext import IMAGE_TAG, IMAGE_URL_PREFIX, to_html

HELP_TEXT = (
    "用工具栏或快捷键设置标题、列表、表格、链接、加粗和对齐；从 Word、WPS 粘贴时只保留这些格式。"
    "插入图片须填写替代文字。键盘操作：在正文中按 Alt+F10 进入工具栏，方向键选择按钮，"
    "Enter 执行，Esc 返回正文。"
)
# django-prose-editor's bundle and styles (its static files, collected like ours).
EDITOR_MODULE = "django_prose_editor/editor.js"
EDITOR_CSS = [
    "django_prose_editor/material-icons.css",
    "django_prose_editor/editor.css",
    "django_prose_editor/overrides.css",
    "css/rich-text-editor.css",
]
_ALT = re.compile(r'\salt="\s*[^"\s][^"]*"')


class RichTextWidget(forms.Textarea):
    """A textarea that ``static/js/rich-text-editor.js`` turns into the editor."""

    def __init__(self, attrs=None, *, upload_url: str = ""):
        super().__init__({"rows": 20, "cols": 80, **(attrs or {})})
        self.upload_url = upload_url

    @property
    def media(self):
        return forms.Media(
            css={"all": EDITOR_CSS},
            js=[forms.Script("js/rich-text-editor.js", type="module")],
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-rich-text-editor"] = json.dumps(
            {
                "editorModule": static(EDITOR_MODULE),
                "uploadUrl": self.upload_url,
                "uploadLimits": limits_text(),
                "imagePrefix": IMAGE_URL_PREFIX,
            },
            ensure_ascii=False,
        )
        return context

    def use_required_attribute(self, initial):
        return False  # the textarea is hidden behind the editor; the form checks instead


class RichTextFormField(TextFormField):
    """Rich text, cleaned as the model stores it (``portal.richtext.to_html``), so that
    opening and saving a body the editor re-serialises records no change. Every image
    must have alternative text (WCAG 2.1, 1.1.1)."""

    widget = RichTextWidget

    def __init__(self, *, upload_url: str = "", **kwargs):
        kwargs.setdefault("help_text", HELP_TEXT)
        super().__init__(**kwargs)
        self.widget.upload_url = upload_url

    def to_python(self, value):
        return to_html(super().to_python(value))

    def validate(self, value):
        super().validate(value)
        missing = sum(1 for tag in IMAGE_TAG.finditer(value or "") if not _ALT.search(tag[1]))
        if missing:
            raise ValidationError(
                f"正文中有 {missing} 张图片缺少替代文字：请选中图片，点工具栏的“插入图片”按钮填写。",
                code="image_without_alt",
            )


class RichTextAdminMixin:
    """Gives the TextFields named in ``rich_text_editor_fields`` the editor."""

    rich_text_editor_fields: tuple[str, ...] | list[str] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name not in self.rich_text_editor_fields:
            return super().formfield_for_dbfield(db_field, request, **kwargs)
        opts = self.model._meta
        upload_url = reverse(
            "editor-image-upload",
            kwargs={"app_label": opts.app_label, "model_name": opts.model_name},
        )
        return db_field.formfield(
            form_class=RichTextFormField,
            widget=RichTextWidget(upload_url=upload_url),
            upload_url=upload_url,
            help_text=HELP_TEXT,
            **kwargs,
        )
