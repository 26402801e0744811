"""Receivers: 三员分立 checked on every write of groups and permissions (the admin's forms
check first, for a readable message; these catch every other path), the roles' grants after
each migrate, and whether an account has a second factor, noted in its session at login."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in
from django.db.models import Q
from django.db.models.signals import m2m_changed, pre_save
from django.dispatch import receiver

from portal.roles.definitions import ADMIN_ROLES, ROLE_PERMISSIONS
from portal.roles.rules import check_roles
from portal.roles.two_factor import HAS_DEVICE_SESSION_KEY, confirmed_device

User = get_user_model()


def permission_names(permissions) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in permissions.values_list("content_type__app_label", "codename")
    }


def check_account(
    user, *, group_ids=(), permission_ids=(), group_permission_ids=None, is_superuser=None
) -> None:
    """Check ``user`` as it would be with these groups and direct permissions added (and
    ``group_permission_ids`` {group id: permission ids} about to be added to its groups).
    Every account is checked: the roles are known by the permissions held (rules.py)."""
    groups = set(group_ids) | set(user.groups.values_list("pk", flat=True))
    names = set(Group.objects.filter(pk__in=groups).values_list("name", flat=True))
    superuser = user.is_superuser if is_superuser is None else is_superuser
    pending = {
        pk for gid, pks in (group_permission_ids or {}).items() if gid in groups for pk in pks
    }
    held = Permission.objects.filter(
        Q(group__pk__in=groups) | Q(user=user) | Q(pk__in=set(permission_ids) | pending)
    ).distinct()
    check_roles(group_names=names, permissions=permission_names(held), is_superuser=superuser)


# Accounts whose checks wait for the end of a multi-step save (the admin's change form
# saves the flags, then the groups, then the permissions: the steps between are no state
# the account will have).
_deferred: ContextVar[frozenset] = ContextVar("roles_deferred_checks", default=frozenset())


@contextmanager
def checks_deferred(user, *, check_after: bool = True) -> Iterator[None]:
    """Skip this account's checks inside the block and check its final state at the end
    (the caller's transaction rolls the whole save back if that fails); ``check_after``
    False for a first step whose caller checks after the last."""
    token = _deferred.set(_deferred.get() | {user.pk})
    try:
        yield
    finally:
        _deferred.reset(token)
    if check_after and user.pk is not None:
        check_account(user)


def _is_deferred(user) -> bool:
    return user.pk is not None and user.pk in _deferred.get()


@receiver(m2m_changed, sender=User.groups.through)
def refuse_conflicting_groups(sender, instance, action, reverse, pk_set, **kwargs):
    if action != "pre_add" or not pk_set:
        return
    if reverse:  # group.user_set.add(...)
        for user in User.objects.filter(pk__in=pk_set):
            check_account(user, group_ids={instance.pk})
    elif not _is_deferred(instance):
        check_account(instance, group_ids=pk_set)


@receiver(m2m_changed, sender=User.user_permissions.through)
def refuse_permissions_beyond_the_role(sender, instance, action, reverse, pk_set, **kwargs):
    if action != "pre_add" or not pk_set:
        return
    if reverse:  # permission.user_set.add(...)
        for user in User.objects.filter(pk__in=pk_set):
            check_account(user, permission_ids={instance.pk})
    elif not _is_deferred(instance):
        check_account(instance, permission_ids=pk_set)


@receiver(m2m_changed, sender=Group.permissions.through)
def refuse_widening_an_administrator_role(sender, instance, action, reverse, pk_set, **kwargs):
    """A group's permissions fit one role at most (a role group's, its own role), and no
    member comes to hold more than one role or a role beside other rights."""
    if action != "pre_add" or not pk_set:
        return
    additions = {pk: {instance.pk} for pk in pk_set} if reverse else {instance.pk: set(pk_set)}
    for group in Group.objects.filter(pk__in=additions):
        # The group alone fits one role (or none): no bundle of two roles' rights.
        whole = Permission.objects.filter(Q(group=group) | Q(pk__in=additions[group.pk]))
        check_roles(
            group_names={group.name}, permissions=permission_names(whole), is_superuser=False
        )
        for user in group.user_set.all():
            check_account(user, group_permission_ids=additions)


@receiver(pre_save, sender=User)
def refuse_superuser_administrators(sender, instance, update_fields=None, **kwargs):
    if not instance.pk or not instance.is_superuser or _is_deferred(instance):
        return
    if update_fields is not None and "is_superuser" not in update_fields:
        return  # e.g. last_login at each login: nothing to check
    check_account(instance, is_superuser=True)


def grant_role_permissions(sender, using="default", **kwargs):
    """Give each role its permissions by codename, once the app that defines them has
    migrated (accounts.unlock_account and the audit permissions come from other apps, which
    may migrate after this one). Idempotent; runs after each app's post_migrate. Connected
    in RolesConfig.ready(), after django.contrib.auth's create_permissions (the admin's
    autodiscovery may import this module earlier, before auth is ready)."""
    roles = {group.name: group for group in Group.objects.using(using).filter(name__in=ADMIN_ROLES)}
    for name, group in roles.items():
        wanted = ROLE_PERMISSIONS[name]
        query = Q(pk__in=[])
        for label in wanted:
            app_label, codename = label.split(".")
            query |= Q(content_type__app_label=app_label, codename=codename)
        missing = Permission.objects.using(using).filter(query).exclude(group=group)
        if missing.exists():
            group.permissions.add(*missing)


@receiver(user_logged_in)
def note_second_factor(sender, request, user, **kwargs):
    """Whoever enrolled a device verifies with it, even if not required to: remembered in
    the session so that the middleware needs no query on each request."""
    if request is not None and hasattr(request, "session"):
        request.session[HAS_DEVICE_SESSION_KEY] = confirmed_device(user) is not None
