"""The verification and enrolment pages of the second factor (portal.roles.views): a code
is refused in Chinese, never with a 500; the current one is accepted once; ``next`` never
leads off the site; the key of a device is shown only while it is being enrolled. A plain
Client unless a test needs an already verified session (the suite's ``client`` fixture)."""

import html
import re
from urllib.parse import unquote, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from portal.audit.models import AuditEvent
from portal.roles.definitions import AUDIT_ADMIN, SECURITY_ADMIN, SYSTEM_ADMIN
from portal.roles.demo import next_code
from portal.roles.two_factor import qr_code_data_uri, readable_secret
from portal.roles.views import WRONG_CODE
from tests.portal.factories import UserFactory
from tests.roles.clients import enrolled, logged_in
from tests.roles.helpers import holder

pytestmark = pytest.mark.django_db

VERIFY = reverse("roles:otp-verify")
SETUP = reverse("roles:otp-setup")
INDEX = reverse("admin:index")
CHINESE = re.compile(r"[\u4e00-\u9fff]")

# Ways to write another site's address that browsers follow (WHATWG URL: backslashes count
# as slashes, tabs and newlines are dropped, leading spaces and control characters too).
OUTSIDE = [
    "https://evil.example/",
    "//evil.example",
    "//evil.example/admin/",
    "///evil.example",
    "////evil.example",
    "//",
    "/\\",
    "/\t/",
    "\\\\evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    " //evil.example",
    "\x01//evil.example",
    "https:evil.example",
    "https:/evil.example",
    "http://testserver.evil.example/",
    "http://evil.example\\@testserver/",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
]


def wrong_code(device) -> str:
    return "000000" if next_code(device) != "000000" else "111111"


def accepted_codes(device) -> set[str]:
    """Every code ``device`` would take now (django-otp allows one time step either side)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = totp.t()
    steps = range(now - device.tolerance, now + device.tolerance + 1)
    return {f"{hotp(device.bin_key, t, digits=device.digits):0{device.digits}d}" for t in steps}


def lands_on_this_site(location: str) -> bool:
    """Whether a browser on the verification page, sent to ``location``, stays on this site.
    Parsed as browsers do (WHATWG URL), not with Django's own check."""
    cleaned = location.strip("".join(chr(c) for c in range(0x21)))
    cleaned = re.sub(r"[\t\n\r]", "", cleaned).replace("\\", "/")
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", cleaned):
        scheme, rest = cleaned.split(":", 1)
        if scheme.lower() not in {"http", "https"}:
            return False
        if not rest.startswith("//"):  # "https:x" is relative to an http(s) page, unless
            return scheme.lower() == "http"  # the scheme differs: then "x" is the host
        target = urlsplit(f"{scheme}:{rest}")
        return target.hostname == "testserver"
    if cleaned.startswith("//"):
        return urlsplit("http:" + cleaned).hostname == "testserver"
    return True  # a path on this site


def hidden_next(response) -> str:
    match = re.search(
        r'<input type="hidden" name="next" value="([^"]*)">', response.content.decode()
    )
    assert match, response.content.decode()
    return html.unescape(match.group(1))


def errornote(response) -> str:
    match = re.search(
        r'<p class="errornote" role="alert">(.*?)</p>', response.content.decode(), re.S
    )
    assert match, response.content.decode()
    return html.unescape(match.group(1))


def key_shown(page: str, device) -> bool:
    secret = readable_secret(device)
    return any(
        text in page
        for text in (secret, secret.replace(" ", ""), device.key, "otpauth", 'id="otp-secret"')
    )


# The verification page (/admin/otp/).


def test_the_pages_need_a_login():
    response = Client().get(VERIFY)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_administrator_without_a_device_is_sent_on_to_enrol():
    client = logged_in(holder(AUDIT_ADMIN))
    response = client.get(VERIFY + "?next=/admin/", follow=True)
    assert response.redirect_chain[-1][0] == f"{SETUP}?next=%2Fadmin%2F"
    assert "启用双因素认证" in response.content.decode()


