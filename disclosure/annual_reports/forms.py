"""The admin form of a report: its own fields, plus one input per hand-entered cell of its
format (``layouts.figure_specs``), gathered into ``figures`` and validated there."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from disclosure.annual_reports import layouts
from disclosure.annual_reports.models import AnnualReport

FIGURE_PREFIX = "figure__"


def figure_field_name(key: str) -> str:
    return FIGURE_PREFIX + key.replace(".", "__")


class AnnualReportForm(forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = [
            "year", "organization", "include_sub_organizations", "layout",
            "overview", "problems", "other_matters",
        ]  # fmt: skip
        widgets = {
            name: forms.Textarea(attrs={"rows": 10, "cols": 90})
            for name in ("overview", "problems", "other_matters")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        # Figures are entered once the report exists and its format is known.
        self.layout = instance.layout if instance.pk else ""
        if not self.layout:
            return
        figures = instance.figures or {}
        for spec in layouts.figure_specs(self.layout):
            if spec.decimal:
                field = forms.DecimalField(
                    label=spec.label, min_value=0, max_digits=12, decimal_places=4
                )
            else:
                field = forms.IntegerField(
                    label=spec.label,
                    min_value=None if spec.signed else 0,
                    max_value=layouts.MAX_COUNT,
                )
            field.required = False
            field.initial = layouts.figure_value(figures, spec.key, decimal=spec.decimal)
            self.fields[figure_field_name(spec.key)] = field

    def figure_field_names(self) -> list[str]:
        return [name for name in self.fields if name.startswith(FIGURE_PREFIX)]

    def clean(self):
        cleaned = super().clean()
        if not self.layout:
            return cleaned
        figures = {}
        for spec in layouts.figure_specs(self.layout):
            value = cleaned.get(figure_field_name(spec.key))
            figures[spec.key] = Decimal(0) if value is None else value
        layout = cleaned.get("layout") or self.layout
        # A changed format keeps the cells both formats share; the others start at 0.
        keys = {spec.key for spec in layouts.figure_specs(layout)}
        figures = {key: value for key, value in figures.items() if key in keys}
        if errors := layouts.figure_errors(layout, figures):
            raise ValidationError(list(errors.values()))
        self.instance.figures = layouts.normalise_figures(layout, figures)
        return cleaned
