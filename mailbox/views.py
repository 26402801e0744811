"""The citizens' pages: the mailboxes, writing a letter, tracking it, the public replies
and the statistics. Personal data never reaches a public page: replies are read from
``Reply`` (the reviewed redacted text), never from ``Letter``."""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from mailbox import services, stats
from mailbox.forms import LetterForm, RatingForm
from mailbox.models import Letter, LetterEvent, Mailbox, Reply
from portal import antiabuse, credentials
from portal.citizen_forms import TrackForm
from portal.errors import error_response
from portal.publication import cached_page

RATE_SALT = "mailbox.rate"
RATE_MAX_AGE = 2 * 60 * 60
MAX_QUERY = 50
# What the citizen's history shows: the step and its date, never who or internal notes.
PUBLIC_STEPS = {
    LetterEvent.Action.RECEIVED: "收到来信",
    LetterEvent.Action.ACCEPTED: "已受理",
    LetterEvent.Action.REJECTED: "不予受理",
    LetterEvent.Action.ASSIGNED: "已转有关部门办理",
    LetterEvent.Action.APPROVED: "已办结，答复如下",
    LetterEvent.Action.EXTENDED: "办理期限延长",
    LetterEvent.Action.PAUSED: "暂停计时",
    LetterEvent.Action.RESUMED: "恢复计时",
    LetterEvent.Action.RATED: "您已评价",
    LetterEvent.Action.REOPENED: "重新办理",
}


@require_safe
def mailbox_list(request):
    """互动交流: the open mailboxes with their links."""
    mailboxes = list(Mailbox.objects.filter(is_open=True).select_related("organization"))
    return render(request, "mailbox/mailbox_list.html", {"mailboxes": mailboxes})


def _open_mailbox(slug: str) -> Mailbox:
    return get_object_or_404(Mailbox.objects.select_related("organization"), slug=slug)


@sensitive_post_parameters()  # the whole form: it is the citizen's (error reports)
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def letter_create(request, slug):
    mailbox = _open_mailbox(slug)
    if not mailbox.is_open:
        return error_response(404, title="信箱暂停受理", message=f"{mailbox.name}暂停受理来信。")
    if request.method != "POST":
        form = LetterForm(initial={"submission_token": credentials.new_submission_token()})
        return _form_page(request, mailbox, form)
    form = LetterForm(request.POST, request.FILES)
    token = request.POST.get("submission_token", "")
    # A replay of a form already sent shows that letter again, before any other check.
    done = (
        Letter.objects.filter(submission_token=token).first()
        if credentials.is_submission_token(token)
        else None
    )
    if done is not None and done.mailbox_id == mailbox.pk:
        return _success_page(request, done, token)
    if not form.is_valid():
        return _form_page(request, mailbox, form, status=400)
    ip = antiabuse.client_ip(request)
    phone = form.cleaned_data["phone"]
    if not antiabuse.check_captcha(
        form.cleaned_data["captcha_token"], form.cleaned_data["captcha"]
    ):
        form.add_error("captcha", "验证问题回答不正确，请看新的问题重新作答。")
        return _form_page(request, mailbox, form, status=400)
    if not (
        antiabuse.allow("letter-ip", ip, limit=settings.MAILBOX_SUBMIT_PER_IP_HOUR, window=3600)
        and antiabuse.allow(
            "letter-phone", phone, limit=settings.MAILBOX_SUBMIT_PER_PHONE_DAY, window=86400
        )
    ):
        return _form_page(
            request, mailbox, form, status=429,
            notice="提交过于频繁：同一网络或同一电话在短时间内的来信已达上限，请稍后再写，或拨打 12345 热线。",
        )  # fmt: skip
    data = form.cleaned_data
    try:
        letter, _created = services.letter_submit(
            mailbox=mailbox, kind=data["kind"], subject=data["subject"], body=data["body"],
            name=data["name"], phone=phone, email=data["email"], consents_to_publish=form.consents,
            submission_token=data["submission_token"], attachments=data["attachments"],
        )  # fmt: skip
    except ValidationError as error:
        form.add_error(None, error)
        return _form_page(request, mailbox, form, status=400)
    return _success_page(request, letter, data["submission_token"])


def _form_page(request, mailbox, form, *, status=200, notice=""):
    challenge = antiabuse.refresh_challenge(form)  # a new question each time
    return render(
        request,
        "mailbox/letter_form.html",
        {
            "mailbox": mailbox,
            "form": form,
            "challenge": challenge,
            "notice": notice,
            "test_mode": settings.CAPTCHA_TEST_MODE,
        },  # fmt: skip
        status=status,
    )


def _success_page(request, letter, token):
    response = render(
        request,
        "mailbox/letter_done.html",
        {"letter": letter, "password": credentials.password_for(token)},
    )
    response["Cache-Control"] = "no-store"
    return response


@sensitive_post_parameters()  # the whole form: it is the citizen's (error reports)
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def letter_track(request):
    """Code and password → status, dated history, the answer and the rating form. A
    wrong code and a wrong password get the same answer; failures are throttled."""
    if request.method != "POST":
        return render(request, "mailbox/letter_track.html", {"form": TrackForm()})
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "mailbox/letter_track.html", {"form": form}, status=400)
    ip = antiabuse.client_ip(request)
    limit, window = settings.MAILBOX_TRACK_FAILURES_PER_IP_HOUR, 3600
    if antiabuse.over_limit("track-ip", ip, limit=limit, window=window):
        return _too_many(request, form)
    letter = services.letter_find(
        tracking_code=form.cleaned_data["tracking_code"], password=form.cleaned_data["password"]
    )
    if letter is None:
        antiabuse.allow("track-ip", ip, limit=limit, window=window)  # count the failure
        form.add_error(None, "查询码或查询密码不正确，请核对后重试。")
        return render(request, "mailbox/letter_track.html", {"form": form}, status=400)
    return _track_result(request, letter)


