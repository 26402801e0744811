"""The answer letters (告知书) in the admin: drafted by the application's 起草答复 step,
edited by the clerk while a draft, reviewed by someone other than its drafter and issued
through the portal's four-eyes workflow (``portal.workflow_admin``); approval and issue go
through the applications services so the application's timeline records them. The letter
names the applicant: its text, preview and PDF/DOCX are for handlers; others see it with
the applicant's details masked."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.template.defaultfilters import linebreaksbr
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import content_disposition_header

from disclosure.applications import services
from disclosure.applications.admin_views import refusal, sees_personal
from disclosure.applications.models import AnswerLetter
from disclosure.applications.vocabularies import outcome_full_label
from portal import workflow
from portal.audit import record_personal_data_view
from portal.models import Status as PublicationStatus
from portal.redaction import redact
from portal.scopes import acting_scope, in_scope
from portal.workflow_admin import ReviewQueueFilter, WorkflowAdminMixin


class LetterStatusFilter(admin.SimpleListFilter):
    """The workflow's statuses in the letters' words (``AnswerLetterAdmin.status_labels``)."""

    title = "状态"
    parameter_name = "status__exact"

    def lookups(self, request, model_admin):
        return [(value, model_admin.status_labels.get(value, label))
                for value, label in PublicationStatus.choices]  # fmt: skip

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(AnswerLetter)
class AnswerLetterAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    """告知书: drafted by the 起草答复 step, edited by the clerk, reviewed by someone else,
    issued (the workflow's publish) — which answers the application."""

    list_display = ["application_number", "letter_type", "short_outcome", "status_badge",
                    "application_status", "updated_at"]  # fmt: skip
    list_filter = [ReviewQueueFilter, LetterStatusFilter, "letter_type"]
    list_select_related = ["application"]
    search_fields = ["application__number"]
    ordering = ["-updated_at", "-pk"]
    fields = ["application_link", "letter_type", "outcome", "body", "reasons", "legal_basis",
              "other_agency_name", "other_agency_contact", "published_where"]  # fmt: skip
    readonly_fields = ["application_link", "outcome"]
    change_form_template = "admin/applications/answerletter/change_form.html"
    view_on_site = False  # issued to the applicant, never a public page
    preview_template = "admin/applications/answerletter/preview.html"
    # "Published" means issued to the applicant: nothing here is public.
    status_labels = {PublicationStatus.PUBLISHED: "已发出"}
    live_label = ""
    preview_label = "预览"

    def has_add_permission(self, request):
        return False  # drafted from the application (起草答复)

    def has_change_permission(self, request, obj=None):
        # An issued letter is what the applicant received: it is never edited afterwards.
        if obj is not None and (obj.is_live or obj.last_published_at is not None):
            return False
        return super().has_change_permission(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("application__organization")

    def get_actions(self, request):
        # An issued letter is never withdrawn (AnswerLetter.on_withdraw refuses it).
        actions = super().get_actions(request)
        actions.pop("withdraw_selected", None)
        return actions

    def get_fields(self, request, obj=None):
        if obj is not None and not sees_personal(request.user, obj.application):
            return [name if name != "body" else "masked_body" for name in self.fields]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not sees_personal(request.user, obj.application):
            return self.get_fields(request, obj)
        return self.readonly_fields

    @admin.display(description="申请编号", ordering="application__number")
    def application_number(self, obj):
        return obj.application.number

    @admin.display(description="办理结果", ordering="outcome")
    def short_outcome(self, obj):
        return outcome_full_label(obj.outcome)

    @admin.display(description="申请状态")
    def application_status(self, obj):
        return obj.application.get_status_display()

    @admin.display(description="申请")
    def application_link(self, obj):
        url = reverse("admin:applications_application_change", args=[obj.application_id])
        return format_html('<a href="{}">{}</a>', url, obj.application)

    @admin.display(description="告知书正文（已隐去申请人个人信息）")
    def masked_body(self, obj):
        text = redact(obj.body, known=obj.application.known_personal_data)
        return linebreaksbr(text, autoescape=True)

    # --- the steps: approval and issue go through the applications services, which
    # record them on the application's timeline too ------------------------------------

    def _apply(self, request, step, items, data) -> int:
        done = 0
        for item in items:
            try:
                if step.four_eyes:  # the confidentiality review of the answer
                    services.answer_letter_approve(letter=item, by=request.user,
                                                   note=data.get("note", ""))  # fmt: skip
                elif step.goes_live:  # the letter issued to the applicant
                    services.answer_letter_issue(letter=item, by=request.user)
                else:
                    workflow.perform(item, step=step.name, by=request.user,
                                     note=data.get("note", ""))  # fmt: skip
                done += 1
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"“{item}”：{refusal(error)}",
                                  messages.ERROR)  # fmt: skip
        if done:
            self.message_user(request, f"已{step.label} {done} 项。", messages.SUCCESS)
        return done

    # --- the letter as the applicant receives it ------------------------------------------

    def get_urls(self):
        return [
            path("<path:object_id>/file/<slug:fmt>/", self.admin_site.admin_view(self.file_view),
                 name="applications_answerletter_file"),
            *super().get_urls(),
        ]  # fmt: skip

    def _letter_for_handler(self, request, object_id):
        letter = self.get_object(request, unquote(object_id))
        if letter is None:
            raise Http404("没有找到该告知书。")
        if not sees_personal(request.user, letter.application):
            raise PermissionDenied("告知书含申请人个人信息，仅承办人员可以查看和下载。")
        return letter

    def preview_view(self, request, object_id):
        letter = self._letter_for_handler(request, object_id)
        from disclosure.applications.letters import issued_text

        return TemplateResponse(
            request, self.preview_template, {"letter": letter, "text": issued_text(letter)}
        )

    def file_view(self, request, object_id, fmt):
        letter = self._letter_for_handler(request, object_id)
        record_personal_data_view(request, letter.application, [f"告知书（{fmt}）"])
        # Imported here: the renderers pull in reportlab and python-docx, which only these
        # two downloads need.
        if fmt == "pdf":
            from disclosure.applications.letter_pdf import render_pdf

            content, content_type = render_pdf(letter), "application/pdf"
        elif fmt == "docx":
            from disclosure.applications.letter_docx import render_docx

            content = render_docx(letter)
            content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        else:
            raise Http404
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(
            True, f"{letter.application.number}-告知书.{fmt}"
        )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        letter = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if letter is not None:
            handler = sees_personal(request.user, letter.application)
            if handler:
                record_personal_data_view(request, letter.application, ["告知书"])
            generated = services.generated_text(letter)
            if not handler:
                generated = redact(generated, known=letter.application.known_personal_data)
            extra_context.update(
                generated_text=generated,
                letter_handler=handler,
                letter_in_scope=in_scope(letter.owner_organization_id, acting_scope(request.user)),
            )
        response = super().change_view(request, object_id, form_url, extra_context)
        steps = getattr(response, "context_data", None) or {}
        if "workflow_steps" in steps:
            # No 撤回 button: an issued letter stays issued (AnswerLetter.on_withdraw).
            steps["workflow_steps"] = [s for s in steps["workflow_steps"] if not s.takes_offline]
        return response
