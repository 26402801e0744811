"""The steps of an application in the admin: which buttons a clerk sees in which status,
the small form page of each, and the call to its service. A refusal (a wrong status, a
deadline passed, no permission) is a Chinese message on the same page, never a 500; a
done step writes exactly the one event its service appends."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from disclosure.applications import admin_forms as f
from disclosure.applications import fees, services
from disclosure.applications.models import ALLOWED, Application, ApplicationEvent
from disclosure.applications.querysets import handling_filter, handling_scope
from disclosure.applications.services.base import APPROVE_EXTENSION, HANDLE
from portal.models import Status as PublicationStatus
from portal.scopes import in_scope

Kind = ApplicationEvent.Kind


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    kind: str
    form: type
    intro: str = ""
    # Taken by the office head on a pending extension request (approve_extension, not
    # handle_application), never by the clerk who asked.
    decides_extension: bool = False


STEPS = {
    step.name: step
    for step in [
        Step("confirm", "确认受理", Kind.CONFIRMED, f.DayNoteForm,
             "网上申请、传真和平信，与申请人确认之日为收到日期（条例第三十一条），答复期限自次日起计算。"),
        Step("supplement", "告知补正", Kind.SUPPLEMENT_REQUESTED, f.SupplementForm,
             "条例第三十条：自收到申请之日起 7 个工作日内一次性告知需要补正的全部事项；"
             "答复期限自收到补正之日起重新计算。补正期限由系统按规定工作日数设定。"),
        Step("supplement_received", "收到补正", Kind.SUPPLEMENT_RECEIVED, f.DayNoteForm,
             "收到补正材料之日起重新计算 20 个工作日的答复期限。"),
        Step("supplement_expired", "逾期未补正", Kind.SUPPLEMENT_EXPIRED, f.NoteForm,
             "申请人无正当理由逾期不补正的，视为放弃申请，按“其他处理-1”办结（条例第三十条）。"),
        Step("consult", "征求第三方/其他机关意见", Kind.CONSULTATION_SENT, f.ConsultForm,
             "条例第三十二条、第三十四条：第三方或有关机关应在 15 个工作日内提出意见；征求意见的时间不计入答复期限。"),
        Step("consultation_answered", "收到意见", Kind.CONSULTATION_ANSWERED,
             f.ConsultationAnsweredForm,
             "收到意见后恢复计时；15 个工作日内未答复的，期满后自动恢复计时，逾期意见仍可记录。"
             "共同制作机关逾期未提出意见的视为同意公开，请在说明中注明。"),
        Step("request_extension", "申请延期", Kind.EXTENSION_REQUESTED, f.ExtensionRequestForm,
             "答复期限只能延长一次，不超过 20 个工作日，须经政府信息公开工作机构负责人批准并告知申请人（条例第三十三条）。"
             "提交后由负责人批准或不批准；批准前答复期限不变。"),
        Step("approve_extension", "批准延期", Kind.EXTENDED, f.NoteForm,
             "批准后答复期限按申请的工作日数延长，延期理由告知申请人（条例第三十三条）；答复期限届满后不能再批准。",
             decides_extension=True),
        Step("refuse_extension", "不批准延期", Kind.EXTENSION_REFUSED, f.RefuseExtensionForm,
             "不批准的，答复期限不变，经办人可重新申请。", decides_extension=True),
        Step("fee_notice", "收费通知", Kind.FEE_NOTICE, f.FeeNoticeForm,
             "国办函〔2020〕109号：申请数量、频次明显超过合理范围的，可按件或按量收取信息处理费，二者不能同时适用；"
             "收费通知至缴费期间不计入答复期限。"),
        Step("fee_paid", "已缴费", Kind.FEE_PAID, f.DayNoteForm, "缴费之日起恢复计时。"),
        Step("fee_expired", "逾期未缴费", Kind.FEE_EXPIRED, f.NoteForm,
             "申请人逾期未缴纳信息处理费的，视为放弃申请，按“其他处理-2”办结。"),
        Step("answer", "起草答复", Kind.ANSWER_DRAFTED, f.AnswerForm,
             "选择唯一一项办理结果，系统按条例第三十六条生成答复告知书；告知书经他人审核后发出。"),
        Step("serve", "送达", Kind.SERVED, f.ServeForm,
             "答复告知书已发出后，记录送达方式和日期；不得通过快递送达。"),
        Step("withdraw", "申请人撤回", Kind.WITHDRAWN, f.NoteForm,
             "申请人撤回申请的，记录撤回方式后办结（其他处理-3）。"),
    ]
}  # fmt: skip
DAY_LABELS = {
    "confirm": "确认日期（收到日期）",
    "supplement_received": "收到补正日期",
    "fee_paid": "缴费日期",
}


REGISTER_FIELDSETS = [
    ("受理", ["receiving_organization", "channel", *f.DATE_FACTS]),
    ("申请人", ["applicant_kind", "organization_type", "name", "contact_person", "id_type",
             "id_number", "phone", "address", "postcode", "email"]),
    ("所需信息", ["info_title", "info_number", "description", "delivery_form",
               "delivery_method", "fee_waiver_requested"]),
]  # fmt: skip


def register_fieldsets(form) -> list[tuple[str, list]]:
    """The register form in groups; a field the public form gains later is still shown."""
    placed = {name for _title, names in REGISTER_FIELDSETS for name in names}
    groups = [
        (title, [form[name] for name in names if name in form.fields])
        for title, names in REGISTER_FIELDSETS
    ]
    rest = [form[name] for name in form.fields if name not in placed]
    return groups + ([("其他", rest)] if rest else [])


def may_handle(user, application) -> bool:
    """The service's rule (``services.base.for_handling``): the handling permission and
    the application received by the user's agency."""
    return user.has_perm(HANDLE) and in_scope(application.organization_id, handling_scope(user))


