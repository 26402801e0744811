from django import forms
from django.utils import timezone

from portal.workflow import Step


class WorkflowStepForm(forms.Form):
    """The intermediate page of a workflow step: the opinion or reason, and for
    publishing an optional future publish time."""

    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 60}), required=False)
    publish_at = forms.DateTimeField(
        label="发布时间",
        required=False,
        help_text="留空则立即发布；填写将来的时间则到时自动公开（格式：2026-12-01 09:00）。",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )

    def __init__(self, *args, step: Step, **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        if step.needs_note:
            self.fields["note"].label = step.note_label
            self.fields["note"].required = True
            self.fields["note"].error_messages["required"] = f"请填写{step.note_label}。"
            if step.four_eyes:
                # No ready-made text: the opinion records this item's own review.
                self.fields[
                    "note"
                ].help_text = "逐项写明审查结论，例如是否涉及国家秘密、工作秘密、商业秘密或个人隐私，是否同意公开。"
        else:
            del self.fields["note"]
        if not step.schedulable:
            del self.fields["publish_at"]

    def clean_publish_at(self):
        value = self.cleaned_data.get("publish_at")
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value
