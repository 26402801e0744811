"""The applicant's pages: the form (labels, errors, replays, CAPTCHA, limits), the success
page, tracking (generic failures, masked personal data, flat queries) and the letter's
downloads (only through a tracking session)."""

import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disclosure.applications import services
from disclosure.applications.models import Application
from portal import antiabuse

APPLY = reverse("applications:application-create")
TRACK = reverse("applications:application-track")
PDF = reverse("applications:letter-pdf")
DOCX = reverse("applications:letter-docx")
RESIDENT_ID = "11010519491231002X"  # GB 11643's own example
PHONE = "13983001234"


@pytest.fixture(autouse=True)
def _switches(settings, agency):
    settings.CAPTCHA_TEST_MODE = True
    settings.RATELIMIT_ENABLE = True
    # APPLY_ORGANIZATION unset: the agency (the first top-level body) receives them and
    # its office's clerks handle them.
    settings.APPLY_ORGANIZATION = ""


def token_of(page: str) -> str:
    return re.search(r'name="submission_token" value="([^"]+)"', page).group(1)


def form_data(client, **overrides):
    return {
        "applicant_kind": "natural", "organization_type": "", "name": "王小五",
        "contact_person": "", "id_type": "resident_id", "id_number": RESIDENT_ID,
        "phone": "139 8300 1234", "address": "重庆市渝中区人民路1号", "postcode": "400010",
        "email": "", "info_title": "2025年城乡低保资金发放情况", "info_number": "",
        "description": "各区县的发放金额和人数。", "delivery_form": "paper",
        "delivery_method": "post", "captcha": "PASSED", "captcha_token": "",
        "submission_token": token_of(client.get(APPLY).content.decode()), **overrides,
    }  # fmt: skip


def shown(response, element_id):
    return re.search(rf'id="{element_id}">([^<]+)<', response.content.decode()).group(1)


def submit(client, **overrides):
    response = client.post(APPLY, form_data(client, **overrides))
    assert response.status_code == 200, response.content.decode()
    return response, shown(response, "tracking-code"), shown(response, "query-password")


def answer(application, agency, **fields):
    """Confirm, draft, review and issue a 予以公开 letter by three different people."""
    if application.status == Application.Status.PENDING:
        application = services.application_confirm(application=application, by=agency.clerk)
    letter = services.application_answer(
        application=application, by=agency.clerk, **{"outcome": "1", **fields}
    )
    letter = services.answer_letter_submit(letter=letter, by=agency.clerk)
    letter = services.answer_letter_approve(letter=letter, by=agency.reviewer, note="同意。")
    return services.answer_letter_issue(letter=letter, by=agency.publisher)


def extend(application, agency, *, working_days, reason):
    """Asked by the clerk, approved by the office head (条例 Art 33)."""
    services.application_request_extension(
        application=application, by=agency.clerk, working_days=working_days, reason=reason
    )
    return services.application_approve_extension(application=application, by=agency.reviewer)


# --- the form ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_form_labels_every_input_and_explains_the_rules(client):
    response = client.get(APPLY)
    page = response.content.decode()
    assert response.status_code == 200
    for field_id in ("id_name", "id_id_number", "id_phone", "id_address", "id_info_title",
                     "id_captcha", "id_email", "id_organization_type"):  # fmt: skip
        assert f'for="{field_id}"' in page, field_id
    assert "20 个工作日" in page and "补正" in page and "109号" in page
    assert "当面提交" in page and "邮寄" in page
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_valid_application_is_stored_once_and_shows_its_credentials(client, agency):
    response, code, password = submit(client)
    application = Application.objects.get()
    assert code == application.tracking_code
    assert password == services.query_password(application.submission_token)
    assert application.organization == agency.bureau
    assert application.phone == PHONE and application.id_number == RESIDENT_ID
    assert application.status == Application.Status.PENDING
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_double_submission_makes_one_application_with_the_same_credentials(client):
    data = form_data(client)
    first, second = client.post(APPLY, data), client.post(APPLY, data)
    assert Application.objects.count() == 1
    assert shown(first, "tracking-code") == shown(second, "tracking-code")
    assert shown(first, "query-password") == shown(second, "query-password")


