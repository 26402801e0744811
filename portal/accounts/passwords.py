"""Password history and expiry: what is recorded each time a password is set, and when an
account's password stops being accepted for work in the admin."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, get_hasher, identify_hasher
from django.db import transaction
from django.utils import timezone

from portal.accounts import policy
from portal.accounts.models import PasswordHistory


def password_record(*, user, now: datetime | None = None, remember: int) -> PasswordHistory:
    """Record ``user``'s new password hash, keeping the newest ``remember`` rows (at least
    one: the newest row dates the password)."""
    with transaction.atomic():
        entry = PasswordHistory.objects.create(
            user=user, password=user.password, created_at=now or timezone.now()
        )
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[
            max(remember, 1) :
        ]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()
    return entry


def password_set(*, user, password: str, remember: int) -> bool:
    """Record the password ``user`` was just given; False when it is the newest recorded
    password again under a new hash (Django rehashes at login when the hasher or its cost
    changes): then the row keeps its date and temporary flag, so a rehash neither renews
    an expiring password nor clears one an administrator set."""
    newest = PasswordHistory.objects.filter(user=user).first()
    if newest is not None and check_password(password, newest.password):
        newest.password = user.password
        newest.save(update_fields=["password"])
        return False
    password_record(user=user, remember=remember)
    return True


def is_rehash(*, user, old_hash: str, update_fields) -> bool:
    """Whether this save of ``user`` is Django's upgrade of the hash at login: the same
    password under the preferred hasher. AbstractBaseUser.check_password saves the password
    field alone, without the raw password (no ``password_changed``), and only when the old
    hash was another hasher's or an outdated form of the preferred one."""
    if update_fields is None or set(update_fields) != {"password"}:
        return False
    if getattr(user, "_password", None) is not None or old_hash == user.password:
        return False
    try:
        old_hasher, new_hasher = identify_hasher(old_hash), identify_hasher(user.password)
    except ValueError:
        return False  # an unusable password: a real change
    preferred = get_hasher("default")
    if new_hasher.algorithm != preferred.algorithm:
        return False
    return old_hasher.algorithm != preferred.algorithm or preferred.must_update(old_hash)


def password_rehashed(*, user, old_hash: str) -> None:
    """Carry a rehash into the history, so the row keeps its date and temporary flag."""
    PasswordHistory.objects.filter(user=user, password=old_hash).update(password=user.password)


def password_mark_temporary(*, user) -> None:
    """The password an administrator just set for ``user`` must be changed at the next
    login (an administrator knows it; 等保 requires the account holder's own secret)."""
    entry = PasswordHistory.objects.filter(user=user).first()
    if entry is None or entry.password != user.password:
        entry = password_record(user=user, remember=policy.preset(settings.PASSWORD_POLICY).history)
    entry.is_temporary = True
    entry.save(update_fields=["is_temporary"])


def was_used_before(*, user, password: str, remember: int) -> bool:
    """Whether ``password`` is ``user``'s current password or one of the ``remember`` before it."""
    hashes = [user.password] if user.password else []
    if user.pk and remember:
        hashes += PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[
            :remember
        ]
    return any(check_password(password, encoded) for encoded in dict.fromkeys(hashes))


def password_expires_at(*, user) -> datetime | None:
    """When ``user``'s password expires: at once for a temporary password, ``max_age_days``
    after it was set (an account with no history counts from ``date_joined``), never when
    the preset has no rotation."""
    chosen = policy.preset(settings.PASSWORD_POLICY)
    newest = PasswordHistory.objects.filter(user=user).first()
    if newest is not None and newest.password == user.password and newest.is_temporary:
        return newest.created_at
    if not chosen.max_age_days:
        return None
    set_at = newest.created_at if newest is not None else user.date_joined
    return set_at + timedelta(days=chosen.max_age_days)


def days_left(*, expires_at: datetime, now: datetime) -> int:
    """Whole days until ``expires_at``, counting a part of a day as a day (1 on the last day)."""
    seconds = (expires_at - now).total_seconds()
    return max(0, -int(-seconds // 86400))
