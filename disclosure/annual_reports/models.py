"""政府信息公开工作年度报告 (条例 Arts 49–50): one per organization and year, assembled from
the portal's records (``assembly``), completed by hand (tables 二 and 四, sections 一、五、
六), checked (``checks``) and published through the shared review-then-publish workflow."""

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from disclosure.annual_reports import checks, deadlines, layouts
from disclosure.annual_reports.assembly import layout_matrix
from disclosure.annual_reports.querysets import AnnualReportQuerySet
from portal.fields import BlockField
from portal.models import Organization, Publishable, TimeStampedModel


class AnnualReport(Publishable, TimeStampedModel):
    # What an edit changes and a reviewer reviews, the frozen tables included.
    revision_fields = (
        "year", "organization", "include_sub_organizations", "layout", "figures",
        "overview", "problems", "other_matters", "tables", "assembled_at",
    )  # fmt: skip
    rich_text_fields = ()  # plain text blocks, escaped on the page

    # The 条例 took effect on 1 May 2008: the first reports are on 2008.
    year = models.PositiveSmallIntegerField(
        "年度", validators=[MinValueValidator(2008), MaxValueValidator(2100)]
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="报告机关",
        on_delete=models.PROTECT,
        related_name="annual_reports",
    )
    include_sub_organizations = models.BooleanField(
        "含下属机构",
        default=True,
        help_text="勾选后，统计本机关及其内设处室、直属单位的信息和申请。",
    )
    layout = models.CharField(
        "报告格式",
        max_length=4,
        choices=layouts.LAYOUT_CHOICES,
        blank=True,
        help_text="留空则按年度：2019、2020年度用试行格式，2021年度起用2021年格式。",
    )
    figures = models.JSONField(
        "手工填报数据",
        default=dict,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text="表二（第二十条第（一）项以外）和表四的数字，按格式逐项填写。",
    )
    overview = BlockField("一、总体情况", blank=True, default="")
    problems = BlockField("五、存在的主要问题及改进情况", blank=True, default="")
    other_matters = BlockField("六、其他需要报告的事项", blank=True, default="")
    # Frozen when submitted for review (services.report_submit): the published report
    # keeps the figures it was approved with, whatever the records say later.
    tables = models.JSONField("汇总数据", default=dict, blank=True, editable=False)
    assembled_at = models.DateTimeField("汇总时间", null=True, blank=True, editable=False)

    objects = AnnualReportQuerySet.as_manager()

    class Meta(Publishable.Meta):
        verbose_name = "政府信息公开工作年度报告"
        verbose_name_plural = "政府信息公开工作年度报告"
        ordering = ["-year", "pk"]
        constraints = [
            *Publishable.Meta.constraints,
            models.UniqueConstraint(
                fields=["organization", "year"],
                name="annual_reports_annualreport_unique_year",
                violation_error_message="该机关本年度的年报已存在。",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.layout and self.year:
            self.layout = layouts.default_layout(self.year)
        if self.owner_organization_id is None:
            self.owner_organization_id = self.organization_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("annual_reports:report-detail", kwargs={"pk": self.pk})

    def clean(self):
        if not self.layout and self.year:
            self.layout = layouts.default_layout(self.year)
        if not isinstance(self.figures, dict):
            raise ValidationError({"figures": "手工填报数据格式不正确。"})
        if self.layout and (errors := layouts.figure_errors(self.layout, self.figures)):
            raise ValidationError({"figures": list(errors.values())})

    @property
    def title(self) -> str:
        return f"{self.organization.name}{self.year}年政府信息公开工作年度报告"

    @property
    def deadline(self):
        return deadlines.deadline_for(self.year, self.organization.name)

    def table_three(self) -> dict:
        """Table 三 as this report's format shows it, from the frozen figures."""
        layout = self.layout or layouts.default_layout(self.year)
        return layout_matrix(self.tables.get("applications", {}), layout)

    def check_publishable(self):
        """The format's consistency checks and the required texts (条例 Art 50), every
        failure listed at once."""
        problems = []
        if not self.tables:
            problems.append("尚未汇总数据，请先“重新汇总”。")
        for field, label in [
            ("overview", "一、总体情况"),
            ("problems", "五、存在的主要问题及改进情况"),
        ]:
            if not getattr(self, field).strip():
                problems.append(f"请填写“{label}”。")
        layout = self.layout or layouts.default_layout(self.year)
        problems += checks.report_errors(layout, self.table_three(), self.figures)
        if problems:
            raise ValidationError(["年报未通过校验："] + problems, code="report_checks")
