"""The citizens' pages: writing (errors, replays, CAPTCHA, limits, attachments),
tracking and rating, and flat query counts on the lists."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mailbox.models import Letter
from tests.mailbox.conftest import close, submit

WRITE = reverse("mailbox:letter-create", kwargs={"slug": "director"})
TRACK = reverse("mailbox:letter-track")
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


@pytest.fixture(autouse=True)
def _test_switches(settings):
    settings.CAPTCHA_TEST_MODE = True
    settings.RATELIMIT_ENABLE = True


def form_data(client, **overrides):
    page = client.get(WRITE).content.decode()
    token = re.search(r'name="submission_token" value="([^"]+)"', page).group(1)
    return {
        "kind": "consult", "subject": "低保申请材料咨询", "body": "请问申请城乡低保需要哪些材料？谢谢。",
        "name": "李四", "phone": "139 8300 1234", "email": "", "consent": "yes",
        "captcha": "PASSED", "captcha_token": "", "submission_token": token, **overrides,
    }  # fmt: skip


def shown(response, element_id):
    return re.search(rf'id="{element_id}">([^<]+)<', response.content.decode()).group(1)


@pytest.mark.django_db
def test_writing_a_letter_shows_the_tracking_code_and_password_once_stored(client, mailbox):
    response = client.post(WRITE, form_data(client))
    assert response.status_code == 200
    letter = Letter.objects.get()
    assert shown(response, "tracking-code") == letter.tracking_code
    assert len(shown(response, "query-password")) == 8
    assert letter.phone == "13983001234"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_replayed_post_creates_one_letter_and_shows_the_same_credentials(client, mailbox):
    data = form_data(client)
    first = client.post(WRITE, data)
    second = client.post(WRITE, data)
    assert Letter.objects.count() == 1
    assert shown(first, "tracking-code") == shown(second, "tracking-code")
    assert shown(first, "query-password") == shown(second, "query-password")


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["abc\x00def" * 3, "x" * 5000, "../../etc/passwd"])
def test_a_malformed_submission_token_is_a_form_error_not_a_lookup(client, mailbox, token):
    response = client.post(WRITE, form_data(client, submission_token=token))
    assert response.status_code == 400
    assert not Letter.objects.exists()


@pytest.mark.django_db
def test_errors_are_chinese_next_to_the_field_and_the_text_is_kept(client, mailbox):
    response = client.post(WRITE, form_data(client, phone="12345", subject="短"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "联系电话格式不正确" in page
    assert "标题太短" in page
    assert "请问申请城乡低保需要哪些材料？谢谢。" in page
    assert Letter.objects.count() == 0


@pytest.mark.django_db
def test_a_wrong_captcha_answer_is_refused(client, mailbox, settings):
    settings.CAPTCHA_TEST_MODE = False
    response = client.post(WRITE, form_data(client, captcha="PASSED"))
    assert response.status_code == 400
    assert "验证问题回答不正确" in response.content.decode()
    assert Letter.objects.count() == 0


@pytest.mark.django_db
def test_the_arithmetic_captcha_accepts_its_answer_once(client, mailbox, settings):
    from portal import antiabuse

    settings.CAPTCHA_TEST_MODE = False
    challenge = antiabuse.new_challenge()
    a, word, b = challenge.question.split()[:3]
    answer = int(a) + int(b) if word == "加" else int(a) - int(b)
    response = client.post(
        WRITE, form_data(client, captcha=str(answer), captcha_token=challenge.token)
    )
    assert response.status_code == 200
    again = client.post(
        WRITE, form_data(client, captcha=str(answer), captcha_token=challenge.token)
    )
    assert again.status_code == 400


@pytest.mark.django_db
def test_letters_per_phone_are_rate_limited(client, mailbox, settings):
    settings.MAILBOX_SUBMIT_PER_PHONE_DAY = 2
    statuses = [client.post(WRITE, form_data(client)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert Letter.objects.count() == 2


@pytest.mark.django_db
def test_rate_limits_can_be_switched_off_for_acceptance_tests(client, mailbox, settings):
    settings.RATELIMIT_ENABLE = False
    settings.MAILBOX_SUBMIT_PER_PHONE_DAY = 1
    assert [client.post(WRITE, form_data(client)).status_code for _ in range(3)] == [200] * 3


@pytest.mark.django_db
def test_an_attachment_that_is_not_what_it_says_is_refused(client, mailbox):
    fake = SimpleUploadedFile(
        "证明.pdf", b"just some text, not a PDF", content_type="application/pdf"
    )
    response = client.post(WRITE, {**form_data(client), "attachments": [fake]})
    assert response.status_code == 400
    assert "不支持的文件类型" in response.content.decode()


@pytest.mark.django_db
def test_a_png_attachment_is_kept(client, mailbox):
    import base64

    png = base64.b64decode(PNG)
    upload = SimpleUploadedFile("照片.png", png, content_type="image/png")
    response = client.post(WRITE, {**form_data(client), "attachments": [upload]})
    assert response.status_code == 200
    assert Letter.objects.get().attachments.get().content_type == "image/png"


PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


@pytest.mark.django_db
def test_attachments_over_the_size_or_number_limit_are_refused_with_the_text_kept(
    client, mailbox, settings
):
    import base64

    png = base64.b64decode(PNG)
    settings.MAILBOX_ATTACHMENT_MAX_BYTES = len(png) - 1
    big = SimpleUploadedFile("照片.png", png, content_type="image/png")
    response = client.post(WRITE, {**form_data(client), "attachments": [big]})
    assert response.status_code == 400 and "照片.png" in response.content.decode()
    assert "低保申请材料咨询" in response.content.decode()  # the subject is kept
    settings.MAILBOX_ATTACHMENT_MAX_BYTES = 1024 * 1024
    settings.MAILBOX_ATTACHMENT_MAX_FILES = 1
    two = [SimpleUploadedFile(f"{n}.png", png, content_type="image/png") for n in "ab"]
    response = client.post(WRITE, {**form_data(client), "attachments": two})
    assert response.status_code == 400 and "附件最多 1 个" in response.content.decode()
    assert not Letter.objects.exists()


@pytest.mark.django_db
def test_a_closed_mailbox_page_is_404(client, mailbox):
    mailbox.is_open = False
    mailbox.save()
    assert client.get(WRITE).status_code == 404


def _track(client, code, password):
    return client.post(TRACK, {"tracking_code": code, "password": password})


def _without_tokens(response):
    """The page without its CSRF token and the code the visitor typed (kept in the field)."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r'name="tracking_code" value="[^"]+"', "", page)


@pytest.mark.django_db
def test_wrong_code_and_wrong_password_get_the_same_answer(client, mailbox):
    from portal.credentials import password_for

    letter = submit(mailbox, submission_token="t1")
    wrong_password = _track(client, letter.tracking_code, "AAAAAAAA")
    wrong_code = _track(client, "ZZZZZZZZZZZZ", password_for("t1"))
    assert wrong_password.status_code == wrong_code.status_code == 400
    assert _without_tokens(wrong_password) == _without_tokens(wrong_code)
    assert "查询码或查询密码不正确" in _without_tokens(wrong_code)


@pytest.mark.django_db
def test_failed_tracking_is_throttled(client, mailbox, settings):
    from portal.credentials import password_for

    settings.MAILBOX_TRACK_FAILURES_PER_IP_HOUR = 3
    letter = submit(mailbox, submission_token="t2")
    assert [_track(client, "WRONG", "WRONG").status_code for _ in range(3)] == [400] * 3
    assert _track(client, letter.tracking_code, password_for("t2")).status_code == 429


@pytest.mark.django_db
def test_tracking_shows_status_and_dated_history_and_after_closing_the_answer(
    client, mailbox, agency
):
    from portal.credentials import password_for

    letter = submit(mailbox, submission_token="t3")
    page = _track(client, letter.tracking_code, password_for("t3")).content.decode()
    assert "待受理" in page and "收到来信" in page
    assert "reply-text" not in page
    close(letter, agency)
    page = _track(client, letter.tracking_code, password_for("t3")).content.decode()
    assert "已办结" in page and "请携带身份证到街道办理" in page
    assert agency.clerk.username not in page  # who handled it is not shown


@pytest.mark.django_db
def test_rating_unsatisfied_reopens_the_letter(client, mailbox, agency):
    from portal.credentials import password_for

    letter = close(submit(mailbox, submission_token="t4"), agency)
    page = _track(client, letter.tracking_code, password_for("t4")).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    response = client.post(reverse("mailbox:letter-rate"),
                           {"token": token, "satisfaction": "unsatisfied", "comment": "未解决"})  # fmt: skip
    assert response.status_code == 200
    assert Letter.objects.get().status == Letter.Status.REOPENED
    assert "重办" in response.content.decode()


@pytest.mark.django_db
def test_a_forged_rating_token_is_400(client, mailbox):
    response = client.post(
        reverse("mailbox:letter-rate"), {"token": "x", "satisfaction": "satisfied"}
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_the_mailbox_list_links_each_open_mailbox(client, mailbox):
    page = client.get(reverse("mailbox:mailbox-list")).content.decode()
    assert WRITE in page
    assert reverse("mailbox:reply-list", kwargs={"slug": "director"}) in page
    assert TRACK in page
    home = client.get(reverse("home")).content.decode()
    assert 'href="/mailbox/"' in home  # main navigation


@pytest.mark.django_db
def test_public_reply_list_queries_do_not_grow(
    client, mailbox, agency, django_assert_max_num_queries
):
    from mailbox.models import Reply
    from tests.mailbox.conftest import publish_reply

    def add(n):
        for _ in range(n):
            publish_reply(Reply.objects.get(letter=close(submit(mailbox), agency)), agency)

    url = reverse("mailbox:reply-list", kwargs={"slug": "director"})
    add(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url + "?q=低保").status_code == 200
    add(5)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url + "?q=低保&x=1").status_code == 200


@pytest.mark.django_db
def test_mailbox_list_queries_do_not_grow(client, agency, django_assert_num_queries):
    from mailbox.models import Mailbox

    Mailbox.objects.create(name="信箱一", slug="one", organization=agency.office)
    with django_assert_num_queries(1):
        client.get(reverse("mailbox:mailbox-list"))
    for n in range(5):
        Mailbox.objects.create(name=f"信箱{n + 2}", slug=f"box{n}", organization=agency.office)
    with django_assert_num_queries(1):
        client.get(reverse("mailbox:mailbox-list"))


@pytest.mark.django_db
def test_unknown_mailbox_and_bad_methods_are_4xx(client, mailbox):
    assert client.get("/mailbox/nope/").status_code == 404
    assert client.get("/mailbox/nope/write/").status_code == 404
    assert client.put(WRITE).status_code == 405
    assert client.get(reverse("mailbox:letter-rate")).status_code == 405