@pytest.mark.django_db
def test_a_wrong_id_check_digit_is_refused_and_nothing_is_stored(client):
    response = client.post(APPLY, form_data(client, id_number=RESIDENT_ID[:17] + "1"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "校验位不正确" in page
    assert "2025年城乡低保资金发放情况" in page  # what was typed is kept
    assert Application.objects.count() == 0


@pytest.mark.django_db
def test_a_wrong_captcha_is_refused(client, settings):
    settings.CAPTCHA_TEST_MODE = False
    response = client.post(APPLY, form_data(client, captcha="PASSED"))
    assert response.status_code == 400
    assert "验证问题回答不正确" in response.content.decode()
    assert Application.objects.count() == 0


@pytest.mark.django_db
def test_a_refused_form_comes_back_with_a_new_question_and_what_was_typed(client, settings):
    settings.CAPTCHA_TEST_MODE = False
    response = client.post(APPLY, form_data(client, captcha="99", captcha_token="stale"))
    form = response.context["form"]
    assert response.status_code == 400
    assert form.data["captcha"] == "" and form.data["captcha_token"] not in ("", "stale")
    assert form.data["captcha_token"] == response.context["challenge"].token
    assert form.data["name"] == "王小五"


@pytest.mark.django_db
def test_a_mailbox_challenge_is_not_accepted_by_the_application_form(client, settings):
    settings.CAPTCHA_TEST_MODE = False
    challenge = antiabuse.new_challenge()  # the mailbox's namespace
    a, word, b = challenge.question.split()[:3]
    answer_text = str(int(a) + int(b) if word == "加" else int(a) - int(b))
    response = client.post(
        APPLY, form_data(client, captcha=answer_text, captcha_token=challenge.token)
    )
    assert response.status_code == 400
    assert Application.objects.count() == 0


@pytest.mark.django_db
def test_submissions_past_the_limit_per_ip_get_429(client, settings):
    settings.APPLY_SUBMIT_PER_IP_HOUR = 1
    submit(client)
    other = client.post(APPLY, form_data(client))
    assert other.status_code == 429
    assert "提交过于频繁" in other.content.decode()
    assert Application.objects.count() == 1


@pytest.mark.django_db
def test_submissions_past_the_limit_per_id_number_get_429(client, settings):
    settings.APPLY_SUBMIT_PER_ID_DAY = 1
    submit(client)
    response = client.post(APPLY, form_data(client), REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert Application.objects.count() == 1


_tokens = itertools.count()
LINE_FIELDS = {"name", "id_number", "phone", "address", "info_title", "email", "captcha",
               "submission_token"}  # fmt: skip


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(
    field=st.sampled_from(sorted(LINE_FIELDS | {"description", "applicant_kind"})),
    value=st.one_of(
        st.text(max_size=50).map(lambda t: t + "\x00"),
        st.text(min_size=1, max_size=5).map(lambda t: t * 3000),
    ),
)  # fmt: skip
def test_nul_bytes_and_oversized_inputs_are_refused_with_4xx(client, settings, field, value):
    settings.RATELIMIT_ENABLE = False
    data = {
        "applicant_kind": "natural", "name": "王小五", "id_type": "resident_id",
        "id_number": RESIDENT_ID, "phone": PHONE, "address": "重庆市渝中区人民路1号",
        "info_title": "低保资金", "delivery_form": "paper", "delivery_method": "post",
        "captcha": "PASSED", "submission_token": f"hypothesis-token-{next(_tokens):06d}",
        field: value,
    }  # fmt: skip
    before = Application.objects.count()
    response = client.post(APPLY, data)
    assert response.status_code < 500
    if field in LINE_FIELDS and "\x00" in value:  # a block of text drops NUL instead
        assert response.status_code == 400
        assert Application.objects.count() == before


# --- tracking ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_tracking_with_a_wrong_password_fails_generically(client):
    _, code, _password = submit(client)
    wrong = client.post(TRACK, {"tracking_code": code, "password": "WRONGPWD"})
    unknown = client.post(TRACK, {"tracking_code": "NOSUCHCODE23", "password": "WRONGPWD"})
    for response in (wrong, unknown):
        page = response.content.decode()
        assert response.status_code == 400
        assert "查询码或查询密码不正确" in page
        assert "2025年城乡低保资金发放情况" not in page and "王" not in page


@pytest.mark.django_db
def test_tracking_failures_past_the_limit_get_429(client, settings):
    settings.APPLY_TRACK_FAILURES_PER_IP_HOUR = 2
    _, code, password = submit(client)
    for _ in range(2):
        client.post(TRACK, {"tracking_code": code, "password": "WRONGPWD"})
    response = client.post(TRACK, {"tracking_code": code, "password": password})
    assert response.status_code == 429
    assert "查询失败次数过多" in response.content.decode()


@pytest.mark.django_db
def test_the_tracking_page_shows_status_and_masks_personal_data(client):
    _, code, password = submit(client)
    response = client.post(TRACK, {"tracking_code": code.lower(), "password": password})
    page = response.content.decode()
    assert response.status_code == 200
    assert shown(response, "application-status") == "待确认"
    assert "网上提交申请" in page
    assert RESIDENT_ID not in page and PHONE not in page and "王小五" not in page
    assert shown(response, "applicant-id") == "110***********002X"  # as in the admin
    assert shown(response, "applicant-phone") == "139****1234"
    assert shown(response, "applicant-name") == "王**"
    assert "人民路" not in page
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_after_confirmation_the_page_shows_receipt_date_and_days_left(client, agency):
    _, code, password = submit(client)
    services.application_confirm(application=Application.objects.get(), by=agency.clerk)
    response = client.post(TRACK, {"tracking_code": code, "password": password})
    page = response.content.decode()
    assert shown(response, "application-status") == "办理中"
    assert "待确认" not in shown(response, "received-on")
    assert re.search(r'id="due-on">\d{4}年\d+月\d+日（还有 \d+ 个工作日）', page)
    assert "确认收到申请" in page


@pytest.mark.django_db
def test_the_issued_letter_is_shown_masked_and_downloads_in_the_session(client, agency):
    _, code, password = submit(client)
    answer(Application.objects.get(), agency)
    response = client.post(TRACK, {"tracking_code": code, "password": password})
    page = response.content.decode()
    assert "决定予以公开" in page and "60日内申请行政复议" in page
    assert "王小五" not in page and "王**：" in page
    assert agency.clerk.username not in page and "同意。" not in page  # no clerks, no notes
    assert "作出答复" in page
    pdf = client.get(PDF)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf["Content-Disposition"]
    docx = client.get(DOCX)
    assert docx.status_code == 200 and docx.content.startswith(b"PK")


@pytest.mark.django_db
def test_the_letter_cannot_be_downloaded_without_tracking(client, agency):
    submit(client)
    answer(Application.objects.get(), agency)
    assert client.get(PDF).status_code == 403
    assert client.get(DOCX, {"pk": Application.objects.get().pk}).status_code == 403


@pytest.mark.django_db
def test_a_draft_letter_is_neither_shown_nor_downloadable(client, agency):
    _, code, password = submit(client)
    application = services.application_confirm(
        application=Application.objects.get(), by=agency.clerk
    )
    services.application_answer(application=application, by=agency.clerk, outcome="1")
    page = client.post(TRACK, {"tracking_code": code, "password": password}).content.decode()
    assert "决定予以公开" not in page
    assert client.get(PDF).status_code == 403


@pytest.mark.django_db
def test_tracking_queries_do_not_grow_with_the_timeline(client, agency):
    _, code, password = submit(client)
    application = services.application_confirm(
        application=Application.objects.get(), by=agency.clerk
    )
    data = {"tracking_code": code, "password": password}
    client.post(TRACK, data)  # the session exists in both measurements
    with CaptureQueriesContext(connection) as short:
        client.post(TRACK, data)
    extend(application, agency, working_days=5, reason="需要调取档案。")
    answer(Application.objects.get(), agency)
    with CaptureQueriesContext(connection) as long:
        client.post(TRACK, data)
    assert Application.objects.get().events.count() >= 6
    assert len(long.captured_queries) == len(short.captured_queries)


@pytest.mark.django_db
def test_the_timeline_shows_notes_meant_for_the_applicant_only(client, agency):
    _, code, password = submit(client)
    application = services.application_confirm(
        application=Application.objects.get(), by=agency.clerk
    )
    application = services.application_consult(
        application=application, by=agency.clerk, party="某某物业公司", note="内部：请科长把关"
    )
    extend(application, agency, working_days=10, reason="所需信息分散在多个档案中，需要逐一查找。")
    response = client.post(TRACK, {"tracking_code": code, "password": password})
    page = response.content.decode()
    assert shown(response, "application-status") == "征求意见中"
    assert "征求第三方或有关机关意见" in page and "不计入答复期限" in page
    assert "所需信息分散在多个档案中" in page and "延长 10 个工作日" in page
    assert "某某物业公司" not in page and "请科长把关" not in page


@pytest.mark.django_db
def test_the_extension_shows_on_the_tracking_page_only_once_approved(client, agency):
    _, code, password = submit(client)
    application = services.application_confirm(
        application=Application.objects.get(), by=agency.clerk
    )
    services.application_request_extension(
        application=application, by=agency.clerk, working_days=10, reason="需要逐一查找档案。"
    )
    data = {"tracking_code": code, "password": password}
    asked = client.post(TRACK, data).content.decode()
    assert "需要逐一查找档案" not in asked and "延长答复期限" not in asked
    assert "延长 10 个工作日" not in asked and "延期" not in asked
    services.application_approve_extension(application=application, by=agency.reviewer)
    approved = client.post(TRACK, data).content.decode()
    assert "延长答复期限" in approved and "需要逐一查找档案" in approved
    assert "延长 10 个工作日" in approved
    assert approved.count("需要逐一查找档案") == 1  # the approved event's note, once


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(code=st.text(max_size=60), password=st.text(max_size=60))
def test_any_tracking_input_gets_a_4xx_never_a_500(client, code, password):
    response = client.post(TRACK, {"tracking_code": code, "password": password})
    assert 400 <= response.status_code < 500
