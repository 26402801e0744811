"""The clerks' admin for disclosure on request: who may open what, registering each
channel with its receipt-date rule, one button per step calling its service (one event
each), refusals as Chinese messages, the "how this date was computed" panel, masking,
the 21-leaf outcome select, and the answer letter's four-eyes review."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disclosure.applications import services
from disclosure.applications.models import AnswerLetter, Application, ApplicationEvent
from disclosure.applications.vocabularies import Channel, Outcome
from portal.redaction import mask_id_number, mask_phone
from tests.applications.factories import RESIDENT_ID
from tests.portal.roles import staff

Kind = ApplicationEvent.Kind
CHANGELIST = reverse("admin:applications_application_changelist")
ADD = reverse("admin:applications_application_add")
NAME, PHONE = "王小明", "13812345678"


def applicant(**overrides) -> dict:
    return {
        "applicant_type": "natural", "name": NAME, "id_type": "resident_id",
        "id_number": RESIDENT_ID, "phone": PHONE, "address": "重庆市渝中区人民路1号",
        "info_title": "2025年城乡低保资金发放情况", "delivery_form": "paper",
        "delivery_method": "post", **overrides,
    }  # fmt: skip


def register(agency, *, channel=Channel.IN_PERSON, received_on=None, days_ago=0, **overrides):
    now = timezone.now() - timedelta(days=days_ago)
    if received_on is None and channel not in (Channel.ORDINARY_MAIL, Channel.FAX):
        received_on = timezone.localdate(now)
    application, _password = services.application_register(
        data={**applicant(**overrides), "organization": agency.office}, channel=channel,
        received_on=received_on, by=agency.clerk, now=now,
    )  # fmt: skip
    return Application.objects.get(pk=application.pk)


def change_url(application):
    return reverse("admin:applications_application_change", args=[application.pk])


def step_url(application, step):
    return reverse("admin:applications_application_step", args=[application.pk, step])


def kinds(application):
    return list(application.events.order_by("at", "pk").values_list("kind", flat=True))


def page(response) -> str:
    return response.content.decode()


@pytest.fixture
def application(agency):
    return register(agency)


@pytest.fixture
def clerk_client(client, agency):
    client.force_login(agency.clerk)
    return client


# --- permission matrix ----------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_is_sent_to_the_login_page(client, application):
    for url in (CHANGELIST, ADD, change_url(application), step_url(application, "consult")):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_staff_without_permission_get_403(client, agency, application):
    client.force_login(staff("nobody", agency.office))
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(ADD).status_code == 403
    assert client.get(change_url(application)).status_code == 403


@pytest.mark.django_db
def test_a_handler_opens_the_list_search_add_and_change_pages(clerk_client, application):
    assert clerk_client.get(CHANGELIST).status_code == 200
    found = clerk_client.get(CHANGELIST, {"q": application.number})
    assert found.status_code == 200 and application.number in page(found)
    by_title = clerk_client.get(CHANGELIST, {"q": "低保资金"})
    assert application.number in page(by_title)
    missing = clerk_client.get(CHANGELIST, {"q": "不存在的名称"})
    assert application.number not in page(missing)
    assert clerk_client.get(ADD).status_code == 200
    assert clerk_client.get(change_url(application)).status_code == 200
    for query in ({"deadline": "overdue"}, {"deadline": "soon"}, {"deadline": "paused"},
                  {"status": "processing"}, {"channel": "fax"}):  # fmt: skip
        assert clerk_client.get(CHANGELIST, query).status_code == 200


@pytest.mark.django_db
def test_a_handler_of_another_organization_gets_404(client, agency, application):
    client.force_login(staff("otherclerk", agency.elsewhere, "信息员"))
    assert application.number not in page(client.get(CHANGELIST))
    assert client.get(change_url(application)).status_code == 404
    assert client.get(step_url(application, "consult")).status_code == 404
    response = client.post(step_url(application, "consult"), {"party": "某公司"})
    assert response.status_code == 404 and kinds(application) == [Kind.REGISTERED]


def viewer(agency):
    """Staff of the office who may read applications but not handle them."""
    user = staff("viewer", agency.office)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="applications", codename="view_application")
    )
    return user


@pytest.mark.django_db
def test_supervisors_and_readers_see_the_case_masked_and_without_buttons(
    client, agency, application
):
    for user in (agency.supervisor, viewer(agency)):
        client.force_login(user)
        listing = page(client.get(CHANGELIST))
        assert application.number in listing and NAME not in listing and "王**" in listing
        html = page(client.get(change_url(application)))
        assert NAME not in html and PHONE not in html and RESIDENT_ID not in html
        assert "渝中区人民路" not in html
        assert 'id="application-steps"' not in html
        assert client.post(step_url(application, "consult"), {"party": "某公司"}).status_code == 302
    assert kinds(application) == [Kind.REGISTERED]


@pytest.mark.django_db
def test_the_handler_sees_the_personal_data_on_the_case_page(clerk_client, application):
    html = page(clerk_client.get(change_url(application)))
    assert NAME in html and PHONE in html and RESIDENT_ID in html and "渝中区人民路1号" in html


@pytest.mark.django_db
def test_titles_and_log_entries_name_the_number_only(clerk_client, application):
    from django.contrib.admin.models import LogEntry

    html = page(clerk_client.get(change_url(application)))
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert application.number in title and NAME not in title
    clerk_client.post(step_url(application, "consult"), {"party": "某公司", "note": NAME})
    entry = LogEntry.objects.get()
    assert entry.object_repr == f"申请 {application.number}"
    assert NAME not in entry.object_repr and NAME not in entry.get_change_message()


# --- the list --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_masks_the_id_number_and_phone_even_for_the_handler(clerk_client, application):
    listing = page(clerk_client.get(CHANGELIST))
    assert RESIDENT_ID not in listing and PHONE not in listing
    # One masking for the portal (portal.redaction), as on the applicant's tracking page.
    assert mask_id_number(RESIDENT_ID) == "110***********002X" and "110***********002X" in listing
    assert mask_phone(PHONE) == "138****5678" and "138****5678" in listing
    assert NAME in listing  # the handling clerk may see the name


@pytest.mark.django_db
def test_overdue_cases_come_first_marked_in_words_and_the_filter_finds_them(clerk_client, agency):
    late = register(agency, days_ago=60, info_title="较早的申请")
    fresh = register(agency, info_title="新近的申请")
    listing = page(clerk_client.get(CHANGELIST))
    assert listing.index(late.number) < listing.index(fresh.number)
    assert "已超期" in listing and "剩 20 个工作日" in listing
    overdue = page(clerk_client.get(CHANGELIST, {"deadline": "overdue"}))
    assert late.number in overdue and fresh.number not in overdue


@pytest.mark.django_db
def test_the_monthly_count_is_shown_and_a_high_volume_is_flagged(clerk_client, agency, settings):
    settings.APPLY_HIGH_VOLUME_PER_MONTH = 2
    for _ in range(3):
        last = register(agency)
    listing = page(clerk_client.get(CHANGELIST))
    assert "本月第 1 件" in listing and "本月第 3 件" in listing
    assert "数量明显超过合理范围" in listing
    html = page(clerk_client.get(change_url(last)))
    assert "本自然月第 <strong>3</strong> 件" in html and "明显超过合理范围" in html


# --- registering ----------------------------------------------------------------------------


def form_data(agency, channel, **dates):
    return {
        "receiving_organization": agency.office.pk, "channel": channel,
        "applicant_kind": "natural", "name": NAME, "id_type": "resident_id",
        "id_number": RESIDENT_ID, "phone": PHONE, "address": "重庆市渝中区人民路1号",
        "info_title": "2025年城乡低保资金发放情况", "delivery_form": "paper",
        "delivery_method": "post", **{k: v.isoformat() for k, v in dates.items()},
    }  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("channel", "field"),
    [
        (Channel.IN_PERSON, "submitted_on"),
        (Channel.ORAL, "submitted_on"),
        (Channel.REGISTERED_MAIL, "signed_on"),
        (Channel.ORDINARY_MAIL, "confirmed_on"),
        (Channel.FAX, "confirmed_on"),
        (Channel.EMAIL, "mail_received_on"),
    ],
)
def test_registering_sets_the_receipt_date_by_the_channels_rule(
    clerk_client, agency, channel, field
):
    day = timezone.localdate() - timedelta(days=3)
    response = clerk_client.post(ADD, form_data(agency, channel, **{field: day}))
    assert response.status_code == 200, response.content.decode()[:500]
    application = Application.objects.get()
    assert application.channel == channel and application.received_on == day
    assert application.status == Application.Status.PROCESSING
    html = page(response)
    assert f'id="tracking-code">{application.tracking_code}<' in html
    assert 'id="query-password">' in html
    assert services.application_find(
        tracking_code=application.tracking_code,
        password=re.search(r'id="query-password">([^<]+)<', html).group(1),
    ) == application  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("channel", [Channel.ORDINARY_MAIL, Channel.FAX])
def test_an_unconfirmed_letter_or_fax_waits_for_confirmation(clerk_client, agency, channel):
    clerk_client.post(ADD, form_data(agency, channel))
    application = Application.objects.get()
    assert application.status == Application.Status.PENDING and application.received_on is None
    clerk_client.post(step_url(application, "confirm"), {"on": timezone.localdate().isoformat()})
    application.refresh_from_db()
    assert application.received_on == timezone.localdate()
    assert kinds(application) == [Kind.REGISTERED, Kind.CONFIRMED]


@pytest.mark.django_db
def test_the_add_form_explains_the_receipt_rules_and_refuses_a_wrong_date(clerk_client, agency):
    html = page(clerk_client.get(ADD))
    for rule in ("签收之日", "与申请人确认之日", "电子邮件系统收到之日", "提交之日"):
        assert rule in html
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = clerk_client.post(
        ADD, form_data(agency, Channel.REGISTERED_MAIL, signed_on=tomorrow)
    )
    assert response.status_code == 200 and "签收日期不能晚于今天" in page(response)
    missing = clerk_client.post(ADD, form_data(agency, Channel.EMAIL))
    assert "请填写邮件系统收到日期" in page(missing)
    wrong = clerk_client.post(
        ADD, form_data(agency, Channel.IN_PERSON, signed_on=timezone.localdate())
    )
    assert "不填写“签收日期”" in page(wrong)
    assert not Application.objects.exists()


# --- the steps ------------------------------------------------------------------------------


def supplement_requested(agency, *, days_ago=0):
    application = register(agency, days_ago=days_ago)
    services.application_request_supplement(
        application=application, by=agency.clerk, items="请补充信息的时间范围。",
        now=timezone.now() - timedelta(days=days_ago),
    )  # fmt: skip
    return application


def consulting(agency):
    application = register(agency)
    services.application_consult(application=application, by=agency.clerk, party="某某公司")
    return application


def awaiting_fee(agency, *, days_ago=0):
    application = register(agency, days_ago=days_ago)
    services.application_fee_notice(
        application=application, by=agency.clerk, method="per_page", pages=50,
        now=timezone.now() - timedelta(days=days_ago),
    )  # fmt: skip
    return application


def answered(agency):
    application = register(agency)
    letter = services.application_answer(application=application, by=agency.clerk, outcome="1")
    services.answer_letter_submit(letter=letter, by=agency.clerk)
    services.answer_letter_approve(letter=letter, by=agency.reviewer, note="不涉密，同意。")
    services.answer_letter_issue(letter=AnswerLetter.objects.get(pk=letter.pk), by=agency.publisher)
    return application


def pending(agency):
    return register(agency, channel=Channel.ORDINARY_MAIL)


STEP_CASES = {
    # step: (set-up, POST data, the event it writes)
    "confirm": (pending, {}, Kind.CONFIRMED),
    "supplement": (register, {"items": "请写明所需信息的年份。"}, Kind.SUPPLEMENT_REQUESTED),
    "supplement_received": (supplement_requested, {}, Kind.SUPPLEMENT_RECEIVED),
    "supplement_expired": (lambda a: supplement_requested(a, days_ago=40), {},
                           Kind.SUPPLEMENT_EXPIRED),
    "consult": (register, {"party": "某某公司"}, Kind.CONSULTATION_SENT),
    "consultation_answered": (consulting, {"party": "某某公司"}, Kind.CONSULTATION_ANSWERED),
    "request_extension": (register, {"working_days": "10", "note": "需调取档案。"},
                          Kind.EXTENSION_REQUESTED),
    "fee_notice": (register, {"method": "per_page", "pages": "50"}, Kind.FEE_NOTICE),
    "fee_paid": (awaiting_fee, {}, Kind.FEE_PAID),
    "fee_expired": (lambda a: awaiting_fee(a, days_ago=50), {}, Kind.FEE_EXPIRED),
    "answer": (register, {"outcome": "1"}, Kind.ANSWER_DRAFTED),
    "serve": (answered, {"method": "post"}, Kind.SERVED),
    "withdraw": (register, {"note": "申请人书面撤回。"}, Kind.WITHDRAWN),
}  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("step", list(STEP_CASES))
def test_each_button_calls_its_service_and_writes_one_event(clerk_client, agency, step):
    setup, data, kind = STEP_CASES[step]
    application = setup(agency)
    html = page(clerk_client.get(change_url(application)))
    assert step_url(application, step) in html  # the button is offered in this status
    assert clerk_client.get(step_url(application, step)).status_code == 200
    before = kinds(application)
    response = clerk_client.post(step_url(application, step), data, follow=True)
    assert response.status_code == 200
    assert kinds(application) == [*before, kind], page(response)[:3000]
    assert "已" in page(response) and "未完成" not in page(response)


@pytest.mark.django_db
def test_only_the_steps_allowed_now_are_shown(clerk_client, agency, application):
    html = page(clerk_client.get(change_url(application)))
    for offered in ("supplement", "consult", "request_extension", "fee_notice", "answer"):
        assert step_url(application, offered) in html
    for hidden in (
        "confirm",
        "supplement_received",
        "fee_paid",
        "serve",
        "approve_extension",
        "refuse_extension",
    ):
        assert step_url(application, hidden) not in html


@pytest.mark.django_db
def test_a_supplement_after_seven_working_days_is_refused_in_chinese(clerk_client, agency):
    application = register(agency, days_ago=20)
    response = clerk_client.post(
        step_url(application, "supplement"), {"items": "请补充信息的时间范围。"}, follow=True
    )
    assert response.status_code == 200
    assert "告知补正未完成" in page(response) and "7 个工作日" in page(response)
    assert kinds(application) == [Kind.REGISTERED]


@pytest.mark.django_db
def test_a_step_not_allowed_in_the_status_is_refused_without_an_event(clerk_client, application):
    response = clerk_client.post(step_url(application, "fee_paid"), {}, follow=True)
    assert response.status_code == 200 and "已缴费未完成" in page(response)
    assert kinds(application) == [Kind.REGISTERED]
    bad = clerk_client.post(step_url(application, "no_such_step"), {})
    assert bad.status_code == 403


@pytest.mark.django_db
def test_an_extension_request_names_no_approver_and_refuses_too_many_days(clerk_client,
                                                                          application):  # fmt: skip
    form = page(clerk_client.get(step_url(application, "request_extension")))
    assert 'name="working_days"' in form and 'name="approver"' not in form
    too_long = clerk_client.post(
        step_url(application, "request_extension"), {"working_days": "21", "note": "x"}
    )
    assert "不得超过 20 个工作日" in page(too_long)
    no_reason = clerk_client.post(step_url(application, "request_extension"), {"working_days": "5"})
    assert "请填写延期理由" in page(no_reason)
    assert kinds(application) == [Kind.REGISTERED]


@pytest.mark.django_db
def test_a_fee_notice_is_per_application_or_per_page_never_both(clerk_client, application):
    page_html = page(clerk_client.get(step_url(application, "fee_notice")))
    assert "本自然月第 <strong>1</strong> 件" in page_html and "按件计收" in page_html
    both = clerk_client.post(
        step_url(application, "fee_notice"), {"method": "per_application", "pages": "40"}
    )
    assert "两种方式不能同时适用" in page(both)
    free = clerk_client.post(
        step_url(application, "fee_notice"), {"method": "per_application"}, follow=True
    )
    assert "收费通知未完成" in page(free) and "不收费" in page(free)
    assert kinds(application) == [Kind.REGISTERED]


@pytest.mark.django_db
def test_the_answer_needs_reasons_and_basis_for_a_refusal(clerk_client, application):
    response = clerk_client.post(step_url(application, "answer"), {"outcome": "3.1"}, follow=True)
    assert "起草答复未完成" in page(response) and "理由" in page(response)
    assert kinds(application) == [Kind.REGISTERED]
    not_ours = clerk_client.post(
        step_url(application, "answer"), {"outcome": "4.1", "letter_type": "not_ours"},
        follow=True,
    )  # fmt: skip
    assert "负责公开的机关" in page(not_ours) and not AnswerLetter.objects.exists()


@pytest.mark.django_db
def test_the_outcome_select_offers_exactly_the_21_leaves_grouped(clerk_client, application):
    html = page(clerk_client.get(step_url(application, "answer")))
    select = re.search(r'<select name="outcome".*?</select>', html, re.S).group(0)
    values = [v for v in re.findall(r'<option value="([^"]*)"', select) if v]
    assert sorted(values) == sorted(Outcome.values) and len(values) == 21
    for group in ("（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理"):
        assert f'<optgroup label="{group}">' in select


@pytest.mark.django_db
def test_the_change_page_explains_the_deadline_and_shows_the_timeline(clerk_client, agency):
    application = consulting(agency)
    html = page(clerk_client.get(change_url(application)))
    assert "期限是如何计算的" in html and 'id="deadline-explanation"' in html
    clock = services.clock_of(application, today=timezone.localdate())
    for line in clock.explanation:
        assert line in html
    assert "收到日期" in html and "征求意见" in html
    timeline = html[html.index("办理记录（按时间顺序") :]
    assert timeline.index("登记") < timeline.index("某某公司")  # newest last
    # Append-only: no field to edit, no box to delete, no row to add.
    assert 'name="events-0-DELETE"' not in html and 'name="events-0-note"' not in html
    assert "添加另一个" not in html


# --- answer letters --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_drafter_cannot_approve_the_letter_and_another_reviewer_can(client, agency,
                                                                        application):  # fmt: skip
    drafter = agency.clerk_and_reviewer
    letter = services.application_answer(application=application, by=drafter, outcome="1")
    services.answer_letter_submit(letter=letter, by=drafter)
    letter_url = reverse("admin:applications_answerletter_change", args=[letter.pk])
    approve = reverse("admin:applications_answerletter_step", args=[letter.pk, "approve"])
    client.force_login(drafter)
    html = page(client.get(letter_url))
    assert approve not in html
    client.post(approve, {"note": "同意。"})
    assert AnswerLetter.objects.get(pk=letter.pk).status == "submitted"
    assert Kind.ANSWER_APPROVED not in kinds(application)
    client.force_login(agency.reviewer)
    assert approve in page(client.get(letter_url))
    client.post(approve, {"note": "不涉密，同意发出。"})
    assert AnswerLetter.objects.get(pk=letter.pk).status == "approved"
    assert kinds(application)[-1] == Kind.ANSWER_APPROVED


@pytest.mark.django_db
def test_the_letter_page_shows_the_text_and_the_downloads_to_the_handler(client, agency,
                                                                         application):  # fmt: skip
    letter = services.application_answer(application=application, by=agency.clerk, outcome="1")
    letter_url = reverse("admin:applications_answerletter_change", args=[letter.pk])
    client.force_login(agency.clerk)
    html = page(client.get(letter_url))
    assert "按模板生成的告知书文本" in html and application.number in html and NAME in html
    pdf = client.get(reverse("admin:applications_answerletter_file", args=[letter.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    docx = client.get(reverse("admin:applications_answerletter_file", args=[letter.pk, "docx"]))
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    client.force_login(agency.publisher)  # issues letters, handles no application
    html = page(client.get(letter_url))
    assert NAME not in html and "【姓名】" in html
    denied = client.get(reverse("admin:applications_answerletter_file", args=[letter.pk, "pdf"]))
    assert denied.status_code == 403


@pytest.mark.django_db
def test_an_issued_letter_opens_and_links_back_to_its_served_application(client, agency):
    application = answered(agency)
    letter = AnswerLetter.objects.get(application=application)
    client.force_login(agency.clerk)
    response = client.get(reverse("admin:applications_answerletter_change", args=[letter.pk]))
    assert response.status_code == 200 and change_url(application) in page(response)
    html = page(client.get(change_url(application)))
    assert 'id="answer-letter"' in html and "（已发出）" in html
    assert step_url(application, "serve") in html and step_url(application, "answer") not in html


@pytest.mark.django_db
def test_an_issued_letter_cannot_be_edited(client, agency):
    application = answered(agency)
    letter = AnswerLetter.objects.get(application=application)
    url = reverse("admin:applications_answerletter_change", args=[letter.pk])
    client.force_login(agency.clerk)
    assert 'name="body"' not in page(client.get(url))
    client.post(url, {"letter_type": "disclose", "body": "改过的正文", "_save": "保存"})
    letter.refresh_from_db()
    assert "改过的正文" not in letter.body


@pytest.mark.django_db
@given(party=st.text(max_size=120), note=st.text(max_size=300))
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
def test_any_text_in_a_step_form_is_an_answer_never_a_500(clerk_client, application, party,
                                                          note):  # fmt: skip
    before = len(kinds(application))
    response = clerk_client.post(step_url(application, "consult"), {"party": party, "note": note})
    assert response.status_code in (200, 302)
    added = len(kinds(application)) - before
    assert added == (1 if response.status_code == 302 else 0)
    if response.status_code == 200:
        assert "errorlist" in page(response) or "未完成" in page(response)


@pytest.mark.django_db
def test_a_fee_notice_per_page_tells_the_amount_of_the_calculator(clerk_client, application):
    response = clerk_client.post(
        step_url(application, "fee_notice"), {"method": "per_page", "pages": "120"}, follow=True
    )
    # 31–100 pages at 10 元 (700) + 101–120 at 20 元 (400) = 1100 元 (109号).
    assert "应收信息处理费 1100 元" in page(response)
    event = application.events.get(kind=Kind.FEE_NOTICE)
    assert event.data["amount"] == 1100 and event.data["method"] == "per_page"
