"""Images in rich text: uploaded from the editor (``portal.editor``), served by this site.

``image_upload`` takes one JPEG or PNG with its alternative text from a member of staff who
may add or change items of the model being edited, checks the file by its content
(``portal.uploads.inspect_upload``: type from the first bytes, size, pixels), stores it
under ``MEDIA_ROOT/editor-images/`` with a random name and answers JSON with the URL to
insert. ``image_serve`` serves it there; ``portal.richtext`` keeps an ``<img>`` only when
its source is such a URL.

The names are random (128 bits) and never listed, so an image of a draft is found only by
someone who has the draft; once published it is as public as the page it is on.
"""

import re
import secrets

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from portal.fields import LineFormField
from portal.richtext import IMAGE_SOURCE
from portal.uploads import DOCUMENT_KINDS, inspect_upload, strip_public_metadata

IMAGE_KINDS = {name: DOCUMENT_KINDS[name] for name in ("jpg", "png")}
FOLDER = "editor-images"
_NAME = re.compile(r"[0-9a-f]{32}\.(?:png|jpg)")
# Served for years under one name: the content behind a name never changes.
_IMMUTABLE = "public, max-age=31536000, immutable"


def max_image_bytes() -> int:
    return getattr(settings, "EDITOR_IMAGE_MAX_BYTES", 5 * 1024 * 1024)


class ImageUploadForm(forms.Form):
    image = forms.FileField(
        label="图片文件",
        error_messages={
            "required": "请选择要插入的图片（JPEG 或 PNG）。",
            "empty": "文件是空的。",
            "invalid": "未收到图片文件，请重新选择。",
        },
    )
    alt = LineFormField(
        label="替代文字",
        max_length=200,
        error_messages={
            "required": "请填写替代文字：用一句话说明图片内容，供读屏软件朗读。",
            "max_length": "替代文字最多 %(limit_value)d 个字（当前 %(show_value)d 个）。",
        },
    )

    def clean_image(self):
        upload = self.cleaned_data["image"]
        kind = inspect_upload(upload, kinds=IMAGE_KINDS, max_bytes=max_image_bytes())
        strip_public_metadata(upload, kind)  # a photo's EXIF (GPS, camera) is not published
        upload.extension = "png" if kind.structure == "png" else "jpg"
        return upload


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"error": message}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def _editor_model(app_label: str, model_name: str):
    """The model named in the URL, if its admin gives a field the editor
    (``portal.editor.RichTextAdminMixin``), else 404: the upload permission is the
    permission to add or change such an item."""
    try:
        model = apps.get_model(app_label, model_name)
        model_admin = admin.site.get_model_admin(model)
    except (LookupError, NotRegistered) as missing:
        raise Http404 from missing
    if not getattr(model_admin, "rich_text_editor_fields", ()):
        raise Http404
    return model


@require_POST
@login_required
def image_upload(request, app_label, model_name):
    """Store one image for the body of an item of ``app_label.model_name``: 201 and
    ``{"url", "alt"}``, or a 4xx and ``{"error"}`` in Chinese. Staff only, with the add or
    change permission of that model; CSRF-protected like every POST."""
    try:
        model = _editor_model(app_label, model_name)
    except Http404:
        return _error("此处不能上传图片。", 404)
    opts = model._meta
    user = request.user
    if not user.is_staff or not (
        user.has_perm(f"{opts.app_label}.add_{opts.model_name}")
        or user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
    ):
        return _error(f"您没有编辑{opts.verbose_name}的权限，不能上传图片。", 403)
    form = ImageUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        codes = {error.code for errors in form.errors.as_data().values() for error in errors}
        message = "；".join(message for errors in form.errors.values() for message in errors)
        return _error(message, 413 if "too_large" in codes else 400)
    upload = form.cleaned_data["image"]
    name = default_storage.save(f"{FOLDER}/{secrets.token_hex(16)}.{upload.extension}", upload)
    url = reverse("editor-image", kwargs={"name": name.rsplit("/", 1)[-1]})
    if not IMAGE_SOURCE.fullmatch(url):  # the sanitiser would drop it: never hand it out
        raise ImproperlyConfigured(f"Image URL {url!r} does not match portal.richtext.IMAGE_SOURCE")
    return JsonResponse(
        {"url": url, "alt": form.cleaned_data["alt"]},
        status=201,
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
def image_serve(request, name):
    if not _NAME.fullmatch(name):
        raise Http404
    try:
        handle = default_storage.open(f"{FOLDER}/{name}", "rb")
    except FileNotFoundError as missing:
        raise Http404("图片不存在") from missing
    content_type = "image/png" if name.endswith(".png") else "image/jpeg"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = _IMMUTABLE
    return response


def limits_text() -> str:
    """What the upload dialog tells the clerk before they choose a file."""
    return f"JPEG 或 PNG，不超过{filesizeformat(max_image_bytes())}"