def sees_personal(user, application) -> bool:
    """Whether ``user`` may see the applicant's personal data (the queryset's rule:
    those who handle applications of its organization)."""
    condition = handling_filter(user)
    if condition is None:
        return True
    return Application.objects.filter(condition, pk=application.pk).exists()


def open_parties(application) -> list[str]:
    """The parties consulted whose opinion has not come back yet, in the order asked."""
    waiting: list[str] = []
    for event in application.events.filter(
        kind__in=[Kind.CONSULTATION_SENT, Kind.CONSULTATION_ANSWERED]
    ).order_by("at", "pk"):
        party = str((event.data or {}).get("party", ""))
        if event.kind == Kind.CONSULTATION_SENT:
            waiting.append(party)
        elif party in waiting:
            waiting.remove(party)
        elif waiting:
            waiting.pop(0)
    return waiting


def may_decide_extension(user, application) -> bool:
    """Holds ``approve_extension`` (the office head or a delegate) for the receiving
    agency; ``handle_application`` is not needed (条例 Art 33)."""
    return user.has_perm(APPROVE_EXTENSION) and in_scope(
        application.organization_id, handling_scope(user)
    )


def available_steps(user, application) -> list[Step]:
    """The steps allowed in the application's status that ``user`` may take now: the
    handling steps for handlers; the decision on a pending extension request for
    approvers other than the clerk who asked (the services check all of it again)."""
    handler = may_handle(user, application)
    approver = may_decide_extension(user, application)
    if not (handler or approver):
        return []
    done = set(application.events.values_list("kind", flat=True))
    pending = services.pending_extension(application)
    letter = getattr(application, "answer_letter", None)
    steps = []
    for step in STEPS.values():
        if application.status not in ALLOWED[step.kind]:
            continue
        if step.decides_extension:
            if approver and pending is not None and pending.by_id != user.pk:
                steps.append(step)
            continue
        if not handler:
            continue
        if step.kind in (Kind.SUPPLEMENT_REQUESTED, Kind.FEE_NOTICE) and step.kind in done:
            continue  # once only (条例 Art 30; one fee notice per application)
        if step.kind == Kind.CONSULTATION_ANSWERED and not open_parties(application):
            continue  # nothing asked is still unanswered (a late reply may still come)
        if step.kind == Kind.EXTENSION_REQUESTED and (Kind.EXTENDED in done or pending):
            continue  # extended once only, one request at a time (条例 Art 33)
        if (
            step.kind == Kind.ANSWER_DRAFTED
            and letter is not None
            and (letter.is_live or letter.status != PublicationStatus.DRAFT)
        ):
            continue
        steps.append(step)
    return steps


def extension_request(application) -> dict | None:
    """The pending extension request as the approver reads it: days, reason, who asked
    and the due date it would move."""
    request = services.pending_extension(application)
    if request is None:
        return None
    return {
        "working_days": request.data.get("working_days"),
        "reason": request.note,
        "by": (request.by.get_full_name() or request.by.get_username()) if request.by else "",
        "on": request.on,
    }


def build_form(step: Step, application, user, data=None):
    if step.form is f.DayNoteForm:
        return f.DayNoteForm(data, on_label=DAY_LABELS.get(step.name, "日期"))
    if step.form is f.ConsultationAnsweredForm:
        return f.ConsultationAnsweredForm(data, parties=open_parties(application))
    if step.form is f.NoteForm and step.decides_extension:
        return f.NoteForm(data, note_label="批准意见")
    return step.form(data)


