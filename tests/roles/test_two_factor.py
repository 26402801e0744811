"""The second step of the admin login: who must take it and what an unverified session
may reach (portal.roles.middleware, portal.roles.two_factor); the verification and
enrolment pages themselves are in test_views.py. A plain Client here: the suite's
``client`` fixture logs administrators in already verified."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.roles.definitions import AUDIT_ADMIN, SECURITY_ADMIN, SYSTEM_ADMIN
from portal.roles.demo import next_code
from tests.portal.factories import UserFactory
from tests.roles.clients import enrolled, logged_in
from tests.roles.helpers import holder

pytestmark = pytest.mark.django_db

VERIFY = reverse("roles:otp-verify")
SETUP = reverse("roles:otp-setup")
INDEX = reverse("admin:index")


@pytest.mark.parametrize("role", [SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN, "superuser"])
def test_administrators_reach_nothing_before_the_second_factor(role):
    user = UserFactory(is_staff=True, is_superuser=True) if role == "superuser" else holder(role)
    enrolled(user)
    client = logged_in(user)
    response = client.get(INDEX)
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    assert client.get(reverse("home")).status_code == 302  # the public site too


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
