"""The clerks' side of disclosure on request (依申请公开): the register of applications with
their statutory clocks, the case page with its timeline, "how this date was computed"
and one button per step allowed now (``admin_views``), and the answer letters through
the portal's four-eyes review (``admin_letters``).

Personal data of applicants (name, identity document, phone, address, e-mail) is shown
only to users who handle the application (``applications.handle_application`` or, to
decide on an extension, ``approve_extension``, in the receiving agency); lists mask the document number and phone even for them. Titles,
``__str__`` and admin log entries use the application number only."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    F,
    Value,
    When,
)
from django.http import Http404
from django.template.defaultfilters import linebreaksbr
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html

from disclosure.applications import (
    admin_letters,  # noqa: F401  (registers AnswerLetterAdmin)
    admin_views,
    fees,
    services,
)
from disclosure.applications.forms import normalise_id_number
from disclosure.applications.models import (
    OPEN_STATUSES,
    AnswerLetter,
    Application,
    ApplicationEvent,
)
from disclosure.applications.querysets import handling_scope
from disclosure.applications.services.base import HANDLE
from disclosure.applications.vocabularies import Channel, ServiceMethod, outcome_full_label
from portal.admin_inlines import ReadOnlyAdminMixin
from portal.audit import record_personal_data_view
from portal.models import CalendarDay
from portal.redaction import mask_email, mask_id_number, mask_name, mask_phone, redact

Status = Application.Status
# Statuses in which the 20 working days run (not paused, not waiting for the applicant).
RUNNING = (Status.PROCESSING,)
PAUSED = {Status.CONSULTING: "征求意见，暂停计时", Status.AWAITING_FEE: "待缴费，暂停计时"}
DUE_SOON = getattr(settings, "APPLY_DUE_SOON_WORKING_DAYS", 5)
RED, AMBER = "#8c0d14", "#8a5300"


class DeadlineFilter(admin.SimpleListFilter):
    title = "答复期限"
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("overdue", "已超期"), ("soon", f"临期（{DUE_SOON} 个工作日内）"),
                ("paused", "暂停计时"), ("open", "未办结")]  # fmt: skip

    def queryset(self, request, queryset):
        today = timezone.localdate()
        value = self.value()
        if value == "overdue":
            return queryset.overdue(today)
        if value == "soon":
            limit = CalendarDay.objects.around(today).add(today, DUE_SOON)
            return queryset.due_within(today, limit)
        if value == "paused":
            return queryset.filter(status__in=list(PAUSED))
        if value == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset


class ApplicationEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The case timeline, oldest first, newest last; append-only (a database trigger
    refuses changes), so nothing here can be added, changed or deleted."""

    model = ApplicationEvent
    fields = ["on", "kind", "details", "by_name", "at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["at", "pk"]
    verbose_name_plural = "办理记录（按时间顺序，不可修改、不可删除）"

    def has_view_permission(self, request, obj=None):
        return True  # whoever may open the application (the parent's queryset) sees its timeline

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by", "application")

    @admin.display(description="操作人")
    def by_name(self, event):
        if event.by_id is None:
            return "申请人"
        return event.by.get_full_name() or event.by.get_username()

    def get_fields(self, request, obj=None):
        # A note may quote the applicant: masked for those who do not handle the case.
        if obj is not None and not obj.sees_personal:
            return [name if name != "details" else "masked_details" for name in self.fields]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description="说明")
    def details(self, event):
        return linebreaksbr(event_details(event, event.note), autoescape=True)

    @admin.display(description="说明")
    def masked_details(self, event):
        note = redact(event.note, known=event.application.known_personal_data)
        return linebreaksbr(event_details(event, note), autoescape=True)


DATA_LABELS = (("party", "对象"), ("working_days", "延长工作日"), ("approver_name", "批准人"),
               ("approval_note", "批准意见"),
               ("amount", "金额（元）"), ("deadline_on", "申请人期限"),
               ("reply_due_on", "意见答复期限"))  # fmt: skip


