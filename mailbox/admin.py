"""The handlers' admin: mailboxes, letters with their deadlines and steps, and the
public replies' review. Every step is a button that calls ``mailbox.services``; the
writer's details are masked for anyone who does not handle the letter."""

from datetime import timedelta

import tablib
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import linebreaksbr
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from mailbox import services
from mailbox.clock import calendar_around
from mailbox.deadlines import DUE_SOON, OVERDUE, days_left, urgency
from mailbox.forms import AssignForm, ExtendForm, NoteForm, ReplyTextForm
from mailbox.models import MOVES, Letter, LetterAttachment, LetterEvent, Mailbox, Reply
from portal.admin_inlines import ReadOnlyAdminMixin
from portal.audit import record_personal_data_view
from portal.redaction import find_personal_data, mask_email, mask_name, mask_phone, redact
from portal.workflow_admin import ReviewQueueFilter, WorkflowAdminMixin

Action = LetterEvent.Action
STEPS = {
    # step: (label, action, permission, form)
    "accept": ("受理", Action.ACCEPTED, services.HANDLE, None),
    "reject": ("不予受理", Action.REJECTED, services.HANDLE, NoteForm),
    "assign": ("转办", Action.ASSIGNED, services.HANDLE, AssignForm),
    "reply": ("答复", Action.REPLIED, services.HANDLE, ReplyTextForm),
    "approve": ("审核通过并办结", Action.APPROVED, services.REVIEW, NoteForm),
    "return": ("退回答复", Action.RETURNED, services.REVIEW, NoteForm),
    "extend": ("延期", Action.EXTENDED, services.HANDLE, ExtendForm),
    "pause": ("暂停计时", Action.PAUSED, services.HANDLE, NoteForm),
    "resume": ("恢复计时", Action.RESUMED, services.HANDLE, NoteForm),
}
BADGES = {OVERDUE: ("逾期", "#8c0d14"), DUE_SOON: ("临期", "#9a5b00")}


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "organization", "is_open", "sort_order"]
    list_filter = ["is_open"]
    list_select_related = ["organization"]
    search_fields = ["name", "slug"]
    ordering = ["sort_order", "pk"]
    filter_horizontal = ["administrators"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "organization", "is_open", "sort_order"]}),
        ("写信须知", {"fields": ["description"]}),
        ("管理员", {"fields": ["administrators"]}),
        (
            "办理时限（工作日）",
            {
                "fields": [
                    "consult_days",
                    "complaint_days",
                    "suggestion_days",
                    "help_days",
                    "other_days",
                ]
            },
        ),  # fmt: skip
    ]


class DeadlineFilter(admin.SimpleListFilter):
    title = "办理期限"
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("overdue", "逾期"), ("soon", "临期"), ("paused", "暂停计时"),
                ("provisional", "期限暂定"), ("stale", "超过两个月未答复")]  # fmt: skip

    def queryset(self, request, queryset):
        today = timezone.localdate()
        value = self.value()
        if value == "overdue":
            return queryset.running().filter(due_on__lt=today, paused_since__isnull=True)
        if value == "soon":
            limit = calendar_around(today).add(today, settings.MAILBOX_DUE_SOON_WORKING_DAYS)
            return queryset.running().filter(
                due_on__gte=today, due_on__lte=limit, paused_since__isnull=True
            )
        if value == "paused":
            return queryset.filter(paused_since__isnull=False)
        if value == "provisional":
            return queryset.running().filter(provisional_year__isnull=False)
        if value == "stale":
            return queryset.unanswered_since(timezone.now() - timedelta(days=61))
        return queryset


class LetterEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = LetterEvent
    fields = ["at", "action", "from_status", "to_status", "by", "department", "new_due_on", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "办理记录（不可修改、不可删除）"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by", "department", "letter")

    def get_fields(self, request, obj=None):
        # A note may quote the writer (a rating comment, a reason): masked for those
        # who do not handle the letter, as the letter itself is.
        if obj is not None and not obj.sees_personal:
            return [name if name != "note" else "masked_note" for name in self.fields]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description="说明/理由")
    def masked_note(self, event):
        return redact(event.note, known=event.letter.known_personal_data)


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    list_display = ["tracking_code", "shown_subject", "kind", "mailbox", "writer", "status",
                    "department", "received_on", "shown_due", "shown_days_left", "badge"]  # fmt: skip
    list_filter = [DeadlineFilter, "status", "kind", "mailbox", ("department", admin.RelatedOnlyFieldListFilter)]  # fmt: skip
    list_select_related = ["mailbox", "department"]
    search_fields = ["=tracking_code", "subject"]
    ordering = ["-received_at", "-pk"]
    inlines = [LetterEventInline]
    actions = ["export_csv", "export_xlsx"]
    change_form_template = "admin/mailbox/letter/change_form.html"
    change_list_template = "admin/mailbox/letter/change_list.html"
    fieldsets = [
        ("来信", {"fields": ["tracking_code", "mailbox", "kind", "shown_subject", "shown_body",
                           "attachment_links", "consents_to_publish"]}),
        ("来信人", {"fields": ["writer", "shown_phone", "shown_email"]}),
        ("办理", {"fields": ["status", "received_at", "accepted_on", "shown_due", "department",
                           "shown_reply_text", "replied_by", "replied_at", "closed_at",
                           "reply_working_days", "closed_on_time"]}),
        ("评价", {"fields": ["satisfaction", "shown_comment", "rated_at", "reopen_count"]}),
    ]  # fmt: skip
    readonly_fields = [name for _, spec in fieldsets for name in spec["fields"]]

    def get_queryset(self, request):
        letters = super().get_queryset(request).visible_to(request.user)
        return letters.with_personal_data_flag(request.user).defer("body")

    def has_add_permission(self, request):
        return False  # letters come from citizens only

    def has_change_permission(self, request, obj=None):
        return False  # every change is a step (buttons below the letter)

    def has_delete_permission(self, request, obj=None):
        return False

    # --- columns: personal data only for those who handle the letter ------------------

    @admin.display(description="标题")
    def shown_subject(self, obj):
        return (
            obj.subject if obj.sees_personal else redact(obj.subject, known=obj.known_personal_data)
        )

    @admin.display(description="内容")
    def shown_body(self, obj):
        body = obj.body if obj.sees_personal else redact(obj.body, known=obj.known_personal_data)
        return linebreaksbr(body, autoescape=True)

    @admin.display(description="答复内容")
    def shown_reply_text(self, obj):
        text = obj.reply_text
        if not obj.sees_personal:
            text = redact(text, known=obj.known_personal_data)
        return linebreaksbr(text, autoescape=True)

    @admin.display(description="评价意见")
    def shown_comment(self, obj):
        if obj.sees_personal:
            return obj.satisfaction_comment
        return redact(obj.satisfaction_comment, known=obj.known_personal_data)

    @admin.display(description="姓名")
    def writer(self, obj):
        return obj.name if obj.sees_personal else mask_name(obj.name)

    @admin.display(description="联系电话")
    def shown_phone(self, obj):
        return obj.phone if obj.sees_personal else mask_phone(obj.phone)

    @admin.display(description="电子邮箱")
    def shown_email(self, obj):
        return obj.email if obj.sees_personal else mask_email(obj.email)

    @admin.display(description="附件")
    def attachment_links(self, obj):
        attachments = list(obj.attachments.all())
        if not attachments:
            return "无"
        if not obj.sees_personal:
            return f"{len(attachments)} 个（仅承办人员可查看）"
        return format_html(
            "<br>".join(["{}"] * len(attachments)),
            *[
                format_html(
                    '<a href="{}">{}</a>',
                    reverse("admin:mailbox_letter_attachment", args=[obj.pk, a.pk]),
                    a.original_name,
                )  # fmt: skip
                for a in attachments
            ],
        )

    @admin.display(description="收信日期", ordering="received_at")
    def received_on(self, obj):
        return timezone.localdate(obj.received_at)

    @admin.display(description="办理期限", ordering="due_on")
    def shown_due(self, obj):
        if obj.due_on is None:
            return "—"
        text = f"{obj.due_on:%Y-%m-%d}"
        if obj.paused_since:
            text += f"（{obj.paused_since:%m-%d} 起暂停计时）"
        if obj.provisional_year:
            text += f"（暂定：缺少 {obj.provisional_year} 年节假日数据）"
        return text

    @admin.display(description="剩余工作日")
    def shown_days_left(self, obj):
        if obj.due_on is None or not obj.is_open or obj.status == Letter.Status.RECEIVED:
            return "—"
        today = timezone.localdate()
        return days_left(today=today, due_on=obj.due_on, calendar=calendar_around(today))

    @admin.display(description="提醒")
    def badge(self, obj):
        if not obj.is_open or obj.paused_since or obj.status == Letter.Status.RECEIVED:
            return ""
        today = timezone.localdate()
        found = urgency(today=today, due_on=obj.due_on, calendar=calendar_around(today),
                        soon=settings.MAILBOX_DUE_SOON_WORKING_DAYS)  # fmt: skip
        if not found:
            return ""
        label, colour = BADGES[found]
        return format_html(
            '<span class="mailbox-badge" style="background:{}">{}</span>', colour, label
        )

    def changelist_view(self, request, extra_context=None):
        missing = sorted(
            set(
                self.get_queryset(request)
                .running()
                .filter(provisional_year__isnull=False)
                .values_list("provisional_year", flat=True)
            )
        )
        if missing:
            years = "、".join(str(y) for y in missing)
            self.message_user(
                request,
                f"工作日历缺少 {years} 年的节假日数据，落在该年的办理期限为暂定；"
                "请在“工作日历”中补充后自动重算。",
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)

    # --- steps ------------------------------------------------------------------------

    def get_urls(self):
        return [
            path("<path:object_id>/step/<slug:step>/", self.admin_site.admin_view(self.step_view),
                 name="mailbox_letter_step"),
            path("<path:object_id>/attachment/<int:attachment_id>/",
                 self.admin_site.admin_view(self.attachment_view), name="mailbox_letter_attachment"),
            path("export/<slug:fmt>/", self.admin_site.admin_view(self.export_view),
                 name="mailbox_letter_export"),
            *super().get_urls(),
        ]  # fmt: skip

    def available_steps(self, request, letter) -> list[dict]:
        user = request.user
        steps = []
        for name, (label, action, permission, form_class) in STEPS.items():
            if letter.status not in MOVES[action][0] or not user.has_perm(permission):
                continue
            if name == "pause" and letter.paused_since is not None:
                continue
            if name == "resume" and letter.paused_since is None:
                continue
            if name == "approve" and letter.replied_by_id == user.pk:
                continue
            form = None
            if form_class is AssignForm:
                form = AssignForm(departments=services.assignable_departments(letter), prefix=name)
            elif form_class is not None:
                form = form_class(prefix=name)
            steps.append({"name": name, "label": label, "form": form})
        return steps

    def change_view(self, request, object_id, form_url="", extra_context=None):
        letter = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if letter is not None and letter.sees_personal:
            extra_context["letter_steps"] = self.available_steps(request, letter)
            record_personal_data_view(request, letter, ["姓名", "联系电话", "电子邮箱", "内容"])
        return super().change_view(request, object_id, form_url, extra_context)

    def step_view(self, request, object_id, step):
        letter = self.get_object(request, unquote(object_id))
        if letter is None or step not in STEPS or request.method != "POST":
            raise PermissionDenied
        back = HttpResponseRedirect(reverse("admin:mailbox_letter_change", args=[letter.pk]))
        label, _action, _permission, form_class = STEPS[step]
        if form_class is AssignForm:
            form = AssignForm(request.POST, departments=services.assignable_departments(letter),
                              prefix=step)  # fmt: skip
        else:
            form = form_class(request.POST, prefix=step) if form_class else None
        if form is not None and not form.is_valid():
            errors = "；".join(e for errs in form.errors.values() for e in errs)
            self.message_user(request, f"{label}未完成：{errors}", messages.ERROR)
            return back
        data = form.cleaned_data if form is not None else {}
        try:
            self._perform(step, letter, request.user, data)
        except (ValidationError, PermissionDenied) as error:
            reason = "；".join(error.messages) if isinstance(error, ValidationError) else str(error)
            self.message_user(request, f"{label}未完成：{reason}", messages.ERROR)
            return back
        self.message_user(request, f"已{label}。", messages.SUCCESS)
        return back

    @staticmethod
    def _perform(step, letter, by, data):
        note = data.get("note", "")
        if step == "accept":
            return services.letter_accept(letter=letter, by=by)
        if step == "reject":
            return services.letter_reject(letter=letter, by=by, reason=note)
        if step == "assign":
            return services.letter_assign(letter=letter, by=by, department=data["department"],
                                          note=note)  # fmt: skip
        if step == "reply":
            return services.letter_reply(letter=letter, by=by, text=data["text"])
        if step == "approve":
            return services.letter_approve_reply(letter=letter, by=by, note=note)
        if step == "return":
            return services.letter_return_reply(letter=letter, by=by, note=note)
        if step == "extend":
            return services.letter_extend(letter=letter, by=by, new_due_on=data["new_due_on"],
                                          reason=note)  # fmt: skip
        if step == "pause":
            return services.letter_pause(letter=letter, by=by, reason=note)
        return services.letter_resume(letter=letter, by=by, note=note)

    def attachment_view(self, request, object_id, attachment_id):
        letter = self.get_object(request, unquote(object_id))
        if letter is None or not letter.sees_personal:
            raise PermissionDenied
        record_personal_data_view(request, letter, [f"附件 {attachment_id}"])
        attachment = LetterAttachment.objects.filter(letter=letter, pk=attachment_id).first()
        if attachment is None:
            raise Http404
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError as missing:
            raise Http404 from missing
        return FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type or "application/octet-stream")  # fmt: skip

    # --- export -----------------------------------------------------------------------

    EXPORT_HEADERS = ["查询码", "信箱", "类型", "标题", "姓名", "联系电话", "电子邮箱", "状态",
                      "承办部门", "收信日期", "受理日期", "办理期限", "期限暂定", "办结时间",
                      "按期办结", "答复用时（工作日）", "满意度"]  # fmt: skip

    def export_rows(self, queryset):
        for letter in queryset.select_related("mailbox", "department").iterator(chunk_size=500):
            personal = letter.sees_personal
            yield [
                letter.tracking_code, letter.mailbox.name, letter.get_kind_display(),
                letter.subject if personal else redact(letter.subject, known=letter.known_personal_data),
                letter.name if personal else mask_name(letter.name),
                # Contacts masked even for the handler (issue 13): a file travels further
                # than a screen; the letter's page shows them in full.
                mask_phone(letter.phone),
                mask_email(letter.email),
                letter.get_status_display(),
                letter.department.name if letter.department else "",
                f"{timezone.localdate(letter.received_at)}",
                f"{letter.accepted_on or ''}", f"{letter.due_on or ''}",
                f"缺少{letter.provisional_year}年数据" if letter.provisional_year else "",
                f"{timezone.localtime(letter.closed_at):%Y-%m-%d %H:%M}" if letter.closed_at else "",
                {True: "是", False: "否"}.get(letter.closed_on_time, ""),
                "" if letter.reply_working_days is None else letter.reply_working_days,
                letter.get_satisfaction_display(),
            ]  # fmt: skip

    def _export(self, queryset, fmt: str) -> HttpResponse:
        data = tablib.Dataset(headers=self.EXPORT_HEADERS)
        for row in self.export_rows(queryset):
            data.append(row)
        content = data.export(fmt)
        types = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}  # fmt: skip
        if fmt == "csv":
            content = "\ufeff" + content
        response = HttpResponse(content, content_type=types[fmt])
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="letters-{stamp}.{fmt}"'
        return response

    def export_view(self, request, fmt):
        """The changelist as filtered, searched and ordered (its query string), every
        page of it; the writer's details masked where the user does not handle the letter."""
        if fmt not in ("csv", "xlsx") or not self.has_view_or_change_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:mailbox_letter_changelist"))
        return self._export(changelist.get_queryset(request), fmt)

    @admin.action(description="导出所选来信（CSV）")
    def export_csv(self, request, queryset):
        return self._export(queryset, "csv")

    @admin.action(description="导出所选来信（Excel）")
    def export_xlsx(self, request, queryset):
        return self._export(queryset, "xlsx")


