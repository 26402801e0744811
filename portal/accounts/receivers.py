"""Connected in ``AccountsConfig.ready()``: what happens at login and logout."""

import time

from portal.accounts import middleware, sessions


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
