"""Input of the report pages: the 考核 weights and the year-end summary."""

from django import forms

from plans.report_services import MAX_WEIGHT

SUMMARY_MAX_CHARS = 20_000


def _weight(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_WEIGHT,
        error_messages={
            "required": f"请填写{label}。",
            "invalid": f"{label}应为整数。",
            "min_value": f"{label}不能小于 0。",
            "max_value": f"{label}不能大于 {MAX_WEIGHT}。",
        },
    )


class WeightsForm(forms.Form):
    on_time_weight = _weight("按期完成权重")
    progress_weight = _weight("完成进度权重")
    reporting_weight = _weight("按频次报送权重")

    def clean(self):
        data = super().clean()
        weights = [data.get(name) for name in self.fields]
        if all(weight == 0 for weight in weights):
            raise forms.ValidationError("三项权重不能都为 0。", code="no_weight")
        return data


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label="年度总结（年报第六部分）",
        required=False,
        strip=True,
        max_length=SUMMARY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 24}),
        error_messages={
            "max_length": f"总结不能超过 {SUMMARY_MAX_CHARS} 字（现有 %(show_value)d 字）。"
        },
    )
