"""The clerks' forms in the admin: registering an application that did not come through
the website, and one small form per step of the case. Forms only shape and check the
input; every write is a call to ``disclosure.applications.services``."""

from django import forms

from disclosure.applications.clock import CONSULTATION_DAYS, MAX_EXTENSION_DAYS
from disclosure.applications.fees import METHODS, PER_APPLICATION, PER_PAGE
from disclosure.applications.forms import ApplicationForm
from disclosure.applications.vocabularies import (
    OUTCOME_CHOICES,
    RECEIPT_RULES,
    Channel,
    LetterType,
    ServiceMethod,
)
from portal.citizen_forms import GUARD_FIELDS
from portal.fields import BlockFormField, LineFormField
from portal.models import Organization

# The date fact each channel's receipt rule needs (条例 Art 31; 国办公开办函〔2015〕207号),
# by form field: (label, channels, help). An ordinary letter and a fax wait as 待确认 when
# the confirmation with the applicant has not happened yet.
DATE_FACTS = {
    "submitted_on": (
        "提交日期",
        (Channel.IN_PERSON, Channel.ORAL),
        "当面提交、口头申请：申请人当面提交或口述、由工作人员代为填写之日即收到日期。",
    ),
    "signed_on": (
        "签收日期",
        (Channel.REGISTERED_MAIL,),
        "挂号信/邮政寄送：本机关签收之日即收到日期（以邮件签收记录为准）。",
    ),
    "confirmed_on": (
        "与申请人确认日期",
        (Channel.ORDINARY_MAIL, Channel.FAX),
        "平信：与申请人确认之日；传真：双方确认之日即收到日期。尚未确认的留空，"
        "申请将处于“待确认”，确认后在申请页面点“确认受理”。",
    ),
    "mail_received_on": (
        "邮件系统收到日期",
        (Channel.EMAIL,),
        "通过公布的电子邮箱提交：电子邮件系统收到之日即收到日期（不是工作人员阅读之日）。",
    ),
}
REGISTER_CHANNELS = [(str(c), c.label) for c in Channel if c != Channel.ONLINE]
_CHANNEL_HELP = "；".join(RECEIPT_RULES[c] for c in Channel if c != Channel.ONLINE)


def _note(label="说明", required=False, help_text=""):
    return BlockFormField(
        label=label, required=required, help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": f"请填写{label}。"},
    )  # fmt: skip


def _day(label, help_text="", required=False):
    return forms.DateField(
        label=label, required=required, help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "请填写正确的日期，如 2026-03-02。", "required": f"请填写{label}。"},
    )  # fmt: skip


class RegisterForm(ApplicationForm):
    """The public form's fields and checks (identity documents by their check
    characters, contact, the information requested), without the CAPTCHA, plus the
    receiving organization, the channel and the day its receipt rule needs."""

    receiving_organization = forms.ModelChoiceField(
        label="受理机关", queryset=Organization.objects.none(),
        error_messages={"required": "请选择受理机关。", "invalid_choice": "请选择列出的受理机关。"},
    )  # fmt: skip
    channel = forms.ChoiceField(
        label="申请方式", choices=REGISTER_CHANNELS,
        help_text=f"收到日期按申请方式确定（条例第三十一条）：{_CHANNEL_HELP}。",
        error_messages={"required": "请选择申请方式。", "invalid_choice": "请选择列出的申请方式。"},
    )  # fmt: skip
    submitted_on = _day(DATE_FACTS["submitted_on"][0], DATE_FACTS["submitted_on"][2])
    signed_on = _day(DATE_FACTS["signed_on"][0], DATE_FACTS["signed_on"][2])
    confirmed_on = _day(DATE_FACTS["confirmed_on"][0], DATE_FACTS["confirmed_on"][2])
    mail_received_on = _day(DATE_FACTS["mail_received_on"][0], DATE_FACTS["mail_received_on"][2])

    FIRST = ["receiving_organization", "channel", *DATE_FACTS]

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in GUARD_FIELDS:  # entered by a clerk: no CAPTCHA, no replay token
            del self.fields[name]
        if organizations is not None:
            self.fields["receiving_organization"].queryset = organizations
        self.order_fields([*self.FIRST, *[n for n in self.fields if n not in self.FIRST]])

    def clean(self):
        data = super().clean()
        channel = data.get("channel")
        if not channel:
            return data
        today = self.today
        received_on = None
        for name, (label, channels, _help) in DATE_FACTS.items():
            day = data.get(name)
            if channel not in channels:
                if day is not None:
                    self.add_error(name, f"{Channel(channel).label}不填写“{label}”。")
                continue
            if day is not None and day > today:
                self.add_error(name, f"{label}不能晚于今天。")
            elif day is None and channel not in (Channel.ORDINARY_MAIL, Channel.FAX):
                self.add_error(name, f"{Channel(channel).label}请填写{label}。")
            received_on = day
        data["received_on"] = received_on
        return data

    def register_data(self) -> dict:
        data = self.application_data()
        data["organization"] = self.cleaned_data["receiving_organization"]
        return data


