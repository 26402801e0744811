"""Connected in ``AccountsConfig.ready()``: what happens at login and logout."""

import time

from portal.accounts import middleware, passwords, sessions


def on_logged_in(sender, request, user, **kwargs):
    """Start the session's clocks, remember its key (Django has just given it a new one),
    and work out the password's expiry now, so the next requests need not write the session."""
    session = getattr(request, "session", None)
    if session is None:
        return
    sessions.session_track(user=user, session=session, now=time.time())
    if user.is_staff:
        middleware.password_expiry(request, user)


def on_logged_out(sender, request, user, **kwargs):
    """Logging out ends every session of the account, on every device."""
    if user is not None:
        sessions.sessions_end(user=user)


def on_user_saving(sender, instance, raw=False, update_fields=None, **kwargs):
    """A hash upgraded at login (the same password) moves the history row with it: without
    it the row no longer matches, and an administrator-set password would stop counting as
    temporary. One read, only for saves of the password field alone."""
    if raw or instance.pk is None or update_fields is None or set(update_fields) != {"password"}:
        return
    old_hash = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True)
    old_hash = old_hash.first()
    if old_hash and passwords.is_rehash(
        user=instance, old_hash=old_hash, update_fields=update_fields
    ):
        passwords.password_rehashed(user=instance, old_hash=old_hash)