def test_the_verification_page_asks_an_enrolled_account_for_its_code():
    user = UserFactory(is_staff=True, is_superuser=True)
    device = enrolled(user)
    response = logged_in(user).get(VERIFY, {"next": "/admin/portal/user/"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="otp-form"' in page and "输入当前显示的动态验证码" in page
    assert hidden_next(response) == "/admin/portal/user/"
    assert not key_shown(page, device)


def test_a_wrong_code_is_refused_in_chinese_and_recorded():
    user = holder(SYSTEM_ADMIN)
    device = enrolled(user)
    client = logged_in(user)
    response = client.post(VERIFY, {"token": wrong_code(device)})
    assert response.status_code == 200
    assert errornote(response) == WRONG_CODE
    assert client.get(INDEX).status_code == 302
    event = AuditEvent.objects.get(action="login_failed", object_id=str(user.pk))
    assert (event.result, event.reason) == ("failure", "动态验证码错误")


def test_the_code_typed_is_never_written_to_the_audit_log():
    user = holder(SYSTEM_ADMIN)
    device = enrolled(user)
    client = logged_in(user)
    typed = wrong_code(device)
    client.post(VERIFY, {"token": typed})
    device.throttle_reset()
    right = next_code(device)
    client.post(VERIFY, {"token": right})
    for event in AuditEvent.objects.all():
        written = f"{event.reason} {event.object_repr} {event.details}"
        assert typed not in written and right not in written


def test_the_current_code_is_accepted_and_the_login_recorded():
    user = holder(AUDIT_ADMIN)
    device = enrolled(user)
    client = logged_in(user)
    response = client.post(VERIFY, {"token": next_code(device)})
    assert (response.status_code, response["Location"]) == (302, INDEX)
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    event = AuditEvent.objects.get(action="login", reason="双因素认证通过")
    assert event.actor_username == user.username


def test_a_code_with_spaces_as_the_app_shows_it_is_accepted():
    user = UserFactory(is_staff=True, is_superuser=True)
    device = enrolled(user)
    code = next_code(device)
    response = logged_in(user).post(VERIFY, {"token": f" {code[:3]} {code[3:]} "})
    assert (response.status_code, response["Location"]) == (302, INDEX)


def test_a_verified_session_goes_straight_on_to_next(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(VERIFY, {"next": "/admin/portal/user/"})
    assert (response.status_code, response["Location"]) == (302, "/admin/portal/user/")
    assert not AuditEvent.objects.filter(action="login", reason="双因素认证通过").exists()


def test_a_correct_code_verifies_the_session_under_a_new_key():
    user = UserFactory(is_staff=True, is_superuser=True)
    device = enrolled(user)
    client = logged_in(user)
    before = client.session.session_key
    response = client.post(VERIFY, {"token": next_code(device), "next": "/admin/portal/user/"})
    assert response["Location"] == "/admin/portal/user/"
    assert client.session.session_key != before
    assert client.get(INDEX).status_code == 200


def test_a_code_is_accepted_once():
    user = UserFactory(is_staff=True, is_superuser=True)
    device = enrolled(user)
    code = next_code(device)
    assert logged_in(user).post(VERIFY, {"token": code}).status_code == 302
    device.refresh_from_db()
    again = logged_in(user).post(VERIFY, {"token": code})
    assert again.status_code == 200


def test_wrong_codes_are_throttled_even_against_a_right_one():
    user = holder(AUDIT_ADMIN)
    device = enrolled(user)
    client = logged_in(user)
    client.post(VERIFY, {"token": wrong_code(device)})
    response = client.post(VERIFY, {"token": next_code(device)})  # within the 1 s wait
    assert "错误次数过多" in response.content.decode()
    assert client.get(INDEX).status_code == 302
    reasons = AuditEvent.objects.filter(action="login_failed", object_id=str(user.pk))
    assert sorted(reasons.values_list("reason", flat=True)) == [
        "动态验证码错误",
        "动态验证码错误次数过多，暂缓验证",
    ]


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("", "请输入动态验证码"),
        ("12ab56", "只能包含数字"),
        ("123", "6 位数字"),
        ("１２３４５６", "只能包含数字"),
    ],
)
def test_malformed_codes_get_a_chinese_message_not_an_error(token, message):
    user = UserFactory(is_staff=True, is_superuser=True)
    enrolled(user)
    response = logged_in(user).post(VERIFY, {"token": token})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_staff_whose_voluntary_device_was_reset_go_on_without_a_code():
    clerk = UserFactory(is_staff=True)
    device = enrolled(clerk)
    client = logged_in(clerk)
    assert client.get(INDEX).status_code == 302
    device.delete()  # reset by a security administrator
    assert client.get(INDEX, follow=True).redirect_chain[-1][0] == INDEX
    assert client.get(INDEX).status_code == 200


# The enrolment page (/admin/otp/setup/).


def test_the_enrolment_page_shows_the_secret_and_an_inline_svg_qr_code():
    client = logged_in(holder(SYSTEM_ADMIN))
    page = client.get(SETUP).content.decode()
    device = TOTPDevice.objects.get(confirmed=False)
    assert 'src="data:image/svg+xml' in page
    secret = re.search(r'<code id="otp-secret">([A-Z2-7 ]+)</code>', page).group(1)
    assert len(secret.replace(" ", "")) == 32
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert '<label for="id_token"' in page
    # A reload shows the same secret: what was scanned stays valid.
    assert secret in client.get(SETUP).content.decode()
    assert TOTPDevice.objects.filter(user=device.user).count() == 1


def test_the_qr_code_is_an_inline_svg_of_the_pending_devices_key():
    client = logged_in(holder(SECURITY_ADMIN))
    page = client.get(SETUP).content.decode()
    device = TOTPDevice.objects.get(confirmed=False)
    src = html.unescape(re.search(r'<img src="([^"]*)"', page).group(1))
    assert src == qr_code_data_uri(device)
    kind, _, svg = src.partition(",")
    assert kind.startswith("data:image/svg+xml")
    assert unquote(svg).startswith("<svg") and unquote(svg).rstrip().endswith("</svg>")
    assert re.search(r'<code id="otp-secret">([A-Z2-7 ]+)</code>', page).group(1) == (
        readable_secret(device)
    )
    assert not re.search(r'src="(https?:)?//', page)  # no QR service sees the key


def test_the_enrolment_page_needs_a_login():
    response = Client().get(SETUP)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    ("role", "says", "does_not_say"),
    [
        (SYSTEM_ADMIN, "登录时必须使用双因素认证", "启用后，每次登录"),
        ("信息员", "启用后，每次登录", "登录时必须使用双因素认证"),
    ],
)
def test_the_enrolment_page_says_whether_the_second_factor_is_required(role, says, does_not_say):
    page = logged_in(holder(role)).get(SETUP).content.decode()
    assert says in page and does_not_say not in page