class NoteForm(forms.Form):
    note = _note()

    def __init__(self, *args, note_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if note_label:
            self.fields["note"].label = note_label


class DayNoteForm(NoteForm):
    """A step that happened on a day the clerk may give (a letter that arrived yesterday)."""

    on = _day("日期", "不填为今天；不能晚于今天，也不能早于上一步骤的日期。")

    def __init__(self, *args, on_label="日期", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].label = on_label
        self.order_fields(["on", "note"])


class SupplementForm(forms.Form):
    items = _note(
        "需补正的全部内容", required=True,
        help_text="条例第三十条：一次性告知申请人需要补正的全部事项和合理的补正期限；"
        "自收到申请之日起 7 个工作日内发出，只能告知一次。",
    )  # fmt: skip


class ConsultForm(forms.Form):
    party = LineFormField(
        label="征求意见对象", max_length=100,
        help_text=f"第三方或其他机关的名称（条例第三十二条、第三十四条）；其答复期限为 {CONSULTATION_DAYS} 个工作日，征求意见的时间不计入答复期限。",
        error_messages={"required": "请填写征求意见对象。"},
    )  # fmt: skip
    note = _note()


class ConsultationAnsweredForm(DayNoteForm):
    party = forms.ChoiceField(label="回复意见的对象", error_messages={"required": "请选择对象。"})

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, on_label="收到意见日期", **kwargs)
        self.fields["party"].choices = [(p, p) for p in parties]
        self.order_fields(["party", "on", "note"])


class ExtensionRequestForm(forms.Form):
    """The clerk's request; the office head decides on the application's page."""

    working_days = forms.IntegerField(
        label="延长工作日数", min_value=1, max_value=MAX_EXTENSION_DAYS,
        help_text=f"条例第三十三条：确需延长的，经政府信息公开工作机构负责人同意，延长不得超过 {MAX_EXTENSION_DAYS} 个工作日，只能延长一次，并告知申请人。",
        error_messages={
            "required": "请填写延长的工作日数。",
            "min_value": "延长工作日数至少为 1。",
            "max_value": f"延长不得超过 {MAX_EXTENSION_DAYS} 个工作日（条例第三十三条）。",
            "invalid": "请填写整数。",
        },
    )  # fmt: skip
    note = _note("延期理由", required=True, help_text="批准后告知申请人。")


class RefuseExtensionForm(forms.Form):
    note = _note("不批准的理由", required=True)


class FeeNoticeForm(forms.Form):
    method = forms.ChoiceField(
        label="计收方式", choices=list(METHODS.items()), widget=forms.RadioSelect,
        help_text="国办函〔2020〕109号：按件计收或按量计收，只能选择其一，不能同时适用。",
        error_messages={"required": "请选择计收方式。", "invalid_choice": "请选择按件或按量计收。"},
    )  # fmt: skip
    pages = forms.IntegerField(
        label="页数（按量计收填写）", required=False, min_value=1, max_value=1_000_000,
        error_messages={"min_value": "页数至少为 1。", "invalid": "请填写整数。",
                        "max_value": "页数过大，请核对。"},
    )  # fmt: skip
    note = _note()

    def clean(self):
        data = super().clean()
        method, pages = data.get("method"), data.get("pages")
        if method == PER_PAGE and not pages and "pages" not in self.errors:
            self.add_error("pages", "按量计收请填写页数。")
        if method == PER_APPLICATION and pages:
            self.add_error("pages", "按件计收不填写页数：两种方式不能同时适用。")
        return data


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label="办理结果", choices=[("", "请选择（只能选一项）")] + OUTCOME_CHOICES,
        help_text="按年度报告表三的分类选择唯一一项；部分公开的只计“部分公开”。"
                  "其他处理-1、-2 通过“逾期未补正”“逾期未缴费”办结，不在此起草。",
        error_messages={"required": "请选择办理结果。", "invalid_choice": "请选择列出的办理结果。"},
    )  # fmt: skip
    letter_type = forms.ChoiceField(
        label="告知书类型", required=False, choices=[("", "按办理结果自动选择")] + LetterType.choices,
        help_text="予以公开中已主动公开的选“已主动公开”；本机关不掌握中属于其他机关负责公开的选“非本机关负责公开”。",
        error_messages={"invalid_choice": "请选择列出的告知书类型。"},
    )  # fmt: skip
    reasons = _note("理由", help_text="不予公开、部分公开的，须说明理由（条例第三十六条）。")
    legal_basis = _note("法律依据", help_text="不予公开、部分公开的，须写明所依据的法律法规条款。")
    other_agency_name = LineFormField(label="负责公开的机关", max_length=100, required=False)
    other_agency_contact = LineFormField(label="该机关联系方式", max_length=200, required=False)
    published_where = LineFormField(
        label="已主动公开的位置", max_length=300, required=False,
        help_text="已主动公开的，告知获取该信息的方式和途径（网址或公开载体）。",
    )  # fmt: skip
    note = _note()


class ServeForm(DayNoteForm):
    method = forms.ChoiceField(
        label="送达方式", choices=ServiceMethod.choices,
        help_text="国办公开办函〔2016〕235号：直接送达、委托其他机关代为送达或邮政送达；不得通过快递送达。",
        error_messages={"required": "请选择送达方式。", "invalid_choice": "请选择列出的送达方式。"},
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, on_label="送达日期", **kwargs)
        self.order_fields(["method", "on", "note"])
