"""The applicant's pages: the application form, the page showing the tracking code and
query password, the tracking page and the answer letter's downloads.

Personal data never leaves these pages unmasked: the tracking page shows the name
partly, the identity document and phone by their first 3 and last 4 characters, the
timeline without internal notes or clerks' names. Downloads are authorised by the
tracking session (a code and password checked in this browser), never by a number alone.
"""

import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from disclosure.applications import services
from disclosure.applications.clock import CONSULTATION_DAYS
from disclosure.applications.forms import ApplicationForm
from disclosure.applications.letter_docx import render_docx
from disclosure.applications.letter_pdf import render_pdf
from disclosure.applications.letters import issued_text
from disclosure.applications.models import AnswerLetter, Application, ApplicationEvent
from portal import antiabuse, credentials
from portal.citizen_forms import TrackForm
from portal.errors import error_response
from portal.redaction import mask_id_number, mask_name, mask_phone

CAPTCHA_NAMESPACE = "applications"
SESSION_KEY = "applications.tracked"
SESSION_MAX_AGE = 2 * 60 * 60  # seconds a tracking session may download the letter
Kind = ApplicationEvent.Kind
# What the applicant's timeline shows: the step and its day, never who or internal notes;
# drafting, review and the year-end rollover are the office's own business.
PUBLIC_STEPS = {
    Kind.SUBMITTED: "网上提交申请",
    Kind.REGISTERED: "登记申请",
    Kind.CONFIRMED: "确认收到申请",
    Kind.SUPPLEMENT_REQUESTED: "告知补正",
    Kind.SUPPLEMENT_RECEIVED: "收到补正，重新计算答复期限",
    Kind.SUPPLEMENT_EXPIRED: "逾期未补正",
    Kind.CONSULTATION_SENT: "征求第三方或有关机关意见（不计入答复期限）",
    Kind.CONSULTATION_ANSWERED: "收到征求意见的答复",
    Kind.EXTENDED: "延长答复期限",
    Kind.FEE_NOTICE: "发出收费通知（缴费前暂停计时）",
    Kind.FEE_PAID: "已缴纳信息处理费",
    Kind.FEE_EXPIRED: "逾期未缴费",
    Kind.ANSWERED: "作出答复",
    Kind.SERVED: "送达答复",
    Kind.WITHDRAWN: "申请已撤回",
}

# The notes written for the applicant (条例 Art 30: what to supplement; Art 33: why the
# period is extended; 109号: the fee notice); every other note is the office's own.
APPLICANT_NOTES = {
    Kind.SUPPLEMENT_REQUESTED: "需要补正的事项",
    Kind.EXTENDED: "延期理由",
    Kind.FEE_NOTICE: "收费说明",
}


def _office():
    """The receiving organization and its published 政府信息公开指南 (the office's address,
    hours and phone, 条例 Art 22), each None when not set up. The guide is reached through
    the organization's reverse relation, so this app imports nothing from ``disclosure``."""
    try:
        organization = services.receiving_organization()
    except ValidationError:
        return None, None
    guide = getattr(organization, "disclosure_guide", None)
    return organization, (guide if guide is not None and guide.is_live else None)


@sensitive_post_parameters()  # the whole form: it is the citizen's (error reports)
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def application_create(request):
    if request.method != "POST":
        form = ApplicationForm(initial={"submission_token": credentials.new_submission_token()})
        return _form_page(request, form)
    token = request.POST.get("submission_token", "")
    # A replay of a form already sent shows that application again, before any other check.
    done = (
        Application.objects.filter(submission_token=token).first()
        if credentials.is_submission_token(token)
        else None
    )
    if done is not None:
        return _success_page(request, done, token)
    form = ApplicationForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    data = form.cleaned_data
    if not antiabuse.check_captcha(
        data["captcha_token"], data["captcha"], namespace=CAPTCHA_NAMESPACE
    ):
        form.add_error("captcha", "验证问题回答不正确，请看新的问题重新作答。")
        return _form_page(request, form, status=400)
    ip = antiabuse.client_ip(request)
    applicant = f"{data['id_type']}:{data['id_number']}"
    if not (
        antiabuse.allow("apply-ip", ip, limit=settings.APPLY_SUBMIT_PER_IP_HOUR, window=3600)
        and antiabuse.allow(
            "apply-id", applicant, limit=settings.APPLY_SUBMIT_PER_ID_DAY, window=86400
        )
    ):
        return _form_page(
            request, form, status=429,
            notice="提交过于频繁：同一网络或同一证件在短时间内提交的申请已达上限，请明天再提交，"
            "或通过当面提交、邮寄等方式申请。",
        )  # fmt: skip
    try:
        application = services.application_submit(
            data=form.application_data(), submission_token=data["submission_token"]
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _form_page(request, form, status=400)
    return _success_page(request, application, data["submission_token"])


def _form_page(request, form, *, status=200, notice=""):
    challenge = antiabuse.refresh_challenge(form, namespace=CAPTCHA_NAMESPACE)
    organization, guide = _office()
    return render(
        request,
        "applications/application_form.html",
        {
            "form": form,
            "challenge": challenge,
            "notice": notice,
            "test_mode": settings.CAPTCHA_TEST_MODE,
            "organization": organization,
            "guide": guide,
        },
        status=status,
    )


def _success_page(request, application, token):
    response = render(
        request,
        "applications/application_done.html",
        {"application": application, "password": services.query_password(token)},
    )
    response["Cache-Control"] = "no-store"
    return response


@sensitive_post_parameters()  # the whole form: it is the citizen's (error reports)
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def application_track(request):
    """Code and password → status, deadlines, the public timeline and the answer letter.
    A wrong code and a wrong password get the same answer; failures are throttled."""
    if request.method != "POST":
        return render(request, "applications/application_track.html", {"form": TrackForm()})
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "applications/application_track.html", {"form": form}, status=400)
    ip = antiabuse.client_ip(request)
    limit, window = settings.APPLY_TRACK_FAILURES_PER_IP_HOUR, 3600
    if antiabuse.over_limit("apply-track-ip", ip, limit=limit, window=window):
        form.add_error(None, "查询失败次数过多，请一小时后再试。")
        return render(request, "applications/application_track.html", {"form": form}, status=429)
    application = services.application_find(
        tracking_code=form.cleaned_data["tracking_code"], password=form.cleaned_data["password"]
    )
    if application is None:
        antiabuse.allow("apply-track-ip", ip, limit=limit, window=window)  # count the failure
        form.add_error(None, "查询码或查询密码不正确，请核对后重试。")
        return render(request, "applications/application_track.html", {"form": form}, status=400)
    request.session.cycle_key()  # a fresh session id for what this browser may now download
    request.session[SESSION_KEY] = {"pk": application.pk, "at": int(time.time())}
    return _track_result(request, application)


