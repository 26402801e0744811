"""Login failures: lock per name, throttle per address, one message for every failure."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from portal.accounts import signals
from portal.accounts.forms import INVALID_MESSAGE, locked_message
from portal.accounts.models import Lockout, LoginFailure
from tests.accounts.conftest import PASSWORD, fail, log_in

pytestmark = pytest.mark.django_db


def errors_html(response) -> str:
    """The login page's error list, as rendered."""
    match = re.search(r'<p class="errornote">.*?</p>|<ul class="errorlist[^"]*".*?</ul>',
                      response.content.decode(), re.S)  # fmt: skip
    assert match, response.content.decode()
    return match.group(0)


def test_five_failures_within_fifteen_minutes_lock_the_account(client, staff):
    responses = fail(client, staff.username, 5)
    assert locked_message() in responses[-1].content.decode()
    response = log_in(client, staff.username, PASSWORD)  # even the right password
    assert response.status_code == 200
    assert locked_message() in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock(client, staff):
    fail(client, staff.username, 4)
    assert log_in(client, staff.username, PASSWORD).status_code == 302


def test_five_failures_spread_over_more_than_fifteen_minutes_do_not_lock(client, staff):
    fail(client, staff.username, 4)
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    response = fail(client, staff.username, 1)[0]
    assert locked_message() not in response.content.decode()
    assert log_in(client, staff.username, PASSWORD).status_code == 302


def test_the_lock_ends_after_thirty_minutes(client, staff):
    fail(client, staff.username, 5)
    Lockout.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=30))
    assert log_in(client, staff.username, PASSWORD).status_code == 302


def test_the_lock_lasts_thirty_minutes(client, staff):
    fail(client, staff.username, 5)
    lockout = Lockout.objects.get(kind=Lockout.Kind.ACCOUNT)
    assert lockout.locked_until - lockout.locked_at == timedelta(minutes=30)


def test_names_differing_in_case_share_one_count(client, staff):
    fail(client, staff.username.upper(), 5)
    assert locked_message() in log_in(client, staff.username, PASSWORD).content.decode()


def test_unknown_name_and_wrong_password_get_the_same_error(client, staff):
    wrong_password = log_in(client, staff.username, "Wrong-password-1")
    unknown_name = log_in(client, "nobody-here", "Wrong-password-1")
    assert wrong_password.status_code == unknown_name.status_code == 200
    assert errors_html(wrong_password) == errors_html(unknown_name)
    assert INVALID_MESSAGE in errors_html(unknown_name)


def test_an_unknown_name_locks_like_an_existing_one(client, staff):
    known = fail(client, staff.username, 6)
    unknown = fail(client, "nobody-here", 6)
    for a, b in zip(known, unknown, strict=True):
        assert errors_html(a) == errors_html(b)
    assert locked_message() in errors_html(unknown[-1])


def test_a_lock_sends_account_locked_and_a_refusal_sends_login_refused(client, staff):
    locked, refused = [], []

    def on_locked(sender, **kwargs):
        locked.append(kwargs)

    def on_refused(sender, **kwargs):
        refused.append(kwargs)

    signals.account_locked.connect(on_locked)
    signals.login_refused.connect(on_refused)
    try:
        fail(client, staff.username, 6)
    finally:
        signals.account_locked.disconnect(on_locked)
        signals.login_refused.disconnect(on_refused)
    assert [(k["username"], k["ip"]) for k in locked] == [(staff.username, "127.0.0.1")]
    assert [(k["username"], k["reason"]) for k in refused] == [(staff.username, "account_locked")]


def test_thirty_failures_from_one_address_across_names_get_429(client, db):
    for n in range(30):
        log_in(client, f"sprayed{n}", "Summer-2026-pw")
    response = log_in(client, "sprayed31", "Summer-2026-pw")
    assert response.status_code == 429
    assert "请 15 分钟后再试" in response.content.decode()
    other = log_in(client, "sprayed31", "Summer-2026-pw", REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200  # another address is not refused


def test_the_address_lock_ends_after_fifteen_minutes(client, db):
    for n in range(30):
        log_in(client, f"sprayed{n}", "Summer-2026-pw")
    lockout = Lockout.objects.get(kind=Lockout.Kind.IP)
    assert lockout.locked_until - lockout.locked_at == timedelta(minutes=15)
    Lockout.objects.update(locked_until=timezone.now())
    assert log_in(client, "sprayed31", "Summer-2026-pw").status_code == 200


def test_a_successful_login_starts_the_count_afresh(client, staff):
    fail(client, staff.username, 4)
    assert log_in(client, staff.username, PASSWORD).status_code == 302
    client.logout()
    fail(client, staff.username, 4)
    assert log_in(client, staff.username, PASSWORD).status_code == 302


@given(username=st.text(max_size=200), password=st.text(max_size=80))
@hsettings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_typed_name_gets_a_login_page_never_a_500(client, db, settings, username, password):
    settings.LOGIN_IP_FAILURE_LIMIT = 10_000
    response = log_in(client, username, password)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_lock_message_names_the_lock_time_and_the_security_administrator():
    assert locked_message() == "登录失败次数过多，请 30 分钟后再试或联系安全管理员。"


# The source address: only from trusted proxies, and never a malformed one in an inet column.


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("garbage", "also garbage", None),  # neither is an address
        ("10.0.0.9", "1.2.3.4", "10.0.0.9"),  # 10.0.0.9 is no trusted proxy: header ignored
        ("192.0.2.1", "not-an-ip, 1.2.3.4", "1.2.3.4"),  # the trusted proxy's hop
        ("192.0.2.1", "1.2.3.4, <script>", "192.0.2.1"),  # a malformed hop stops the walk
    ],
)
def test_a_failed_login_records_only_a_trusted_valid_address(
    client, settings, remote, forwarded, expected
):
    settings.TRUSTED_PROXIES = ["192.0.2.0/24"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = log_in(
        client,
        "clerk9",
        "Wrong-password-1",
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    assert response.status_code == 200
    assert INVALID_MESSAGE in response.content.decode()
    failure = LoginFailure.objects.get(username="clerk9")
    assert (str(failure.ip) if failure.ip else None) == expected


@hsettings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(address=st.text(max_size=60))
def test_any_text_as_an_address_never_reaches_the_inet_columns(address):
    import ipaddress

    from portal.accounts.lockout import login_failed

    for _ in range(6):
        login_failed(username="sprayed", ip=address)
    try:
        valid = str(ipaddress.ip_address(address))
    except ValueError:
        valid = None
    ips = list(LoginFailure.objects.values_list("ip", flat=True))
    assert len(ips) == 6
    assert {str(ip) if ip else None for ip in ips} == {valid}
    LoginFailure.objects.all().delete()
    Lockout.objects.all().delete()
