"""Saving a decomposed (and corrected) outline as a plan's tasks."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from plans.decompose import Outline, OutlineItem
from plans.department_names import KnownOrganization
from plans.models import Plan, Task
from plans.services import task_create
from portal.models import Organization

NUMBER_MAX_CHARS = Task._meta.get_field("number").max_length


def plan_departments(plan: Plan) -> dict[str, Organization]:
    """The organizations a plan's tasks may be given, by full name: the departments and
    units under the plan's organization (in tree order), in one query."""
    below = plan.organization.get_descendants().select_related("parent")
    return {organization.name: organization for organization in below}


def known_organizations(organizations) -> list[KnownOrganization]:
    """What ``department_names`` matches against (parents must be selected)."""
    return [
        KnownOrganization(
            name=organization.name,
            short_name=organization.short_name,
            parent_names=(
                (organization.parent.name, organization.parent.short_name)
                if organization.parent_id
                else ()
            ),
        )
        for organization in organizations
    ]


def task_number(parent_number: str, number: str) -> str:
    """A task's number with its parents' in front ("二、(一)"), as the model's help text
    asks: in a flat list (the ledger, an export) "(一)" alone would name four tasks. When
    the path does not fit the field, the item's own number stands alone."""
    path = f"{parent_number}{number}"
    return path if len(path) <= NUMBER_MAX_CHARS else number[:NUMBER_MAX_CHARS]


def plan_add_outline(
    *,
    plan: Plan,
    outline: Outline,
    departments: Mapping[str, object],
    by,
    now: datetime | None = None,
) -> list[Task]:
    """Create ``outline``'s items as tasks under ``plan``, parents before children and in
    the outline's order, after the tasks the plan already has; all or none (one
    transaction). ``departments`` maps the names in the items' ``lead``/``cooperating``
    to organizations; a name it lacks is refused rather than silently dropped, so a task
    never loses its responsible department. Each task goes through ``task_create``, which
    checks ``plans.add_task`` and the plan's state. Returns the tasks in outline order."""
    now = now or timezone.now()
    created: list[Task] = []

    def organization(name: str, item: OutlineItem):
        try:
            return departments[name]
        except KeyError:
            raise ValidationError(
                f"“{item.number}{item.title}”的部门“{name}”不在机构列表中，请重新选择。",
                code="unknown_department",
            ) from None

    def add(items: list[OutlineItem], parent: Task | None) -> None:
        for item in items:
            lead = organization(item.lead, item) if item.lead else None
            cooperating = [
                organization(name, item) for name in dict.fromkeys(item.cooperating)
                if name and name != item.lead
            ]  # fmt: skip
            try:
                task = task_create(
                    plan=plan,
                    parent=parent,
                    title=item.title.strip(),
                    number=task_number(parent.number if parent else "", item.number.strip()),
                    requirement=item.requirement.strip(),
                    lead_department=lead,
                    cooperating_departments=cooperating,
                    due_on=item.due_on,
                    frequency=item.frequency,
                    weight=item.weight,
                    by=by,
                    now=now,
                )
            except ValidationError as error:
                # Name the item: the form shows one message for the whole outline.
                raise ValidationError(
                    f"“{item.number}{item.title}”：{'；'.join(error.messages)}",
                    code=getattr(error, "code", None) or "invalid_item",
                ) from error
            created.append(task)
            add(item.children, task)

    with transaction.atomic():
        add(outline.items, None)
    return created
