"""Reads of plans, tasks and progress reports: who may see which, what is a leaf, what is
overdue, what waits for a supervisor. Writes are in ``plans.services``.

Who sees what (谁公开、谁审查, as ``portal.scopes``): supervisors (``plans.supervise_plan``
or ``portal.oversee_all``) and superusers see every plan; everyone else the tasks that
their organization, or a unit below it, leads or cooperates on, the reports on those
tasks, and the plans that hold such a task or that their own organization made.
"""

from datetime import date

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q
from mptt.querysets import TreeQuerySet

from portal.scopes import ALL, acting_scope

SUPERVISE = "plans.supervise_plan"
OPEN_STATUSES = ("not_started", "in_progress", "overdue")


def sees_every_plan(user) -> bool:
    return user.is_superuser or user.has_perm(SUPERVISE) or user.has_perm("portal.oversee_all")


def _scope(user) -> set[int] | None:
    """Organization ids ``user`` sees tasks of; ``ALL`` for supervisors, empty for anonymous."""
    if not user.is_authenticated:
        return set()
    if sees_every_plan(user):
        return ALL
    return acting_scope(user) or set()


def _task_condition(scope: set[int], prefix: str = "") -> Q:
    return Q(**{f"{prefix}lead_department_id__in": scope}) | Q(
        **{f"{prefix}cooperating_departments__in": scope}
    )


class TaskQuerySet(TreeQuerySet):
    def visible_to(self, user):
        """Tasks ``user`` may see: all for supervisors; for others those their
        organization's subtree leads or cooperates on (a section is seen through its tasks
        only when it names the department itself)."""
        scope = _scope(user)
        if scope is ALL:
            return self
        # Exists, not a join: a task with two cooperating departments in scope is one row.
        cooperating = self.model.cooperating_departments.through.objects.filter(
            task_id=OuterRef("pk"), organization_id__in=scope
        )
        return self.filter(Q(lead_department_id__in=scope) | Q(Exists(cooperating)))

    def reportable_by(self, user):
        """Leaves of active plans that ``user`` may report on: led by their organization's
        subtree, with ``plans.report_task``; supervisors may report on any."""
        leaves = self.leaves().filter(plan__status="active", status__in=OPEN_STATUSES)
        if not user.is_authenticated:
            return leaves.none()
        if user.is_superuser or user.has_perm(SUPERVISE):
            return leaves
        if not user.has_perm("plans.report_task"):
            return leaves.none()
        return leaves.filter(lead_department_id__in=acting_scope(user) or set())

    def leaves(self):
        """Tasks without sub-tasks: only they are reported on; their parents roll up."""
        return self.filter(rght=models.F("lft") + 1)

    def overdue(self, today: date):
        """Leaves past their 完成时限 and not done (nor suspended): the daily run marks
        them 已逾期 (``services.tasks_mark_overdue``)."""
        return self.leaves().filter(
            plan__status="active", due_on__lt=today, status__in=OPEN_STATUSES
        )

    def for_admin_list(self):
        return self.select_related("plan", "lead_department", "parent")


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Plans ``user`` may see: all for supervisors; for others the plans their
        organization's subtree made or holds a visible task of."""
        scope = _scope(user)
        if scope is ALL:
            return self
        Task = self.model._meta.get_field("tasks").related_model  # models import this module
        tasks = Task.objects.visible_to(user).filter(plan_id=OuterRef("pk"))
        return self.filter(Q(organization_id__in=scope) | Q(Exists(tasks)))

    def active(self):
        return self.filter(status="active")

    def public(self):
        """Plans published as public task lists (``Plan.is_public``), no longer drafted."""
        return self.filter(is_public=True).exclude(status="drafting")

    def listed(self):
        """Newest year first, each with its leaf tasks counted (``leaf_count``) and the
        completed ones (``completed_count``), in one query."""
        leaf = Q(tasks__rght=F("tasks__lft") + 1)
        return (
            self.select_related("organization")
            .annotate(
                leaf_count=Count("tasks", filter=leaf),
                completed_count=Count("tasks", filter=leaf & Q(tasks__status="completed")),
            )
            .order_by("-year", "organization__tree_id", "organization__lft", "title")
        )


class UpdateQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reports on the tasks ``user`` may see."""
        if _scope(user) is ALL:
            return self
        Task = self.model._meta.get_field("task").related_model  # models import this module
        return self.filter(task__in=Task.objects.visible_to(user).values("pk"))

    def pending(self):
        """Reports waiting for a supervisor's decision, oldest first."""
        return self.filter(status="submitted").order_by("reported_on", "pk")

    def accepted(self):
        return self.filter(status="accepted")