def _too_many(request, form):
    form.add_error(None, "查询失败次数过多，请一小时后再试。")
    return render(request, "mailbox/letter_track.html", {"form": form}, status=429)


def _track_result(request, letter, *, rating_form=None, status=200, rated=False):
    events = list(letter.events.order_by("at", "pk"))
    history = [(e.at, PUBLIC_STEPS[e.action]) for e in events if e.action in PUBLIC_STEPS]
    reject_reason = next(
        (e.note for e in reversed(events) if e.action == LetterEvent.Action.REJECTED), ""
    )
    can_rate = letter.status == Letter.Status.CLOSED and (
        letter.rated_at is None or letter.rated_at < letter.closed_at
    )
    if can_rate and rating_form is None:
        token = signing.dumps({"letter": letter.pk}, salt=RATE_SALT)
        rating_form = RatingForm(initial={"token": token})
    response = render(
        request,
        "mailbox/letter_track.html",
        {
            "letter": letter,
            "history": history,
            "reject_reason": reject_reason,
            "show_reply": letter.status == Letter.Status.CLOSED,
            "rating_form": rating_form if can_rate else None,
            "rated": rated,
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@sensitive_post_parameters()  # the whole form: it is the citizen's (error reports)
@never_cache
@require_http_methods(["POST"])
def letter_rate(request):
    form = RatingForm(request.POST)
    try:
        data = signing.loads(request.POST.get("token", ""), salt=RATE_SALT, max_age=RATE_MAX_AGE)
        letter = Letter.objects.select_related("mailbox", "department").get(pk=data["letter"])
    except (signing.BadSignature, KeyError, TypeError, Letter.DoesNotExist):
        return error_response(400, message="评价页面已过期，请重新查询后再评价。")
    if not form.is_valid():
        return _track_result(request, letter, rating_form=form, status=400)
    try:
        letter = services.letter_rate(
            letter=letter,
            satisfaction=form.cleaned_data["satisfaction"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _track_result(request, letter, rating_form=form, status=400)
    letter = Letter.objects.select_related("mailbox", "department").get(pk=letter.pk)
    return _track_result(request, letter, rated=True)


# --- public replies ------------------------------------------------------------------------


@require_safe
def reply_list(request, slug):
    return cached_page(request, lambda: _reply_list(request, slug))


def _reply_list(request, slug):
    mailbox = _open_mailbox(slug)
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY]
    replies = Reply.objects.published().filter(mailbox=mailbox).for_listing()
    if query:
        replies = replies.filter(
            Q(title__icontains=query) | Q(letter_text__icontains=query) | Q(answer__icontains=query)
        )
    paginator = Paginator(replies.order_by("-published_at", "-pk"), settings.MAILBOX_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page_url = reverse("mailbox:reply-list", kwargs={"slug": slug})
    if query:
        page_url += "?" + urlencode({"q": query})
    return render(
        request,
        "mailbox/reply_list.html",
        {
            "mailbox": mailbox,
            "page_obj": page,
            "query": query,
            "page_url": page_url,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        },
    )


@require_safe
def reply_detail(request, slug, pk):
    return cached_page(request, lambda: _reply_detail(request, slug, pk))


def _reply_detail(request, slug, pk):
    reply = (
        Reply.objects.published()
        .select_related("mailbox", "department")
        .filter(pk=pk, mailbox__slug=slug)
        .first()
    )
    if reply is None:
        if Reply.objects.filter(pk=pk, is_live=False, withdrawn_at__isnull=False).exists():
            return error_response(410)
        raise Http404("答复不存在或尚未公开")
    return render(request, "mailbox/reply_detail.html", {"reply": reply, "mailbox": reply.mailbox})


# --- statistics ----------------------------------------------------------------------------


def _stats_params(request):
    today = timezone.localdate()
    years = stats.available_years(today)
    year = request.GET.get("year", "")
    year = int(year) if year.isascii() and year.isdigit() and int(year) in years else today.year
    slug = request.GET.get("mailbox", "")
    mailbox = Mailbox.objects.filter(slug=slug).first() if slug else None
    return year, years, mailbox


@require_safe
def stats_page(request):
    year, years, mailbox = _stats_params(request)
    data = stats.report(year=year, mailbox=mailbox)
    return render(
        request,
        "mailbox/stats.html",
        {
            "data": data,
            "years": years,
            "mailboxes": Mailbox.objects.all(),
            "definitions": stats.DEFINITIONS,
            "chart": stats.chart_bars(data),
            "csv_url": reverse("mailbox:stats-csv")
            + "?"
            + urlencode({"year": year, **({"mailbox": mailbox.slug} if mailbox else {})}),
            "cache_minutes": stats.CACHE_SECONDS // 60,
        },
    )


@require_safe
def stats_csv(request):
    year, _years, mailbox = _stats_params(request)
    data = stats.report(year=year, mailbox=mailbox)
    response = HttpResponse(stats.as_csv(data), content_type="text/csv; charset=utf-8")
    name = f"mailbox-stats-{year}{'-' + mailbox.slug if mailbox else ''}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