def event_details(event, note: str) -> str:
    """The event's note and the facts its data records, in words."""
    data = event.data or {}
    # The days of a request, or of a refused one, were asked, not granted (条例 Art 33).
    asked = event.kind in (ApplicationEvent.Kind.EXTENSION_REQUESTED,
                           ApplicationEvent.Kind.EXTENSION_REFUSED)  # fmt: skip
    parts = [
        f"{'申请延长' if asked and key == 'working_days' else label}：{data[key]}"
        for key, label in DATA_LABELS
        if data.get(key) not in (None, "")
    ]
    channels, methods = dict(Channel.choices), {**fees.METHODS, **dict(ServiceMethod.choices)}
    if data.get("channel"):
        parts.insert(0, f"申请方式：{channels.get(data['channel'], data['channel'])}")
    if data.get("method"):
        parts.append(f"方式：{methods.get(data['method'], data['method'])}")
    details = "；".join(parts)
    return f"{note}\n{details}" if note and details else note or details


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["number", "organization_name", "channel_and_type", "applicant_in_list",
                    "status", "received_day", "due_day", "days_left", "month_count"]  # fmt: skip
    list_filter = [DeadlineFilter, "status", "channel", "applicant_type", "is_high_volume",
                   ("organization", admin.RelatedOnlyFieldListFilter)]  # fmt: skip
    list_select_related = ["organization"]
    search_fields = ["number", "info_title"]
    search_help_text = "按申请编号、所需信息名称或申请人的完整证件号码（本人承办的申请）查找。"
    ordering = ["-submitted_at", "-pk"]  # see get_ordering: open ones first, by due date
    inlines = [ApplicationEventInline]
    change_form_template = "admin/applications/application/change_form.html"
    change_list_template = "admin/applications/application/change_list.html"
    fieldsets = [
        ("申请", {"fields": ["number", "organization", "channel", "status", "submitted_at",
                           "received_on", "due_on", "paused_days", "extended_days",
                           "is_overdue", "shown_outcome", "decided_on", "closed_on",
                           "tracking_code"]}),
        ("申请人", {"fields": ["applicant_type", "applicant", "id_type", "shown_id_number",
                            "shown_contact_person", "shown_phone", "shown_address",
                            "shown_email", "shown_postcode"]}),
        ("所需信息", {"fields": ["info_title", "info_number", "shown_description",
                             "delivery_form", "delivery_method", "fee_waiver_requested",
                             "is_high_volume"]}),
    ]  # fmt: skip
    readonly_fields = [name for _, spec in fieldsets for name in spec["fields"]]

    # --- who sees what ------------------------------------------------------------------

    def get_queryset(self, request):
        user = request.user
        # Not super(): its ordering names the annotations below (open ones first). Who
        # sees which application, and whose details, is the queryset's rule (one rule for
        # the admin, exports and reports).
        # The applicant's place in the calendar month: the count the fee notice uses.
        applications = (
            Application.objects.visible_to(user).with_personal_data_flag(user).with_month_place()
        )
        return applications.annotate(
            open_rank=Case(When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1)),
            open_due=Case(When(status__in=OPEN_STATUSES, then=F("due_on")), default=None),
        ).order_by(*self.get_ordering(request))

    def get_search_results(self, request, queryset, search_term):
        # The document number is encrypted: only its blind index finds it, by the whole
        # number, and only among the applications the user handles, so the search box
        # cannot tell anyone else whether a person has applied.
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = normalise_id_number(search_term)  # as the public form stored it
        if len(term) >= 6 and any(character.isdigit() for character in term):
            digest = Application._meta.get_field("id_number_index").digest(term)
            handled = queryset.handled_by(request.user).filter(id_number_index=digest)
            matches = list(handled.order_by().values_list("pk", flat=True))
            if matches:
                found = found | queryset.filter(pk__in=matches)
        return found, may_have_duplicates

    def changelist_view(self, request, extra_context=None):
        # The register is wide (deadlines, counts, masked contacts): the list gets the
        # whole width instead of sharing it with the admin's side menu.
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def get_ordering(self, request):
        return ["open_rank", "open_due", "-submitted_at", "-pk"]

    def registering_organizations(self, user):
        from portal.models import Organization

        scope = handling_scope(user)  # the agency receives; its office registers for it
        organizations = Organization.objects.all()
        return organizations if scope is None else organizations.filter(pk__in=scope)

    def has_add_permission(self, request):
        return request.user.has_perm(HANDLE)  # the add page registers (application_register)

    def has_change_permission(self, request, obj=None):
        return False  # every change is a step (buttons on the application's page)

    def has_delete_permission(self, request, obj=None):
        return False  # 条例 Art 45: the register keeps every application

    # --- columns ------------------------------------------------------------------------

    @admin.display(description="受理机关", ordering="organization__name")
    def organization_name(self, obj):
        return obj.organization.short_name or obj.organization.name

    @admin.display(description="申请人")
    def applicant(self, obj):
        return obj.name if obj.sees_personal else mask_name(obj.name)

    @admin.display(description="申请方式 / 申请人类型", ordering="channel")
    def channel_and_type(self, obj):
        return format_html(
            '{}<br><span class="apply-masked">{}</span>',
            obj.get_channel_display(), obj.get_applicant_type_display(),
        )  # fmt: skip

    @admin.display(description="申请人 / 证件号码 / 电话")
    def applicant_in_list(self, obj):
        # The document number and phone are masked in lists even for the handler: a
        # list is read over shoulders and printed; the case page shows them in full.
        return format_html(
            '{}<br><span class="apply-masked">{}<br>{}</span>',
            self.applicant(obj), mask_id_number(obj.id_number), mask_phone(obj.phone),
        )  # fmt: skip

    @admin.display(description="受理日期", ordering="received_on")
    def received_day(self, obj):
        return f"{obj.received_on:%Y-%m-%d}" if obj.received_on else "待确认"

    @admin.display(description="答复期限", ordering="due_on")
    def due_day(self, obj):
        return f"{obj.due_on:%Y-%m-%d}" if obj.due_on else "—"

    @admin.display(description="剩余工作日", ordering="open_due")
    def days_left(self, obj):
        if obj.status in PAUSED:
            return PAUSED[obj.status]
        if obj.status == Status.SUPPLEMENT:
            return "待补正，期限重新计算"
        if obj.status not in RUNNING or obj.due_on is None:
            return "—"
        today = timezone.localdate()
        # The calendar read once a minute per process, not per row.
        left = CalendarDay.objects.around(today).between(today, obj.due_on)
        if obj.due_on < today:  # ApplicationQuerySet.overdue's rule, even on a weekend
            return format_html(
                '<strong class="apply-badge" style="background:{}">已超期{}</strong>',
                RED, f" {-left} 个工作日" if left < 0 else "",
            )  # fmt: skip
        if left <= DUE_SOON:
            return format_html(
                '<strong class="apply-badge" style="background:{}">临期：剩 {} 个工作日</strong>',
                AMBER, left,
            )  # fmt: skip
        return f"剩 {left} 个工作日"

    @admin.display(description="本月件数")
    def month_count(self, obj):
        nth = obj.month_nth
        if obj.is_high_volume or nth > services.high_volume_threshold():
            return format_html(
                '<span class="apply-badge" style="background:{}">本月第 {} 件·数量明显超过合理范围</span>',
                AMBER, nth,
            )  # fmt: skip
        return f"本月第 {nth} 件"

    # --- the case page: personal data for handlers only ---------------------------------

    def _shown(self, obj, value, mask=None):
        if obj.sees_personal:
            return value or "—"
        if not value:
            return "—"
        return mask(value) if mask else "（仅承办人员可查看）"

    @admin.display(description="申请人")
    def shown_name(self, obj):
        return self._shown(obj, obj.name, mask_name)

    @admin.display(description="证件号码")
    def shown_id_number(self, obj):
        return self._shown(obj, obj.id_number, mask_id_number)

    @admin.display(description="联系人")
    def shown_contact_person(self, obj):
        return self._shown(obj, obj.contact_person, mask_name)

    @admin.display(description="联系电话")
    def shown_phone(self, obj):
        return self._shown(obj, obj.phone, mask_phone)

    @admin.display(description="通信地址")
    def shown_address(self, obj):
        return self._shown(obj, obj.address)

    @admin.display(description="电子邮箱")
    def shown_email(self, obj):
        return self._shown(obj, obj.email, mask_email)

    @admin.display(description="邮政编码")
    def shown_postcode(self, obj):
        return self._shown(obj, obj.postcode)

    @admin.display(description="所需信息描述")
    def shown_description(self, obj):
        text = obj.description
        if not obj.sees_personal:
            text = redact(text, known=obj.known_personal_data)
        return linebreaksbr(text, autoescape=True) if text else "—"

    @admin.display(description="办理结果")
    def shown_outcome(self, obj):
        return outcome_full_label(obj.outcome) if obj.outcome else "—"

    def get_urls(self):
        return [
            path("<path:object_id>/step/<slug:step>/", self.admin_site.admin_view(self.step_view),
                 name="applications_application_step"),
            *super().get_urls(),
        ]  # fmt: skip

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return admin_views.register_view(self, request)

    def _scoped_object(self, request, object_id):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        application = self.get_object(request, unquote(object_id))
        if application is None:
            raise Http404("没有找到该申请，或该申请不属于您所在机构。")
        return application

    def step_view(self, request, object_id, step):
        if step not in admin_views.STEPS or not self.has_view_permission(request):
            raise PermissionDenied
        application = self._scoped_object(request, object_id)
        return admin_views.step_view(self, request, application, admin_views.STEPS[step])

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = self._scoped_object(request, object_id)
        if application.sees_personal:
            record_personal_data_view(request, application, ["申请人信息", "所需信息描述"])
        today = timezone.localdate()
        letter = AnswerLetter.objects.filter(application=application).first()
        clock = services.clock_of(application, today=today)
        steps = admin_views.available_steps(request.user, application)
        extra_context = {
            **(extra_context or {}),
            "application_steps": steps,
            "may_request_supplement": any(step.name == "supplement" for step in steps),
            "clock": clock,
            # The request the office head decides on (条例 Art 33); its reason may quote
            # the applicant, so only those who see the applicant's details read it.
            "pending_extension": (
                admin_views.extension_request(application) if application.sees_personal else None
            ),
            "overdue_days": -clock.days_left if clock.is_overdue and clock.days_left else 0,
            "answer_letter": letter,
            "monthly_count": services.monthly_count(application),
            "high_volume_threshold": services.high_volume_threshold(),
            "title": "办理政府信息公开申请",
        }
        return super().change_view(request, object_id, form_url, extra_context)
