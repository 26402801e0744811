"""Reads of applications: who may see which (the receiving agency's whole tree, handled by
its 政府信息公开工作机构; supervisors see all, with the applicant's details masked), what
is open, what is overdue. Writes are in ``disclosure.applications.services``."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncMonth

from portal.handling import HandledQuerySet
from portal.scopes import acting_scope

# Application.Status values (the model imports this module, so no import back).
OPEN_STATUSES = ("pending", "processing", "supplement", "consulting", "awaiting_fee")
# The clock stands still in these (补正, consultation, fee): not counted as running.
RUNNING_STATUSES = ("processing",)
# A due date stands in these: running, or paused with the pause added to it as it lasts.
DUE_STATUSES = ("processing", "consulting", "awaiting_fee")
HANDLE = "applications.handle_application"
APPROVE_EXTENSION = "applications.approve_extension"
VIEW = "applications.view_application"


def handling_scope(user) -> set[int] | None:
    """The organizations whose applications ``user`` may handle. The agency (行政机关)
    receives the applications and its 政府信息公开工作机构 handles all of them (条例 Art 4:
    受理、处理向本行政机关提出的政府信息公开申请): its users, and those of the agency itself,
    act on the whole agency. Anyone else with a handling role (a 直属单位 that receives
    applications of its own) acts on their own subtree only, so the agency's applicants
    are not seen all over its tree (个人信息保护法 Art 34). ``None``: all (superusers)."""
    if in_handling_office(user):
        return acting_scope(user, publishing=True)
    return acting_scope(user)


def in_handling_office(user) -> bool:
    """Whether ``user`` works in their agency's 政府信息公开工作机构 or at the agency itself:
    an organization named in ``APPLY_HANDLING_OFFICES``, by default the agency's 办公室
    (the office most agencies designate), or one below it."""
    organization = getattr(user, "organization", None)
    if organization is None:
        return False
    if organization.parent_id is None:
        return True
    named = set(settings.APPLY_HANDLING_OFFICES)
    for unit in organization.get_ancestors(include_self=True).filter(parent__isnull=False):
        if unit.name in named if named else unit.name.endswith("办公室"):
            return True
    return False


def is_handler(user) -> bool:
    """Holds a handling role: the handling permission or extension approval (the office
    head approving an extension needs the applicant's details to judge it)."""
    return user.has_perm(HANDLE) or user.has_perm(APPROVE_EXTENSION)


def handling_filter(user) -> Q | None:
    """The applications ``user`` handles, and so may see with the applicant's personal
    data: holders of a handling role for the organizations of their agency. None: all
    (superusers). A supervisor's oversight is not handling."""
    if user.is_superuser:
        return None
    if not is_handler(user):
        return Q(pk__in=[])
    return Q(organization_id__in=handling_scope(user) or set())


class ApplicationQuerySet(HandledQuerySet):
    handling_condition = staticmethod(handling_filter)

    def visible_to(self, user):
        """What the admin lists for ``user``: supervisors every application (masked),
        handlers (and approvers of extensions) with the view permission their agency's,
        other staff with the view permission their organization's subtree, others
        nothing."""
        if user.is_superuser or user.has_perm("portal.oversee_all"):
            return self
        if not (user.has_perm(VIEW) or user.has_perm(HANDLE)):
            return self.none()
        scope = acting_scope(user) or set()
        if is_handler(user):
            scope |= handling_scope(user) or set()
        return self.filter(organization_id__in=scope)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def running(self):
        return self.filter(status__in=RUNNING_STATUSES)

    def overdue(self, today: date):
        """The one definition of overdue (the admin filter, the daily job, the clock's
        ``is_overdue``): the due date passed before ``today`` unanswered (条例 Art 33). A
        pause (consultation, fee) adds its days to the due date as it lasts, so one begun
        in time keeps the date ahead of today, and one begun after the date passed does
        not undo the lateness."""
        return self.filter(status__in=DUE_STATUSES, due_on__lt=today)

    def due_within(self, today: date, until: date):
        """Running applications due between ``today`` and ``until`` (临期 reminders)."""
        return self.running().filter(due_on__gte=today, due_on__lte=until)

    def with_month_place(self):
        """Annotate ``month_nth``: the application's place among its applicant's
        applications of its calendar month, 1 for the first (109号 counts per applicant —
        identified by identity document type and number — per natural month, in local
        time; applications of the same moment go by number of row). The one count behind
        the fee notice, the high-volume flag and the admin's column."""
        # Both months are truncated in local time, so they compare as equals (a local
        # midnight compared with a timestamp would be read in the database's zone).
        earlier = (
            self.model._default_manager.annotate(month=TruncMonth("submitted_at"))
            .filter(
                Q(submitted_at__lt=OuterRef("submitted_at"))
                | Q(submitted_at=OuterRef("submitted_at"), pk__lte=OuterRef("pk")),
                id_type=OuterRef("id_type"),
                id_number_index=OuterRef("id_number_index"),  # the number is encrypted
                month=OuterRef("month_start"),
            )
            .order_by()
            .values("id_type")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(month_start=TruncMonth("submitted_at")).annotate(
            month_nth=Coalesce(Subquery(earlier, output_field=models.IntegerField()), 1)
        )

    def month_place(self, application) -> int:
        """``with_month_place`` of one stored application."""
        places = self.filter(pk=application.pk).with_month_place()
        return places.values_list("month_nth", flat=True).get()

    def of_applicant(self, *, id_type: str, id_number: str):
        """One applicant's applications, identified by identity document (109号 counts),
        found through the number's blind index (the number itself is encrypted)."""
        digest = self.model._meta.get_field("id_number_index").digest(id_number)
        return self.filter(id_type=id_type, id_number_index=digest)

    def in_organizations(self, organization_ids):
        return self.filter(organization_id__in=list(organization_ids))

    def for_listing(self):
        return self.select_related("organization").defer("description")
