"""Which organizations' items a staff member may see and act on (谁公开、谁审查).

- Clerks and reviewers: their own organization and everything below it.
- Publishers: the whole agency their organization belongs to (the tree's root), since one
  office publishes for the agency (the seed plan: 宣传信息处统一发布).
- Supervisors (``portal.oversee_all``) and superusers: every organization, read-only for
  supervisors unless they also hold an acting role.
"""

from portal.models import Organization

ALL = None  # no restriction


def _subtree_ids(organization) -> set[int]:
    return set(organization.get_descendants(include_self=True).values_list("pk", flat=True))


def acting_scope(user, *, publishing: bool = False) -> set[int] | None:
    """Organization ids whose items ``user`` may act on; ``ALL`` for superusers."""
    if user.is_superuser:
        return ALL
    if user.organization_id is None:
        return set()
    organization = user.organization
    if publishing:
        return _subtree_ids(organization.get_root())
    return _subtree_ids(organization)


def visible_scope(user, *, publish_permission: str) -> set[int] | None:
    """Organization ids whose items ``user`` may see in the admin."""
    if user.is_superuser or user.has_perm("portal.oversee_all"):
        return ALL
    scope = acting_scope(user)
    if user.has_perm(publish_permission):
        scope |= acting_scope(user, publishing=True)
    return scope


def in_scope(organization_id: int | None, scope: set[int] | None) -> bool:
    """An item no organization owns yet (a site-wide column seeded with the schema) is in
    every scope until its first edit gives it an owner."""
    return scope is ALL or organization_id is None or organization_id in scope


def agency_organizations(user):
    """The organizations a user may name as 发布机构: their agency's whole tree."""
    if user.is_superuser or user.organization_id is None:
        return Organization.objects.all()
    return user.organization.get_root().get_descendants(include_self=True)
