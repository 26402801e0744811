"""The account controls that act on every request; all three go after
``MessageMiddleware`` (which comes after ``AuthenticationMiddleware``).

- ``LoginThrottleMiddleware``: a source address locked for password spraying gets a 429
  page for the admin's login form, before any password is checked.
- ``SessionLimitsMiddleware``: a logged-in session ends after ``SESSION_IDLE_SECONDS``
  without a request or ``SESSION_ABSOLUTE_SECONDS`` after the login; it also keeps the
  record of open sessions right when Django gives the session a new key.
- ``PasswordExpiryMiddleware``: staff with an expired (or administrator-set) password can
  use nothing of the admin but the password change page (and, before it, the second
  factor's pages); in the warning days before,
  a message says how many days are left.

Public visitors have no session: none of this writes anything for them.
"""

import time
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from portal.accounts import lockout, passwords, policy, sessions, signals
from portal.audit import client_ip  # X-Forwarded-For only from TRUSTED_PROXIES, validated
from portal.errors import error_response

PASSWORD_STATE = "accounts_password_expires"  # {"for": session auth hash, "at": timestamp}
PASSWORD_WARNED = "accounts_password_warned"


class LoginThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path == reverse("admin:login"):
            ip = client_ip(request)
            if lockout.ip_is_locked(ip):
                lockout.refuse(username="", ip=ip, reason="ip_locked")
                minutes = settings.LOGIN_IP_LOCK_SECONDS // 60
                return error_response(
                    429, message=f"来自您所在网络的登录失败次数过多，请 {minutes} 分钟后再试。"
                )
        return self.get_response(request)


class SessionLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            # Nobody is logged in without a session cookie: the session is not even read,
            # so public pages keep their caching headers (no Vary: Cookie).
            return self.get_response(request)
        user = request.user
        if user.is_authenticated:
            now = time.time()
            reason = sessions.expiry_reason(request.session, now=now)
            if reason:
                sessions.session_forget(session_key=request.session.session_key)
                request.session.flush()
                request.user = AnonymousUser()
                signals.session_expired.send(sender=user.__class__, user=user, reason=reason)
            else:
                sessions.touch(request.session, now=now)
        key_before = request.session.session_key if user.is_authenticated else None
        response = self.get_response(request)
        if key_before and request.user.is_authenticated:
            key_after = request.session.session_key
            if key_after != key_before:
                sessions.session_rekeyed(user=request.user, old_key=key_before, new_key=key_after)
        return response


class PasswordExpiryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.path.startswith(
            reverse("admin:index")
        ):
            user = request.user
            if user.is_authenticated and user.is_staff:
                refusal = self._check(request, user)
                if refusal is not None:
                    return refusal
        return self.get_response(request)

    def _check(self, request, user):
        expires_at = password_expiry(request, user)
        if expires_at is None:
            return None
        now = timezone.now()
        if now >= expires_at:
            allowed = {
                reverse("admin:password_change"),
                reverse("admin:password_change_done"),
                reverse("admin:logout"),
                reverse("admin:jsi18n"),
                # The second factor comes before the password change (portal.roles):
                # whoever knows only the password must not be able to replace it.
                reverse("roles:otp-verify"),
                reverse("roles:otp-setup"),
            }
            if request.path in allowed:
                return None
            messages.warning(request, "您的密码已过期或由管理员设置，请先修改密码。")
            return redirect("admin:password_change")
        warn_days = policy.preset(settings.PASSWORD_POLICY).warn_days
        if now >= expires_at - timedelta(days=warn_days) and not request.session.get(
            PASSWORD_WARNED
        ):
            request.session[PASSWORD_WARNED] = True
            left = passwords.days_left(expires_at=expires_at, now=now)
            messages.warning(request, f"您的密码将在 {left} 天后过期，请及时修改。")
        return None


def password_expiry(request, user):
    """When ``user``'s password expires, kept in the session so that a request costs no
    query; recomputed when the password changes (the session's auth hash moves with it)."""
    auth_hash = user.get_session_auth_hash()
    state = request.session.get(PASSWORD_STATE)
    if not state or state.get("for") != auth_hash:
        expires_at = passwords.password_expires_at(user=user)
        state = {"for": auth_hash, "at": expires_at.timestamp() if expires_at else None}
        request.session[PASSWORD_STATE] = state
        request.session.pop(PASSWORD_WARNED, None)
    if state["at"] is None:
        return None
    return datetime.fromtimestamp(state["at"], tz=UTC)
