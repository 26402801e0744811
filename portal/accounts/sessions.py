"""Staff sessions: the time limits (idle and absolute) and the record of each account's open
sessions, so that logging out or a new password ends the account's other sessions."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.utils import timezone

from portal.accounts.models import UserSession

LOGIN_AT = "accounts_login_at"  # seconds since the epoch, set at login
LAST_SEEN = "accounts_last_seen"  # the last request, rewritten at most once a minute
LAST_SEEN_RESOLUTION = 60  # seconds: a session is not written on every request


def expiry_reason(session, *, now: float) -> str:
    """``"absolute"`` or ``"idle"`` when the session is past a limit, else ``""``. A session
    without a login time (opened before these limits existed) counts as too old."""
    login_at = session.get(LOGIN_AT)
    if login_at is None or now - login_at > settings.SESSION_ABSOLUTE_SECONDS:
        return "absolute"
    if now - session.get(LAST_SEEN, login_at) > settings.SESSION_IDLE_SECONDS:
        return "idle"
    return ""


def touch(session, *, now: float) -> None:
    if now - session.get(LAST_SEEN, 0) >= LAST_SEEN_RESOLUTION:
        session[LAST_SEEN] = now


def session_track(*, user, session, now: float) -> None:
    """Start the clocks of a new login and remember its session key."""
    session[LOGIN_AT] = now
    session[LAST_SEEN] = now
    if session.session_key is None:
        session.save()
    UserSession.objects.update_or_create(session_key=session.session_key, defaults={"user": user})
    # Sessions past the absolute limit are over whether or not anyone logged out of them.
    UserSession.objects.filter(
        user=user,
        created_at__lt=timezone.now() - timedelta(seconds=settings.SESSION_ABSOLUTE_SECONDS),
    ).delete()


def session_rekeyed(*, user, old_key: str | None, new_key: str | None) -> None:
    """The session got a new key (Django cycles it when the password changes)."""
    if old_key:
        UserSession.objects.filter(session_key=old_key).delete()
    if new_key:
        UserSession.objects.update_or_create(session_key=new_key, defaults={"user": user})


def sessions_end(*, user, keep: str | None = None) -> int:
    """Delete ``user``'s sessions from the session store, all but ``keep``; how many ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(
        UserSession.objects.filter(user=user)
        .exclude(session_key=keep or "")
        .values_list("session_key", flat=True)
    )
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def session_forget(*, session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()
