"""What every public form citizens submit has in common (the mailbox's letter, the
disclosure application): the CAPTCHA, the one-time submission token, the telephone
number, the tracking form, and Chinese messages for required fields.

A form subclasses ``CitizenForm``; its own fields come first and the CAPTCHA and tokens
last, in the error summary as on the page."""

from django import forms
from django.core.exceptions import ValidationError

from portal import credentials
from portal.phones import PHONE_ERROR, is_phone, normalise_phone

GUARD_FIELDS = ("captcha", "captcha_token", "submission_token")


def required(label: str) -> dict:
    return {"required": f"请填写{label}。"}


class PhoneField(forms.CharField):
    """A mainland mobile or a landline with its area code, as people type it (blanks,
    hyphens, brackets, full-width digits), cleaned to digits (``portal.phones``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "联系电话")
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("error_messages", required("联系电话"))
        kwargs.setdefault(
            "help_text", "手机号码或带区号的固定电话，如 13812345678 或 023-12345678。"
        )
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})
        )
        super().__init__(**kwargs)

    def clean(self, value):
        phone = normalise_phone(super().clean(value))
        if phone and not is_phone(phone):
            raise ValidationError(PHONE_ERROR)
        return phone


class CitizenForm(forms.Form):
    """A public form with a CAPTCHA (``portal.antiabuse``) and a one-time submission
    token (``portal.credentials``: a replay shows the first submission again)."""

    captcha = forms.CharField(
        label="验证问题", max_length=20,
        error_messages={"required": "请回答验证问题。"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )  # fmt: skip
    captcha_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)
    submission_token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def order_fields(self, field_order):
        super().order_fields(field_order)
        for name in GUARD_FIELDS:
            if name in self.fields:  # a staff form built on a public one drops them
                self.fields[name] = self.fields.pop(name)

    def clean_submission_token(self):
        token = self.cleaned_data["submission_token"]
        if not credentials.is_submission_token(token):
            raise ValidationError("表单已失效，请刷新页面后重新填写。")
        return token


class TrackForm(forms.Form):
    """The tracking code and query password a citizen was given."""

    tracking_code = forms.CharField(
        label="查询码", max_length=40, error_messages=required("查询码"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )  # fmt: skip
    password = forms.CharField(
        label="查询密码", max_length=40, error_messages=required("查询密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )  # fmt: skip
