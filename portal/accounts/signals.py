"""Signals for the audit log (and anything else that wants to know). Keyword arguments:

- ``account_locked(sender, username, ip)``: ``username`` (as typed, case-folded; it may
  name no account) reached the failure limit and is locked.
- ``ip_locked(sender, ip)``: the address reached its failure limit across accounts.
- ``login_refused(sender, username, ip, reason)``: a login was refused without checking
  the password; ``reason`` is ``"account_locked"`` or ``"ip_locked"`` (``username`` is
  empty when the form was not read).
- ``lockout_lifted(sender, lockout, by)``: a security administrator lifted a lockout.
- ``session_expired(sender, user, reason)``: a session ended by the idle or absolute limit;
  ``reason`` is ``"idle"`` or ``"absolute"``.

``sender`` is the :class:`~portal.accounts.models.Lockout` model for the first four and
the user model for the last.
"""

from django.dispatch import Signal

account_locked = Signal()
ip_locked = Signal()
login_refused = Signal()
lockout_lifted = Signal()
session_expired = Signal()
