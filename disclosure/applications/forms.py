"""The citizen's forms: the application (条例 Art 29: 姓名或名称, 身份证明, 联系方式, a
description of the information, its form and how to receive it) and the tracking form.
Every error is a Chinese sentence next to its field; the entered text is kept."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from disclosure.applications.vocabularies import (
    ORGANIZATION_TYPES,
    ApplicantType,
    DeliveryForm,
    DeliveryMethod,
    IdType,
)
from portal import id_numbers
from portal.citizen_forms import CitizenForm, PhoneField, required
from portal.credit_code import credit_code_error
from portal.fields import BlockFormField, LineFormField

NATURAL, ORGANIZATION = "natural", "organization"
APPLICANT_KINDS = [(NATURAL, "自然人"), (ORGANIZATION, "法人或其他组织")]
ORGANIZATION_KINDS = [(str(t), t.label) for t in ORGANIZATION_TYPES]
# A person proves who they are with a personal document; an organisation with its
# 统一社会信用代码 (or, for bodies that have none yet, another valid document).
PERSONAL_DOCUMENTS = [(str(t), t.label) for t in IdType if t != IdType.CREDIT_CODE]
ORGANIZATION_DOCUMENTS = (IdType.CREDIT_CODE, IdType.OTHER)
# Passports, travel permits and other documents: letters, digits, hyphens and brackets.
OTHER_DOCUMENT = re.compile(r"^[A-Z0-9][A-Z0-9\-()]{3,29}$")
POSTCODE = re.compile(r"^\d{6}$")
DESCRIPTION_MAX_CHARS = 2000
_FULL_WIDTH = {ord(c): ord(c) - 0xFEE0 for c in map(chr, range(0xFF01, 0xFF5F))}


def normalise_id_number(value: str) -> str:
    """A document number as stored (and as its blind index is computed): no blanks,
    full-width characters folded, upper case. The admin's search folds the same way."""
    return "".join((value or "").split()).translate(_FULL_WIDTH).upper()


def _choice(label: str) -> dict:
    return {"required": f"请选择{label}。", "invalid_choice": f"请选择列出的{label}。"}


