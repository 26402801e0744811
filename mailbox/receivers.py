"""Side effects of other apps' changes: a change to the working-day calendar moves the
due dates of running letters, after the commit."""

from django.db import transaction

from mailbox.clock import forget_calendar
from mailbox.services import recompute_running_letters


def calendar_changed(sender, **kwargs):
    if not kwargs.get("raw"):
        forget_calendar()
        transaction.on_commit(recompute_running_letters)
