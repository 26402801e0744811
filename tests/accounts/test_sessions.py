"""Staff sessions: a new key at login, idle and absolute limits, and logging out or a new
password ending the account's other sessions."""

import time

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from portal.accounts import sessions
from portal.accounts.middleware import PasswordExpiryMiddleware, SessionLimitsMiddleware
from portal.accounts.models import UserSession
from tests.accounts.conftest import PASSWORD, log_in

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Lantern-river-88"


def edit_session(client, **values):
    session = client.session
    session.update(values)
    session.save()


def is_logged_in(client) -> bool:
    return client.get(reverse("admin:index")).status_code == 200


def test_logging_in_gives_a_new_session_key(client, staff):
    edit_session(client, visited=True)  # a session before the login (a fixated key)
    before = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert log_in(client, staff.username, PASSWORD).status_code == 302
    after = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert UserSession.objects.filter(user=staff, session_key=after).exists()


def test_a_session_idle_for_thirty_minutes_ends(client, staff):
    client.force_login(staff)
    now = time.time()
    edit_session(client, **{sessions.LAST_SEEN: now - 30 * 60 - 5})
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    assert "_auth_user_id" not in client.session


def test_a_session_used_within_thirty_minutes_goes_on(client, staff):
    client.force_login(staff)
    edit_session(client, **{sessions.LAST_SEEN: time.time() - 29 * 60})
    assert is_logged_in(client)
    # The request counted as activity: the idle clock starts again.
    assert time.time() - client.session[sessions.LAST_SEEN] < 5


def test_a_session_ends_twelve_hours_after_the_login_however_active(client, staff):
    client.force_login(staff)
    now = time.time()
    edit_session(client, **{sessions.LOGIN_AT: now - 12 * 3600 - 5, sessions.LAST_SEEN: now})
    assert not is_logged_in(client)


def test_a_session_eleven_hours_old_goes_on(client, staff):
    client.force_login(staff)
    now = time.time()
    edit_session(client, **{sessions.LOGIN_AT: now - 11 * 3600, sessions.LAST_SEEN: now})
    assert is_logged_in(client)


def test_the_limits_come_from_the_settings(client, staff, settings):
    settings.SESSION_IDLE_SECONDS = 60
    client.force_login(staff)
    edit_session(client, **{sessions.LAST_SEEN: time.time() - 120})
    assert not is_logged_in(client)


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(client, staff):
    other = Client()
    other.force_login(staff)
    other_key = other.cookies[django_settings.SESSION_COOKIE_NAME].value
    client.force_login(staff)
    response = client.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()
    assert not Session.objects.filter(session_key=other_key).exists()
    assert not is_logged_in(other)
    assert is_logged_in(client)
    current = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert list(UserSession.objects.filter(user=staff).values_list("session_key", flat=True)) == [
        current
    ]


def test_logging_out_ends_the_other_sessions(client, staff):
    other = Client()
    other.force_login(staff)
    other_key = other.cookies[django_settings.SESSION_COOKIE_NAME].value
    client.force_login(staff)
    assert client.post(reverse("admin:logout")).status_code == 200
    assert not Session.objects.filter(session_key=other_key).exists()
    assert not is_logged_in(other)
    assert not UserSession.objects.filter(user=staff).exists()


def test_another_accounts_sessions_are_untouched(client, staff):
    from tests.portal.factories import UserFactory

    colleague = UserFactory(is_staff=True)
    other = Client()
    other.force_login(colleague)
    client.force_login(staff)
    client.post(reverse("admin:logout"))
    assert is_logged_in(other)


def test_a_request_without_session_cookie_reads_no_session(rf):
    """Reading the session would add Vary: Cookie to every public page."""

    class Untouchable:
        def __getattr__(self, name):
            raise AssertionError(f"session read: {name}")

    request = rf.get("/")
    request.session = Untouchable()
    request.user = Untouchable()
    for middleware in (SessionLimitsMiddleware, PasswordExpiryMiddleware):
        assert middleware(lambda r: "page")(request) == "page"


def test_records_of_sessions_past_the_absolute_limit_are_dropped_at_the_next_login(client, staff):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(staff)
    UserSession.objects.update(created_at=timezone.now() - timedelta(hours=13))
    Client().force_login(staff)
    assert UserSession.objects.filter(user=staff).count() == 1
