"""The admin side of normative documents (规范性文件): their fieldset, list filters, the
expiry alert, gazette submission (报送公报) and the yearly figures page. Mixed into
``DocumentAdmin``; the rules are ``disclosure.normative``'s."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from disclosure import normative
from disclosure.models import Genre
from disclosure.services import document_record_gazette
from portal.models import Organization

NORMATIVE_FIELDSET = (
    "规范性文件",
    {
        "fields": [
            "is_normative",
            ("registration_number", "registered_on"),
            ("effective_on", "expires_on"),
            "gazette_status",
        ],
        "description": (
            "统一登记、统一编号、统一发布。生效日期与有效期至可留空，发布时按规则填入；"
            "有效期届满后自动显示为失效。废止或修改时，在“日期与效力”中选择有效性和替代文件。"
        ),
    },
)


class NormativeFilter(admin.SimpleListFilter):
    title = "规范性文件"
    parameter_name = "normative"

    def lookups(self, request, model_admin):
        return [("yes", "是"), ("no", "否")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(is_normative=self.value() == "yes")
        return queryset


class ExpiryFilter(admin.SimpleListFilter):
    """有效期提醒 (statutory.md §1): evaluate a document 6 months before it expires."""

    title = "有效期提醒"
    parameter_name = "expiry"

    def lookups(self, request, model_admin):
        months = settings.NORMATIVE_EXPIRY_ALERT_MONTHS
        return [("soon", f"即将到期（{months}个月内）"), ("lapsed", "已过有效期")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "soon":
            return queryset.expiring(today, normative.alert_until(today))
        if self.value() == "lapsed":
            return queryset.lapsed(today)
        return queryset


class GazetteFilter(admin.SimpleListFilter):
    title = "报送公报"
    parameter_name = "gazette"

    def lookups(self, request, model_admin):
        return [("overdue", "逾期未报送"), ("pending", "未报送"), ("sent", "已报送")]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return normative.gazette_overdue(queryset, today=timezone.localdate())
        if self.value() == "pending":
            return queryset.normative().filter(gazette_submitted_on__isnull=True)
        if self.value() == "sent":
            return queryset.normative().filter(gazette_submitted_on__isnull=False)
        return queryset


class GazetteSubmissionForm(forms.Form):
    submitted_on = forms.DateField(
        label="报送日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="报送政府公报的日期；不能晚于今天。",
    )


INTERPRETATION_CHOICES = [
    ("auto", "按规则自动判断"),
    ("yes", "需要解读"),
    ("no", "不需要解读"),
]
INTERPRETATION_HELP = (
    "按规则：规范性文件，以及本机关发布的决定、命令（令）、意见、通知、通告需要解读；"
    "保存后可在修改页调整。"
)


def _interpretation_rule(data) -> bool:
    """``needs_interpretation_default`` on what the form names (ids or objects)."""
    genre, organization = data.get("genre"), data.get("organization")
    if genre is not None and not isinstance(genre, Genre):
        genre = Genre.objects.filter(pk=genre).first() if str(genre).isdigit() else None
    if organization is not None and not isinstance(organization, Organization):
        organization = (
            Organization.objects.filter(pk=organization).first()
            if str(organization).isdigit()
            else None
        )
    is_normative = data.get("is_normative")
    if isinstance(is_normative, str):
        is_normative = is_normative.lower() in ("1", "true", "on")
    return normative.needs_interpretation_default(
        is_normative=bool(is_normative),
        genre_name=genre.name if genre else "",
        organization_kind=organization.kind if organization else "",
    )


def _with_interpretation_choice(form_class):
    """The add form asks 需要解读 as 按规则/需要/不需要; 按规则 becomes the rule's answer
    on the genre, organization and normative flag the clerk chose."""

    class AddForm(form_class):
        def clean(self):
            cleaned = super().clean()
            choice = cleaned.get("needs_interpretation") or "auto"
            cleaned["needs_interpretation"] = (
                _interpretation_rule(cleaned) if choice == "auto" else choice == "yes"
            )
            return cleaned

    AddForm.base_fields["needs_interpretation"] = forms.ChoiceField(
        label="需要解读",
        choices=INTERPRETATION_CHOICES,
        initial="auto",
        required=False,
        help_text=INTERPRETATION_HELP,
    )
    AddForm.__name__ = form_class.__name__
    return AddForm


class NormativeAdminMixin:
    """For ``DocumentAdmin``: normative columns when the list shows normative documents,
    the alert for those due for evaluation, gazette submission and yearly figures."""

    normative_list_display = ["registration_number", "validity_now", "expires_on", "gazette"]

    # --- the form ---------------------------------------------------------------------

    @admin.display(description="报送公报")
    def gazette_status(self, obj):
        if obj is None or obj.pk is None or not obj.is_normative:
            return "—"
        due = normative.gazette_due_on(obj)
        status = normative.gazette_statuses([obj], today=timezone.localdate()).get(obj.pk)
        if due is None or status is None:
            return "填写成文日期后计算报送期限"
        return status.label

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and "needs_interpretation" in form.base_fields:
            form = _with_interpretation_choice(form)
        return form

    def get_changeform_initial_data(self, request):
        """A new document opened with its genre or organization (``?genre=…``) starts with
        the rule's answer; otherwise with 按规则自动判断."""
        initial = super().get_changeform_initial_data(request)
        if {"genre", "organization", "is_normative"} & initial.keys():
            initial.setdefault(
                "needs_interpretation", "yes" if _interpretation_rule(initial) else "no"
            )
        return initial

    # --- the list ---------------------------------------------------------------------

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if {"normative", "expiry", "gazette"} & request.GET.keys():
            columns[1:1] = self.normative_list_display
        return columns

    @admin.display(description="当前有效性")
    def validity_now(self, obj):
        return obj.current_validity or "—"

    @admin.display(description="报送公报")
    def gazette(self, obj):
        status = getattr(obj, "gazette_info", None)
        if status is None:
            return "—"
        if status.overdue:
            return format_html('<strong style="color:#b5121b">{}</strong>', status.label)
        return status.label

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        rows = list(changelist.result_list)
        statuses = normative.gazette_statuses(rows, today=timezone.localdate())
        for row in rows:
            row.gazette_info = statuses.get(row.pk)
        return changelist

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET" and "expiry" not in request.GET:
            today = timezone.localdate()
            due = self.get_queryset(request).expiring(today, normative.alert_until(today))
            if count := due.count():
                url = reverse("admin:disclosure_document_changelist") + "?expiry=soon"
                self.message_user(
                    request,
                    format_html(
                        '有 {} 件规范性文件将在{}个月内到期，请及时评估是否继续有效：<a href="{}">查看</a>',
                        count,
                        settings.NORMATIVE_EXPIRY_ALERT_MONTHS,
                        url,
                    ),
                    messages.WARNING,
                )
        return super().changelist_view(request, extra_context)

    # --- gazette submission -----------------------------------------------------------

    @admin.action(description="登记报送公报", permissions=["change"])
    def record_gazette_submission(self, request, queryset):
        documents = list(queryset.filter(is_normative=True))
        if not documents:
            self.message_user(request, "所选文件中没有规范性文件。", messages.WARNING)
            return None
        form = GazetteSubmissionForm(
            request.POST if "apply" in request.POST else None,
            initial={"submitted_on": timezone.localdate()},
        )
        if not (form.is_bound and form.is_valid()):
            opts = self.model._meta
            return TemplateResponse(
                request,
                "admin/disclosure/document/gazette_submission.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "登记报送公报",
                    "opts": opts,
                    "items": documents,
                    "form": form,
                    "action_checkbox_name": ACTION_CHECKBOX_NAME,
                },
            )
        done = 0
        for document in documents:
            try:
                document_record_gazette(
                    document=document,
                    by=request.user,
                    submitted_on=form.cleaned_data["submitted_on"],
                )
                done += 1
            except (ValidationError, PermissionDenied) as error:
                reason = (
                    "；".join(error.messages) if isinstance(error, ValidationError) else str(error)
                )
                self.message_user(request, f"“{document}”：{reason}", messages.ERROR)
        if done:
            self.message_user(request, f"已登记 {done} 件的报送公报日期。", messages.SUCCESS)
        return None

    # --- yearly figures ---------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "normative-statistics/",
                self.admin_site.admin_view(self.statistics_view),
                name="disclosure_document_normative_statistics",
            ),
            *super().get_urls(),
        ]

    def statistics_view(self, request):
        """本年制发、本年废止、现行有效 per year (the annual report's table 二), for one
        organization with its departments or for all."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        organizations = list(Organization.objects.all())
        chosen = next(
            (o for o in organizations if str(o.pk) == request.GET.get("organization", "")), None
        )
        today = timezone.localdate()
        rows = [
            normative.yearly_counts(year, chosen, today=today)
            for year in normative.counted_years(today=today)
        ]
        return TemplateResponse(
            request,
            "admin/disclosure/document/normative_statistics.html",
            {
                **self.admin_site.each_context(request),
                "title": "规范性文件统计",
                "opts": self.model._meta,
                "rows": rows,
                "organizations": organizations,
                "chosen": chosen,
                "today": today,
            },
        )
