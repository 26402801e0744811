"""Login failures and lockouts (等保 2.0 8.1.4.1 b: 登录失败处理功能，限制非法登录次数).

- An account name with ``LOGIN_FAILURE_LIMIT`` failures within ``LOGIN_FAILURE_WINDOW_SECONDS``
  is locked for ``LOGIN_LOCK_SECONDS``, whether or not an account has that name: a name
  that exists and one that does not answer alike, so the lock reveals nothing.
- A source address with ``LOGIN_IP_FAILURE_LIMIT`` failures within the same window, across
  any names (password spraying), is refused for ``LOGIN_IP_LOCK_SECONDS``.
- A security administrator (``accounts.unlock_account``) can lift a lockout early.

Names are compared case-folded, so ``Admin`` and ``admin`` share one count. The counts are
rows in the database, so every app server enforces one limit.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from portal.accounts import signals
from portal.accounts.models import Lockout, LoginFailure

USERNAME_MAX_CHARS = 150


def username_key(username: str) -> str:
    return (username or "").strip().casefold()[:USERNAME_MAX_CHARS]


def _ip_or_none(ip: str) -> str | None:
    """An address for the inet columns, or None: anything else would fail the insert."""
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        return None


def _active(kind: str, key: str, now: datetime):
    return Lockout.objects.filter(kind=kind, key=key, locked_until__gt=now, unlocked_at=None)


def account_is_locked(username: str, *, now: datetime | None = None) -> bool:
    key = username_key(username)
    return bool(key) and _active(Lockout.Kind.ACCOUNT, key, now or timezone.now()).exists()


def ip_is_locked(ip: str, *, now: datetime | None = None) -> bool:
    return bool(ip) and _active(Lockout.Kind.IP, ip, now or timezone.now()).exists()


def login_failed(*, username: str, ip: str, now: datetime | None = None) -> bool:
    """Count a failed login of ``username`` from ``ip``; True when it locked the name."""
    now = now or timezone.now()
    key = username_key(username)
    ip = _ip_or_none(ip) or ""  # a malformed address is no address (inet columns)
    window_start = now - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    with transaction.atomic():
        LoginFailure.objects.filter(at__lt=window_start).delete()
        LoginFailure.objects.create(username=key, ip=ip or None, at=now)
        account_count = LoginFailure.objects.filter(username=key, at__gte=window_start).count()
        locked = account_count >= settings.LOGIN_FAILURE_LIMIT and not account_is_locked(
            key, now=now
        )
        if locked:
            _lock(Lockout.Kind.ACCOUNT, key, ip=ip, now=now, seconds=settings.LOGIN_LOCK_SECONDS)
        ip_locked = (
            bool(ip)
            and LoginFailure.objects.filter(ip=ip, at__gte=window_start).count()
            >= settings.LOGIN_IP_FAILURE_LIMIT
            and not ip_is_locked(ip, now=now)
        )
        if ip_locked:
            _lock(Lockout.Kind.IP, ip, ip=ip, now=now, seconds=settings.LOGIN_IP_LOCK_SECONDS)
    if locked:
        signals.account_locked.send(sender=Lockout, username=key, ip=ip)
    if ip_locked:
        signals.ip_locked.send(sender=Lockout, ip=ip)
    return locked


def _lock(kind: str, key: str, *, ip: str, now: datetime, seconds: int) -> Lockout:
    return Lockout.objects.create(
        kind=kind,
        key=key,
        ip=_ip_or_none(ip),
        locked_at=now,
        locked_until=now + timedelta(seconds=seconds),
    )


def login_succeeded(*, username: str) -> None:
    """A successful login starts the name's count afresh."""
    LoginFailure.objects.filter(username=username_key(username)).delete()


def lockout_lift(*, lockout: Lockout, by, now: datetime | None = None) -> Lockout:
    """Lift ``lockout`` before its time and forget the failures that caused it. Requires
    ``accounts.unlock_account`` (the 安全管理员's)."""
    if not by.has_perm("accounts.unlock_account"):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        lockout = Lockout.objects.select_for_update().get(pk=lockout.pk)
        if lockout.unlocked_at is not None or lockout.locked_until <= now:
            return lockout  # nothing left to lift
        lockout.unlocked_at = now
        lockout.unlocked_by = by
        lockout.save(update_fields=["unlocked_at", "unlocked_by"])
        failures = LoginFailure.objects.all()
        if lockout.kind == Lockout.Kind.ACCOUNT:
            failures = failures.filter(username=lockout.key)
        else:
            failures = failures.filter(ip=lockout.key)
        failures.delete()
    signals.lockout_lifted.send(sender=Lockout, lockout=lockout, by=by)
    return lockout


def refuse(*, username: str, ip: str, reason: str) -> None:
    """Tell listeners (the audit log) that a login was refused unseen."""
    signals.login_refused.send(
        sender=Lockout, username=username_key(username), ip=ip, reason=reason
    )