@admin.register(Reply)
class ReplyAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ["title", "mailbox", "kind", "status_badge", "published_at"]
    list_filter = [ReviewQueueFilter, "status", "mailbox"]
    list_select_related = ["mailbox"]
    search_fields = ["title"]
    ordering = ["-updated_at", "-pk"]
    fields = ["title", "letter_text", "answer", "mailbox", "kind", "accepted_on", "replied_on",
              "department", "status", "published_at"]  # fmt: skip
    readonly_fields = ["mailbox", "kind", "accepted_on", "replied_on", "department", "status",
                       "published_at"]  # fmt: skip
    change_form_template = "admin/mailbox/reply/change_form.html"
    preview_template = "mailbox/reply_detail.html"

    def has_add_permission(self, request):
        return False  # drafted from a closed letter whose writer consented

    def preview_context(self, item) -> dict:
        return {"reply": item, "mailbox": item.mailbox, "preview": True}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        reply = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if reply is not None:
            letter = Letter.objects.with_personal_data_flag(request.user).get(pk=reply.letter_id)
            known = letter.known_personal_data
            extra_context["redaction"] = {
                "original_subject": letter.subject if letter.sees_personal else None,
                "original_body": letter.body if letter.sees_personal else None,
                "original_answer": letter.reply_text,
                "suggested": redact(letter.body, known=known),
                "leftovers": [
                    f"{finding.label}：{finding.text}" if letter.sees_personal else finding.label
                    for text in (reply.title, reply.letter_text)
                    for finding in find_personal_data(text, known=known)
                ],
                "consents": letter.consents_to_publish,
            }
        return super().change_view(request, object_id, form_url, extra_context)