def test_a_device_is_confirmed_only_by_a_correct_code():
    user = holder(SECURITY_ADMIN)
    client = logged_in(user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(SETUP, {"token": wrong_code(device), "next": "/admin/"})
    assert response.status_code == 200
    assert "动态验证码不正确" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()
    response = client.post(SETUP, {"token": next_code(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(INDEX).status_code == 200


def test_enrolling_is_recorded_and_announced():
    user = holder(SECURITY_ADMIN)
    client = logged_in(user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(SETUP, {"token": next_code(device)}, follow=True)
    assert response.redirect_chain[-1][0] == INDEX
    assert "已启用双因素认证：以后每次登录都需要输入动态验证码。" in response.content.decode()
    enrolment = AuditEvent.objects.get(action="account_change", reason="启用双因素认证")
    assert enrolment.object_id == str(user.pk)
    assert AuditEvent.objects.filter(action="login", reason="双因素认证通过").exists()


def test_the_enrolment_page_of_an_enrolled_and_verified_account_says_so():
    user = UserFactory(is_staff=True, is_superuser=True)
    device = enrolled(user)
    client = logged_in(user)
    client.post(VERIFY, {"token": next_code(device)})
    assert "已启用双因素认证" in client.get(SETUP).content.decode()


def test_an_enrolled_and_verified_account_is_never_shown_its_key(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)  # verified by a confirmed device of its own
    device = TOTPDevice.objects.get(user=user)
    response = client.get(SETUP)
    assert response.status_code == 200
    page = response.content.decode()
    assert not key_shown(page, device)
    assert "data:image/svg+xml" not in page and 'id="otp-form"' not in page
    assert TOTPDevice.objects.filter(user=user).count() == 1  # no second device begun


def test_an_enrolled_account_not_yet_verified_is_sent_to_verify_without_its_key():
    user = holder(SYSTEM_ADMIN)
    device = enrolled(user)
    client = logged_in(user)
    response = client.get(SETUP, {"next": "/admin/portal/user/"})
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2Fportal%2Fuser%2F"
    assert not key_shown(response.content.decode(), device)
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_the_enrolment_page_does_not_verify_an_enrolled_account():
    user = holder(SYSTEM_ADMIN)
    device = enrolled(user)
    client = logged_in(user)
    response = client.post(SETUP, {"token": next_code(device)})
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert client.get(INDEX).status_code == 302
    assert list(TOTPDevice.objects.filter(user=user)) == [device]


# Both pages.


@pytest.mark.parametrize("url", [VERIFY, SETUP])
def test_neither_page_is_cached(url):
    user = UserFactory(is_staff=True, is_superuser=True)
    if url == VERIFY:
        enrolled(user)
    response = logged_in(user).get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.parametrize("url", [VERIFY, SETUP])
def test_neither_page_takes_a_code_without_the_csrf_token(url):
    user = UserFactory(is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=user, name="手机", confirmed=url == VERIFY)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(url, {"token": next_code(device)})
    assert response.status_code == 403
    assert client.get(INDEX).status_code == 302
    device.refresh_from_db()
    assert device.confirmed is (url == VERIFY)


# ``next``: followed within the site, never off it.


def test_an_outside_next_url_is_ignored():
    user = UserFactory(is_staff=True, is_superuser=True)
    device = enrolled(user)
    response = logged_in(user).post(
        VERIFY, {"token": next_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == INDEX


@pytest.mark.parametrize("outside", OUTSIDE)
def test_the_helper_sees_each_outside_address_as_off_the_site(outside):
    assert not lands_on_this_site(outside)  # the browser's view the tests below rely on


@pytest.mark.parametrize("outside", OUTSIDE)
def test_an_outside_next_is_not_followed_after_the_code(outside):
    user = UserFactory(is_staff=True, is_superuser=True)
    device = enrolled(user)
    response = logged_in(user).post(VERIFY, {"token": next_code(device), "next": outside})
    assert (response.status_code, response["Location"]) == (302, INDEX)


@pytest.mark.parametrize("outside", OUTSIDE)
def test_an_outside_next_is_not_followed_by_a_verified_session(client, outside):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(VERIFY, {"next": outside})
    assert (response.status_code, response["Location"]) == (302, INDEX)


@pytest.mark.parametrize("outside", OUTSIDE)
def test_an_outside_next_is_not_carried_into_the_form(outside):
    user = UserFactory(is_staff=True, is_superuser=True)
    enrolled(user)
    response = logged_in(user).get(VERIFY, {"next": outside})
    assert hidden_next(response) == INDEX


@pytest.mark.parametrize("outside", OUTSIDE)
def test_an_outside_next_is_not_passed_on_to_the_enrolment_page(outside):
    response = logged_in(holder(SYSTEM_ADMIN)).get(VERIFY, {"next": outside})
    assert response["Location"] == f"{SETUP}?next=%2Fadmin%2F"


@pytest.mark.parametrize(
    "inside", ["/admin/portal/user/?q=%E5%BC%A0&o=1", "https://testserver/admin/portal/user/"]
)
def test_a_next_on_this_site_is_followed(client, inside):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(VERIFY, {"next": inside})["Location"] == inside


def test_a_page_reached_over_https_does_not_send_on_to_plain_http(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    plain = client.get(VERIFY, {"next": "http://testserver/admin/portal/user/"}, secure=True)
    assert plain["Location"] == INDEX
    tls = client.get(VERIFY, {"next": "https://testserver/admin/portal/user/"}, secure=True)
    assert tls["Location"] == "https://testserver/admin/portal/user/"


# Any text.


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(token=st.text(max_size=40))
def test_any_text_as_a_code_gets_a_page_never_an_error_nor_a_login(token):
    user = UserFactory(is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=user, name="手机", confirmed=True, throttling_failure_count=0)
    client = logged_in(user)
    response = client.post(VERIFY, {"token": token})
    assert response.status_code == 200
    assert client.get(INDEX).status_code == 302


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(token=st.text(max_size=40))
@pytest.mark.parametrize("url", [VERIFY, SETUP])
def test_any_text_as_a_code_is_refused_in_chinese_never_with_a_500(url, token):
    user = UserFactory(is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=user, name="手机", confirmed=url == VERIFY)
    assume("".join(token.split()) not in accepted_codes(device))
    client = logged_in(user)
    response = client.post(url, {"token": token})
    assert response.status_code == 200 or 400 <= response.status_code < 500
    if response.status_code == 200:
        errors = response.context["form"].errors["token"]
        assert errors and all(CHINESE.search(error) for error in errors), errors
        assert CHINESE.search(errornote(response))
    else:
        assert CHINESE.search(response.content.decode())
    assert client.get(INDEX).status_code == 302
    device.refresh_from_db()
    assert device.confirmed is (url == VERIFY)


# Pieces of addresses, so that the examples also try the shapes of OUTSIDE, not only noise.
URL_PIECES = ["/", "\\", ":", "@", ".", "evil.example", "https", "http", "testserver"]
URL_PIECES += ["\t", " ", "\x00", "%2F", "?", "#"]


@pytest.fixture
def verified_and_not(client):
    """A session that has passed the second factor and one that has not yet."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    user = UserFactory(is_staff=True, is_superuser=True)
    enrolled(user)
    return client, logged_in(user)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    target=st.one_of(
        st.text(max_size=60),
        st.lists(st.sampled_from(URL_PIECES), max_size=8).map("".join),
    )
)
def test_any_text_as_next_never_leads_off_the_site_nor_to_an_error(verified_and_not, target):
    verified, unverified = verified_and_not
    response = verified.get(VERIFY, {"next": target})
    assert response.status_code == 302
    assert lands_on_this_site(response["Location"]), response["Location"]
    form = unverified.get(VERIFY, {"next": target})
    assert form.status_code == 200
    assert lands_on_this_site(hidden_next(form)), hidden_next(form)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(target=st.text(max_size=60))
def test_any_text_as_next_with_the_right_code_never_leads_off_the_site(target):
    user = UserFactory(is_staff=True, is_superuser=True)
    device = enrolled(user)
    response = logged_in(user).post(VERIFY, {"token": next_code(device), "next": target})
    assert response.status_code == 302
    assert lands_on_this_site(response["Location"]), response["Location"]
