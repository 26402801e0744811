"""Reads of letters and public replies: who may see which letter, what is open, what
is due. Writes are in ``mailbox.services``."""

from datetime import date

from django.db.models import Q

from portal.handling import HandledQuerySet
from portal.models import PublishableQuerySet
from portal.scopes import acting_scope

OPEN_STATUSES = ("received", "accepted", "assigned", "replied", "reopened")
# Statuses in which the clock runs: accepted and not yet answered for good.
RUNNING_STATUSES = ("accepted", "assigned", "replied", "reopened")


def handling_filter(user) -> Q | None:
    """The letters ``user`` handles, and so may see with the writer's details: those of
    mailboxes they administer and, for holders of a handling or reviewing permission,
    those their organization's subtree receives (the mailbox's office) or was assigned.
    A supervisor's oversight is not handling. None: all (superusers)."""
    if user.is_superuser:
        return None
    # A subquery through the user's side of the relation: no import of the models (which
    # import this module), and no join that would repeat a letter once per administrator.
    condition = Q(mailbox_id__in=user.administered_mailboxes.values("pk"))
    if user.has_perm("mailbox.handle_letter") or user.has_perm("mailbox.review_letter"):
        scope = acting_scope(user) or set()
        condition |= Q(mailbox__organization_id__in=scope) | Q(department_id__in=scope)
    return condition


class LetterQuerySet(HandledQuerySet):
    handling_condition = staticmethod(handling_filter)

    def visible_to(self, user):
        """What the admin lists for ``user``: supervisors see every letter (masked),
        everyone else the letters they handle."""
        if user.is_superuser or user.has_perm("portal.oversee_all"):
            return self
        return self.handled_by(user)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def running(self):
        return self.filter(status__in=RUNNING_STATUSES)

    def due_by(self, day: date):
        """Running letters due on or before ``day`` (overdue ones included), not paused."""
        return self.running().filter(due_on__lte=day, paused_since__isnull=True)

    def unanswered_since(self, moment):
        """Letters received before ``moment`` that the citizen has no answer to yet."""
        return self.open().filter(received_at__lt=moment)

    def for_admin_list(self):
        return self.select_related("mailbox", "department").defer("body", "reply_text")


class ReplyQuerySet(PublishableQuerySet):
    def for_listing(self):
        return self.select_related("mailbox", "department").only(
            "pk", "title", "kind", "letter_text", "answer", "accepted_on", "replied_on",
            "published_at", "is_live", "mailbox__slug", "mailbox__name", "department__name",
            "department__short_name",
        )  # fmt: skip