def _track_result(request, application):
    today = timezone.localdate()
    clock = services.clock_of(application, today=today)
    events = list(application.events.order_by("at", "pk"))
    letter = _issued_letter(application)
    response = render(
        request,
        "applications/application_track.html",
        {
            "application": application,
            "clock": clock,
            "days_overdue": -clock.days_left if clock.days_left and clock.days_left < 0 else 0,
            "history": [
                (
                    e.on,
                    PUBLIC_STEPS[e.kind],
                    APPLICANT_NOTES.get(e.kind, ""),
                    e.note if e.kind in APPLICANT_NOTES else "",
                )
                for e in events
                if e.kind in PUBLIC_STEPS
            ],  # fmt: skip
            "notes": _status_notes(application, clock),
            "masked": _masked(application),
            "letter": letter,
            "letter_text": _masked_letter(application, letter) if letter else "",
            "letter_kind": letter.get_letter_type_display() if letter else "",
            "is_open": application.is_open,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def _issued_letter(application):
    """The answer letter once issued (the workflow's publish step), else None."""
    return AnswerLetter.objects.filter(application=application, is_live=True).first()


def _status_notes(application, clock) -> list[str]:
    """Plain sentences on why the clock stands still or runs longer."""
    Status = Application.Status
    notes = []
    if application.status == Status.PENDING:
        notes.append(
            "工作人员确认收到您的申请后即开始计算答复期限（确认之日为收到申请之日），"
            "请保持电话畅通。"
        )
    if application.status == Status.SUPPLEMENT:
        due = f"请于{clock.applicant_due_on:%Y年%m月%d日}前" if clock.applicant_due_on else "请尽快"
        notes.append(
            f"我们已告知您补正申请内容，{due}按补正告知书的要求提交补正；"
            "答复期限自收到补正之日起重新计算20个工作日。逾期未补正的，视为放弃申请。"
        )
    if application.status == Status.CONSULTING:
        notes.append(
            f"正在征求第三方或有关机关的意见（对方应在{CONSULTATION_DAYS}个工作日内答复），"
            "征求意见的时间不计入答复期限。"
        )
    if application.status == Status.AWAITING_FEE:
        due = (
            f"请于{clock.applicant_due_on:%Y年%m月%d日}前" if clock.applicant_due_on else "请按通知"
        )
        notes.append(
            f"我们已向您发出信息处理费收费通知，{due}缴纳；缴费前暂停计算答复期限，"
            "逾期未缴纳的，视为放弃申请。"
        )
    if clock.paused_days:
        notes.append(f"征求意见、缴费等不计入答复期限的时间共 {clock.paused_days} 个工作日。")
    if clock.extended_days:
        notes.append(f"经机关负责人批准，答复期限已延长 {clock.extended_days} 个工作日。")
    return notes


def _masked(application) -> dict:
    """The applicant's details as their own tracking page shows them: masked as in the
    admin (``portal.redaction``)."""
    return {
        "name": mask_name(application.name),
        "id_number": mask_id_number(application.id_number),
        "phone": mask_phone(application.phone),
    }


def _masked_letter(application, letter) -> str:
    """The letter as the tracking page shows it: the applicant's name masked like the
    rest of the page (the downloads are the letter as served)."""
    text = issued_text(letter)
    for value in (application.name, application.contact_person):
        if value:
            text = text.replace(value, mask_name(value))
    return text


# --- downloads -----------------------------------------------------------------------------


def _tracked_letter(request):
    """The issued letter of the application tracked in this session, or None."""
    tracked = request.session.get(SESSION_KEY)
    if not isinstance(tracked, dict) or time.time() - tracked.get("at", 0) > SESSION_MAX_AGE:
        return None
    return (
        AnswerLetter.objects.select_related("application__organization")
        .filter(application_id=tracked.get("pk"), is_live=True)
        .first()
    )


def _download(request, renderer, *, extension, content_type):
    letter = _tracked_letter(request)
    if letter is None:
        return error_response(
            403,
            title="请先查询",
            message="下载答复告知书前，请先在办理查询页面输入查询码和查询密码（查询后两小时内有效）。",
        )
    response = HttpResponse(renderer(letter), content_type=content_type)
    name = f"答复告知书-{letter.application.number}.{extension}"
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_safe
def letter_pdf(request):
    return _download(request, render_pdf, extension="pdf", content_type="application/pdf")


@never_cache
@require_safe
def letter_docx(request):
    return _download(
        request, render_docx, extension="docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )  # fmt: skip
