"""The citizen's forms (writing, tracking, rating) and the handlers' step forms. Every
error is a Chinese sentence next to its field; the entered text is kept."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from mailbox.models import Kind, Letter
from portal.citizen_forms import CitizenForm, PhoneField, required
from portal.fields import BlockFormField, LineFormField
from portal.uploads import DOCUMENT_KINDS, inspect_upload

ATTACHMENT_KINDS = {
    key: DOCUMENT_KINDS[key] for key in ("jpg", "png", "pdf", "docx", "doc", "xlsx", "xls", "wps")
    if key in DOCUMENT_KINDS
}  # fmt: skip
CONSENT_CHOICES = [("yes", "同意公开（个人信息将被隐去）"), ("no", "不同意公开")]


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class LetterForm(CitizenForm):
    kind = forms.ChoiceField(
        label="来信类型", choices=Kind.choices, widget=forms.RadioSelect,
        error_messages={"required": "请选择来信类型。", "invalid_choice": "请选择列出的来信类型。"},
    )  # fmt: skip
    subject = LineFormField(label="标题", error_messages=required("标题"))
    body = BlockFormField(
        label="来信内容", widget=forms.Textarea(attrs={"rows": 10}),
        error_messages=required("来信内容"),
    )  # fmt: skip
    name = LineFormField(label="姓名", max_length=30, error_messages=required("姓名"))
    phone = PhoneField()
    email = forms.EmailField(
        label="电子邮箱（选填）", required=False, max_length=254,
        help_text="填写后，查询码和办理结果也会发送到此邮箱。",
        error_messages={"invalid": "电子邮箱格式不正确，如 name@example.com。"},
    )  # fmt: skip
    attachments = MultipleFileField(label="附件（选填）", required=False)
    consent = forms.ChoiceField(
        label="是否同意公开", choices=CONSENT_CHOICES, widget=forms.RadioSelect,
        error_messages={"required": "请选择是否同意公开来信及答复。"},
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].max_length = settings.MAILBOX_SUBJECT_MAX_CHARS
        self.fields["subject"].widget.attrs["maxlength"] = settings.MAILBOX_SUBJECT_MAX_CHARS
        self.fields["body"].widget.attrs["maxlength"] = settings.MAILBOX_BODY_MAX_CHARS
        self.fields[
            "subject"
        ].help_text = (
            f"{settings.MAILBOX_SUBJECT_MIN_CHARS}–{settings.MAILBOX_SUBJECT_MAX_CHARS} 个字。"
        )
        self.fields["body"].help_text = (
            f"{settings.MAILBOX_BODY_MIN_CHARS}–{settings.MAILBOX_BODY_MAX_CHARS} 个字。"
            "请写明事情经过、诉求和涉及的地点；不需要在正文中重复姓名和电话。"
        )
        size = settings.MAILBOX_ATTACHMENT_MAX_BYTES // 1024 // 1024 or 1
        self.fields["attachments"].help_text = (
            f"最多 {settings.MAILBOX_ATTACHMENT_MAX_FILES} 个，每个不超过 {size} MB；"
            "可上传图片（JPG、PNG）、PDF 和 Word、Excel 文件。"
        )
        self.fields["attachments"].widget.attrs["accept"] = (
            ".jpg,.jpeg,.png,.pdf,.doc,.docx,.xls,.xlsx,.wps"
        )

    def clean_subject(self):
        subject = self.cleaned_data["subject"]
        low, high = settings.MAILBOX_SUBJECT_MIN_CHARS, settings.MAILBOX_SUBJECT_MAX_CHARS
        if len(subject) < low:
            raise ValidationError(f"标题太短：至少 {low} 个字，现有 {len(subject)} 个字。")
        if len(subject) > high:
            raise ValidationError(f"标题太长：最多 {high} 个字，现有 {len(subject)} 个字。")
        return subject

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        low, high = settings.MAILBOX_BODY_MIN_CHARS, settings.MAILBOX_BODY_MAX_CHARS
        if len(body) < low:
            raise ValidationError(f"来信内容太短：至少 {low} 个字，现有 {len(body)} 个字。")
        if len(body) > high:
            raise ValidationError(f"来信内容太长：最多 {high} 个字，现有 {len(body)} 个字。")
        return body

    def clean_name(self):
        name = self.cleaned_data["name"]
        if not name:
            raise ValidationError("请填写姓名。")
        if any(c.isdigit() for c in name) or "@" in name:
            raise ValidationError("姓名不能包含数字或 @，请填写真实姓名。")
        return name

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        limit = settings.MAILBOX_ATTACHMENT_MAX_FILES
        if len(files) > limit:
            raise ValidationError(f"附件最多 {limit} 个，您选择了 {len(files)} 个。")
        errors = []
        for upload in files:
            try:
                kind = inspect_upload(
                    upload, kinds=ATTACHMENT_KINDS, max_bytes=settings.MAILBOX_ATTACHMENT_MAX_BYTES
                )
            except ValidationError as error:
                errors.append(f"{upload.name}：{'；'.join(error.messages)}")
                continue
            upload.checked_mime = kind.mime
        if errors:
            raise ValidationError(errors)
        return files

    @property
    def consents(self) -> bool:
        return self.cleaned_data.get("consent") == "yes"


class RatingForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label="您对答复是否满意", choices=Letter.Satisfaction.choices, widget=forms.RadioSelect,
        error_messages={"required": "请选择满意、基本满意或不满意。"},
    )  # fmt: skip
    comment = BlockFormField(
        label="意见（选填）", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
    )  # fmt: skip
    token = forms.CharField(widget=forms.HiddenInput)


# --- handlers' steps (admin) ---------------------------------------------------------------


class NoteForm(forms.Form):
    note = BlockFormField(
        label="说明/理由", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AssignForm(NoteForm):
    department = forms.ModelChoiceField(label="承办部门", queryset=None)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class ReplyTextForm(forms.Form):
    text = BlockFormField(label="答复内容", widget=forms.Textarea(attrs={"rows": 10}))


class ExtendForm(NoteForm):
    new_due_on = forms.DateField(
        label="新的办理期限", widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写新的办理期限。", "invalid": "日期格式应为 2026-01-31。"},
    )  # fmt: skip
