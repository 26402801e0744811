"""Reads of applications: who may see which (the receiving organization's subtree, 谁受理、
谁办理; supervisors see all, with the applicant's details masked), what is open, what is
overdue. Writes are in ``disclosure.applications.services``."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q

from portal.scopes import acting_scope

# Application.Status values (the model imports this module, so no import back).
OPEN_STATUSES = ("pending", "processing", "supplement", "consulting", "awaiting_fee")
# The clock stands still in these (补正, consultation, fee): not counted as running.
RUNNING_STATUSES = ("processing",)
HANDLE = "applications.handle_application"
VIEW = "applications.view_application"


def handling_filter(user) -> Q | None:
    """The applications ``user`` handles, and so may see with the applicant's personal
    data: holders of the handling permission (or of extension approval) for the
    organizations in their subtree. None: all (superusers). A supervisor's oversight is
    not handling."""
    if user.is_superuser:
        return None
    if not (user.has_perm(HANDLE) or user.has_perm("applications.approve_extension")):
        return Q(pk__in=[])
    return Q(organization_id__in=acting_scope(user) or set())


class ApplicationQuerySet(models.QuerySet):
    def handled_by(self, user):
        """Applications ``user`` handles, and so may see with personal data."""
        condition = handling_filter(user)
        return self if condition is None else self.filter(condition)

    def with_personal_data_flag(self, user):
        """Annotate ``sees_personal``: whether ``user`` may see the applicant's details."""
        condition = handling_filter(user)
        if condition is None:
            return self.annotate(sees_personal=models.Value(True))
        return self.annotate(
            sees_personal=models.ExpressionWrapper(condition, output_field=models.BooleanField())
        )

    def visible_to(self, user):
        """What the admin lists for ``user``: supervisors every application (masked),
        staff with the view permission their organization's subtree, others nothing."""
        if user.is_superuser or user.has_perm("portal.oversee_all"):
            return self
        if not (user.has_perm(VIEW) or user.has_perm(HANDLE)):
            return self.none()
        return self.filter(organization_id__in=acting_scope(user) or set())

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def running(self):
        return self.filter(status__in=RUNNING_STATUSES)

    def overdue(self, today: date):
        """Open applications whose answer was due before ``today``."""
        return self.open().filter(due_on__lt=today)

    def due_within(self, today: date, until: date):
        """Open applications due between ``today`` and ``until`` (reminders, dashboards)."""
        return self.open().filter(due_on__gte=today, due_on__lte=until)

    def of_applicant(self, *, id_type: str, id_number: str):
        """One applicant's applications, identified by identity document (109号 counts)."""
        return self.filter(id_type=id_type, id_number=id_number)

    def in_organizations(self, organization_ids):
        return self.filter(organization_id__in=list(organization_ids))

    def for_listing(self):
        return self.select_related("organization").defer("description")