class ApplicationForm(CitizenForm):
    applicant_kind = forms.ChoiceField(
        label="申请人类型", choices=APPLICANT_KINDS, widget=forms.RadioSelect,
        error_messages=_choice("申请人类型"),
    )  # fmt: skip
    organization_type = forms.ChoiceField(
        label="组织类别（法人或其他组织填写）", required=False,
        choices=[("", "请选择")] + ORGANIZATION_KINDS,
        error_messages=_choice("组织类别"),
    )  # fmt: skip
    name = LineFormField(
        label="姓名或名称", max_length=100, error_messages=required("姓名或名称"),
        help_text="自然人填写姓名；法人或其他组织填写营业执照或登记证书上的全称。",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )  # fmt: skip
    contact_person = LineFormField(
        label="联系人（法人或其他组织填写）", max_length=50, required=False,
        help_text="办理过程中与我们联系的人。",
    )  # fmt: skip
    id_type = forms.ChoiceField(
        label="身份证明类型", choices=IdType.choices, error_messages=_choice("身份证明类型"),
        help_text="自然人一般选择居民身份证；法人或其他组织选择统一社会信用代码。",
    )  # fmt: skip
    id_number = forms.CharField(
        label="证件号码", max_length=40, error_messages=required("证件号码"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )  # fmt: skip
    phone = PhoneField()
    address = LineFormField(
        label="通信地址", max_length=200, error_messages=required("通信地址"),
        help_text="邮寄答复和信息时使用，请写到门牌号。",
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )  # fmt: skip
    postcode = forms.CharField(
        label="邮政编码（选填）", max_length=6, required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )  # fmt: skip
    email = forms.EmailField(
        label="电子邮箱（选填）", required=False, max_length=254,
        help_text="选择通过电子邮件获取信息的，必须填写。",
        error_messages={"invalid": "电子邮箱格式不正确，如 name@example.com。"},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )  # fmt: skip
    info_title = LineFormField(
        label="所需信息名称", max_length=200, error_messages=required("所需信息名称"),
        help_text="如“2025年本区老旧小区改造项目清单”。",
    )  # fmt: skip
    info_number = LineFormField(
        label="文号（选填）", max_length=100, required=False,
        help_text="知道文件文号的请填写，如“渝府办发〔2025〕12号”。",
    )  # fmt: skip
    description = BlockFormField(
        label="所需信息的其他特征描述（选填）", required=False,
        max_length=DESCRIPTION_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=(
            f"最多 {DESCRIPTION_MAX_CHARS} 个字。请写明信息的制作机关、时间、内容范围等，"
            "便于我们准确查找；描述不明确的，我们会请您补正。"
        ),
    )  # fmt: skip
    delivery_form = forms.ChoiceField(
        label="所需信息的提供形式", choices=DeliveryForm.choices, widget=forms.RadioSelect,
        error_messages=_choice("提供形式"),
    )  # fmt: skip
    delivery_method = forms.ChoiceField(
        label="获取信息的方式", choices=DeliveryMethod.choices, widget=forms.RadioSelect,
        error_messages=_choice("获取方式"),
    )  # fmt: skip
    fee_waiver_requested = forms.BooleanField(
        label="申请减免信息处理费（确有经济困难的）", required=False,
    )  # fmt: skip

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["description"].widget.attrs["maxlength"] = DESCRIPTION_MAX_CHARS

    def clean_name(self):
        name = self.cleaned_data["name"]
        if not name:
            raise ValidationError("请填写姓名或名称。")
        if "@" in name:
            raise ValidationError("姓名或名称不能包含 @，请填写真实姓名或组织全称。")
        return name

    def clean_postcode(self):
        postcode = "".join(self.cleaned_data["postcode"].split()).translate(_FULL_WIDTH)
        if postcode and not (postcode.isascii() and POSTCODE.match(postcode)):
            raise ValidationError("邮政编码应为6位数字。")
        return postcode

    def clean_id_number(self):
        # Full-width letters and digits folded, blanks removed, upper case: what people type.
        return normalise_id_number(self.cleaned_data["id_number"])

    def clean(self):
        data = super().clean()
        kind = data.get("applicant_kind")
        if kind == ORGANIZATION:
            if not data.get("organization_type"):
                self.add_error("organization_type", "法人或其他组织请选择组织类别。")
            if not data.get("contact_person") and "contact_person" not in self.errors:
                self.add_error("contact_person", "法人或其他组织请填写联系人。")
        self._check_document(kind, data)
        if DeliveryMethod.EMAIL in (data.get("delivery_method"), data.get("delivery_form")):
            if not data.get("email") and "email" not in self.errors:
                self.add_error("email", "选择通过电子邮件提供或获取信息的，请填写电子邮箱。")
        return data

    def _check_document(self, kind, data):
        id_type, number = data.get("id_type"), data.get("id_number")
        if not id_type or kind not in (NATURAL, ORGANIZATION):
            return
        if kind == NATURAL and id_type == IdType.CREDIT_CODE:
            self.add_error("id_type", "统一社会信用代码是组织的证明，自然人请选择本人的身份证件。")
            return
        if kind == ORGANIZATION and id_type not in ORGANIZATION_DOCUMENTS:
            self.add_error(
                "id_type", "法人或其他组织请选择统一社会信用代码（没有的选择其他有效身份证件）。"
            )
            return
        if not number:
            return
        if id_type == IdType.RESIDENT_ID:
            problem = id_numbers.id_number_error(number, today=self.today)
        elif id_type == IdType.CREDIT_CODE:
            problem = credit_code_error(number)
        elif not (number.isascii() and OTHER_DOCUMENT.match(number)):
            problem = "证件号码格式不正确：只能包含字母、数字、连字符和括号，4–30位。"
        else:
            problem = None
        if problem:
            self.add_error("id_number", problem)

    def application_data(self) -> dict:
        """The fields of ``Application`` for ``services.application_submit``."""
        data = self.cleaned_data
        is_organization = data["applicant_kind"] == ORGANIZATION
        return {
            "applicant_type": (
                data["organization_type"] if is_organization else ApplicantType.NATURAL.value
            ),
            "name": data["name"],
            "contact_person": data["contact_person"] if is_organization else "",
            "id_type": data["id_type"],
            "id_number": data["id_number"],
            "phone": data["phone"],
            "address": data["address"],
            "postcode": data["postcode"],
            "email": data["email"],
            "info_title": data["info_title"],
            "info_number": data["info_number"],
            "description": data["description"],
            "delivery_form": data["delivery_form"],
            "delivery_method": data["delivery_method"],
            "fee_waiver_requested": data["fee_waiver_requested"],
        }