def perform(step: Step, application, by, data: dict):
    """Call the step's service; returns what it returns."""
    note = data.get("note", "")
    common = {"application": application, "by": by}
    name = step.name
    if name == "confirm":
        return services.application_confirm(**common, on=data.get("on"), note=note)
    if name == "supplement":
        items = data["items"] + (f"\n{note}" if note else "")
        return services.application_request_supplement(**common, items=items)
    if name == "supplement_received":
        return services.application_receive_supplement(**common, on=data.get("on"), note=note)
    if name == "supplement_expired":
        return services.application_supplement_expired(**common)
    if name == "consult":
        return services.application_consult(**common, party=data["party"], note=note)
    if name == "consultation_answered":
        return services.application_consultation_answered(
            **common, party=data["party"], on=data.get("on"), note=note
        )
    if name == "request_extension":
        return services.application_request_extension(
            **common, working_days=data["working_days"], reason=note
        )
    if name == "approve_extension":
        return services.application_approve_extension(**common, note=note)
    if name == "refuse_extension":
        return services.application_refuse_extension(**common, note=note)
    if name == "fee_notice":
        pages = data.get("pages") if data["method"] == fees.PER_PAGE else None
        return services.application_fee_notice(
            **common, method=data["method"], pages=pages, note=note
        )
    if name == "fee_paid":
        return services.application_fee_paid(**common, on=data.get("on"), note=note)
    if name == "fee_expired":
        return services.application_fee_expired(**common)
    if name == "answer":
        return services.application_answer(
            **common, outcome=data["outcome"], letter_type=data.get("letter_type") or None,
            reasons=data.get("reasons", ""), legal_basis=data.get("legal_basis", ""),
            other_agency_name=data.get("other_agency_name", ""),
            other_agency_contact=data.get("other_agency_contact", ""),
            published_where=data.get("published_where", ""),
        )  # fmt: skip
    if name == "serve":
        return services.application_serve(
            **common, method=data["method"], on=data.get("on"), note=note
        )
    if name == "withdraw":
        return services.application_withdraw(**common, note=note)
    raise PermissionDenied


def refusal(error) -> str:
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error) or "您没有执行此操作的权限。"


def fee_preview(application) -> dict:
    """What the fee notice would say, per application (per page needs the count of pages
    the clerk enters), and the applicant's count this month (109号)."""
    count = services.monthly_count(application)
    fee = fees.calculate(method=fees.PER_APPLICATION, monthly_count=count)
    threshold = services.high_volume_threshold()
    return {
        "monthly_count": count,
        "per_application": fee,
        "high_volume": count > threshold or application.is_high_volume,
        "threshold": threshold,
        "page_bands": fees.PAGE_BANDS,
        "free_pages": fees.FREE_PAGES,
    }


def step_view(model_admin, request, application, step: Step):
    """GET: the step's form page; POST: the service call, then back to the application."""
    change_url = reverse("admin:applications_application_change", args=[application.pk])
    if step not in available_steps(request.user, application):
        model_admin.message_user(
            request,
            f"{step.label}未完成：申请当前状态为“{application.get_status_display()}”，"
            "或您无权办理此申请，不能执行此步骤。",
            messages.ERROR,
        )
        return HttpResponseRedirect(change_url)
    form = build_form(
        step, application, request.user, request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = perform(step, application, request.user, form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            model_admin.message_user(
                request, f"{step.label}未完成：{refusal(error)}", messages.ERROR
            )
        else:
            # The log names the application by its number only, never the applicant.
            model_admin.log_change(request, application, step.label)
            done = f"{application}：已{step.label}。"
            if step.name == "fee_notice":
                done += (
                    f"应收信息处理费 {result[1].amount} 元（{'；'.join(result[1].explanation)}）。"
                )
            model_admin.message_user(request, done, messages.SUCCESS)
            return HttpResponseRedirect(change_url)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"{step.label}：{application}",
        "opts": model_admin.model._meta,
        "original": application,
        "step": step,
        "form": form,
        "change_url": change_url,
        "today": timezone.localdate(),
    }
    if step.name == "fee_notice":
        context["fee"] = fee_preview(application)
    if step.name == "supplement":
        context["clock"] = services.clock_of(application, today=timezone.localdate())
    if step.decides_extension:
        context["pending_extension"] = extension_request(application)
    return TemplateResponse(request, "admin/applications/application/step_form.html", context)


def register_view(model_admin, request):
    """The add page: a clerk registers an application received in person, by post, fax,
    e-mail or orally; the service allocates its number and tracking code."""
    organizations = model_admin.registering_organizations(request.user)
    form = f.RegisterForm(
        request.POST if request.method == "POST" else None, organizations=organizations
    )
    if request.method == "POST" and form.is_valid():
        try:
            application, password = services.application_register(
                data=form.register_data(),
                channel=form.cleaned_data["channel"],
                received_on=form.cleaned_data["received_on"],
                by=request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            model_admin.message_user(request, f"登记未完成：{refusal(error)}", messages.ERROR)
        else:
            model_admin.log_addition(request, application, "登记")
            # Shown once: the applicant needs the code and password to follow the case;
            # only the password's hash is stored.
            return TemplateResponse(
                request,
                "admin/applications/application/registered.html",
                {
                    **model_admin.admin_site.each_context(request),
                    "title": f"已登记：{application}",
                    "opts": model_admin.model._meta,
                    "original": application,
                    "password": password,
                    "change_url": reverse(
                        "admin:applications_application_change", args=[application.pk]
                    ),
                },
            )
    return TemplateResponse(
        request,
        "admin/applications/application/register.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": "登记政府信息公开申请",
            "opts": model_admin.model._meta,
            "form": form,
            "fieldsets": register_fieldsets(form),
            "channel_rules": [
                (label, channels, help_text) for label, channels, help_text in f.DATE_FACTS.values()
            ],
        },
    )
