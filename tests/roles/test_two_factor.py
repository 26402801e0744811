"""The second step of the admin login: who must take it, enrolment, verification,
throttling, and what an unverified session may reach. A plain Client here: the suite's
``client`` fixture logs administrators in already verified."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.audit.models import AuditEvent
from portal.roles.definitions import AUDIT_ADMIN, SECURITY_ADMIN, SYSTEM_ADMIN
from portal.roles.demo import next_code
from tests.portal.factories import UserFactory
from tests.roles.helpers import holder

pytestmark = pytest.mark.django_db

VERIFY = reverse("roles:otp-verify")
SETUP = reverse("roles:otp-setup")
INDEX = reverse("admin:index")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="手机", confirmed=True)


def wrong_code(device) -> str:
    return "000000" if next_code(device) != "000000" else "111111"


@pytest.mark.parametrize("role", [SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN, "superuser"])
def test_administrators_reach_nothing_before_the_second_factor(role):
    user = UserFactory(is_staff=True, is_superuser=True) if role == "superuser" else holder(role)
    enrolled(user)
    client = logged_in(user)
    response = client.get(INDEX)
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    assert client.get(reverse("home")).status_code == 302  # the public site too


def test_an_administrator_without_a_device_is_sent_on_to_enrol():
    client = logged_in(holder(AUDIT_ADMIN))
    response = client.get(VERIFY + "?next=/admin/", follow=True)
    assert response.redirect_chain[-1][0] == f"{SETUP}?next=%2Fadmin%2F"
    assert "启用双因素认证" in response.content.decode()


def test_staff_without_an_administrator_permission_need_no_second_factor():
    clerk = UserFactory(is_staff=True)
    clerk.groups.add(Group.objects.get(name="信息员"))
    assert logged_in(clerk).get(INDEX).status_code == 200


def test_an_ad_hoc_grant_of_an_administrator_permission_requires_it_too():
    user = UserFactory(is_staff=True)
    user.user_permissions.add(*Group.objects.get(name=SYSTEM_ADMIN).permissions.all())
    assert logged_in(user).get(INDEX).status_code == 302


def test_the_setting_turns_the_requirement_off(settings):
    settings.ADMIN_2FA_REQUIRED = False
    assert logged_in(UserFactory(is_staff=True, is_superuser=True)).get(INDEX).status_code == 200


def test_logout_and_static_files_stay_reachable_before_verification():
    client = logged_in(UserFactory(is_staff=True, is_superuser=True))
    assert client.post(reverse("admin:logout")).status_code == 200
    client = logged_in(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/static/admin/css/base.css").status_code in {200, 404}  # not redirected


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


def test_an_outside_next_url_is_ignored():
    user = UserFactory(is_staff=True, is_superuser=True)
    device = enrolled(user)
    response = logged_in(user).post(
        VERIFY, {"token": next_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == INDEX


def test_staff_may_enrol_of_their_own_accord_and_then_verify_at_each_login():
    clerk = UserFactory(is_staff=True)
    clerk.groups.add(Group.objects.get(name="信息员"))
    client = logged_in(clerk)
    assert client.get(SETUP).status_code == 200
    device = TOTPDevice.objects.get(user=clerk)
    client.post(SETUP, {"token": next_code(device)})
    assert TOTPDevice.objects.get(user=clerk).confirmed
    later = logged_in(clerk)
    assert later.get(INDEX)["Location"].startswith(VERIFY)


def test_the_enrolment_page_of_an_enrolled_and_verified_account_says_so():
    user = UserFactory(is_staff=True, is_superuser=True)
    device = enrolled(user)
    client = logged_in(user)
    client.post(VERIFY, {"token": next_code(device)})
    assert "已启用双因素认证" in client.get(SETUP).content.decode()


def test_the_pages_need_a_login():
    response = Client().get(VERIFY)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_administrator_set_password_is_changed_after_the_code_without_a_loop():
    from portal.accounts.passwords import password_mark_temporary

    user = UserFactory(is_staff=True, is_superuser=True)
    device = enrolled(user)
    password_mark_temporary(user=user)
    client = logged_in(user)
    response = client.get(INDEX, follow=True)  # a redirect cycle would raise here
    assert response.redirect_chain[-1][0].startswith(VERIFY)  # the code first
    new = "Zheng-Wu-Gong-Kai-42!"
    change = {"old_password": "secret-password", "new_password1": new, "new_password2": new}
    # Whoever has only the password cannot replace it before the code.
    response = client.post(reverse("admin:password_change"), change)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    user.refresh_from_db()
    assert user.check_password("secret-password")
    response = client.post(VERIFY, {"token": next_code(device)}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:password_change")  # then this
    response = client.post(reverse("admin:password_change"), change, follow=True)
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(new)
    assert client.get(INDEX).status_code == 200


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


def test_staff_whose_voluntary_device_was_reset_go_on_without_a_code():
    clerk = UserFactory(is_staff=True)
    device = enrolled(clerk)
    client = logged_in(clerk)
    assert client.get(INDEX).status_code == 302
    device.delete()  # reset by a security administrator
    assert client.get(INDEX, follow=True).redirect_chain[-1][0] == INDEX
    assert client.get(INDEX).status_code == 200
