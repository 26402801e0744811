"""The demo's administrators: one account per role of 三员分立, enrolled with the published
demo key, whose current code ``demo_totp`` prints."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.roles.demo import DEMO_TOTP_KEY, DEMO_TOTP_SECRET, next_code
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    output = StringIO()
    call_command("load_demo", stdout=output)
    return output.getvalue()


def test_the_demo_has_one_account_per_administrator_role_and_says_how_to_log_in(demo):
    User = get_user_model()
    roles = {
        username: list(User.objects.get(username=username).groups.values_list("name", flat=True))
        for username in ["sysadmin", "secadmin", "auditor"]
    }
    assert roles == {
        "sysadmin": ["系统管理员"],
        "secadmin": ["安全管理员"],
        "auditor": ["审计管理员"],
    }
    assert "demo_totp" in demo and DEMO_TOTP_SECRET in demo
    enrolled = TOTPDevice.objects.filter(confirmed=True, key=DEMO_TOTP_KEY)
    assert sorted(enrolled.values_list("user__username", flat=True)) == [
        "admin",
        "auditor",
        "secadmin",
        "sysadmin",
    ]


def test_the_printed_code_completes_the_demo_admins_login(demo):
    output = StringIO()
    call_command("demo_totp", "auditor", stdout=output)
    code = output.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    client = Client()
    assert client.login(username="auditor", password="zwgk-Demo-2026")
    assert client.get(reverse("admin:index")).status_code == 302  # the code first
    response = client.post(reverse("roles:otp-verify"), {"token": code})
    assert response.status_code == 302
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200


def test_demo_totp_answers_only_for_the_demo_key():
    TOTPDevice.objects.create(user=UserFactory(username="real"), confirmed=True)
    with pytest.raises(CommandError, match="演示密钥"):
        call_command("demo_totp", "real")


def test_the_next_code_skips_a_time_step_already_used():
    device = TOTPDevice.objects.create(user=UserFactory(), confirmed=True, key=DEMO_TOTP_KEY)
    first = next_code(device, now=1_000_000_000)
    device.last_t = 1_000_000_000 // 30
    assert next_code(device, now=1_000_000_000) != first


def test_the_demo_key_stops_a_deployment_unless_the_demo_is_allowed(settings):
    from portal.roles.checks import demo_second_factor_check

    TOTPDevice.objects.create(user=UserFactory(username="chief"), confirmed=True, key=DEMO_TOTP_KEY)
    settings.ALLOW_DEMO_ACCOUNTS = False
    (error,) = demo_second_factor_check()
    assert error.id == "roles.E001" and "chief" in error.msg
    settings.ALLOW_DEMO_ACCOUNTS = True
    assert demo_second_factor_check() == []
