"""三员分立 as one rule, checked by the user and group forms (a clear message) and by the model
signals (no other write path gets round it).

An account's administrator roles are known by the rights it holds, not by the names of its
groups: it holds a role when it belongs to that role's group or holds one of the
permissions only that role has (portal.roles.definitions; e.g. audit.view_auditevent is the
审计管理员's, roles.grant_roles the 安全管理员's), whether through any group or directly. An
account that holds an administrator role or any administrator permission must then fit
inside exactly one role: at most one role, nothing beyond that role's permissions (no
content rights, no other administrator's rights), and not a superuser. The same rule on a
group's own permissions means an ordinary group cannot bundle two roles' rights either, so
renaming or copying a role group gives nobody a way round it.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError

from portal.roles.definitions import ADMIN_PERMISSIONS, ADMIN_ROLES, ROLE_PERMISSIONS

SHOWN_PERMISSIONS = 5  # the message names a few; the rest are counted

# The administrator permissions that name a role: held by that role alone.
ROLE_MARKERS: dict[str, frozenset[str]] = {
    role: (ROLE_PERMISSIONS[role] & ADMIN_PERMISSIONS)
    - frozenset().union(*(ROLE_PERMISSIONS[other] for other in ADMIN_ROLES if other != role))
    for role in ADMIN_ROLES
}


def administrator_roles(*, group_names: Iterable[str], permissions: Iterable[str]) -> list[str]:
    """The roles an account holds by group or by one of the role's own permissions."""
    names, held = set(group_names), set(permissions)
    return [role for role in ADMIN_ROLES if role in names or ROLE_MARKERS[role] & held]


def role_conflicts(
    *,
    group_names: Iterable[str],
    permissions: Iterable[str],
    is_superuser: bool,
) -> list[str]:
    """What is wrong with an account holding these groups and permissions (``permissions``:
    every "app_label.codename" the account would hold through any group or directly).

    GB/T 22239-2019 8.1.4.2 c) and 8.1.5.4: the system, security and audit administrators
    are distinct accounts, each with only the rights of its role. A superuser holds every
    right, so it can hold none of the three roles either.
    """
    held = set(permissions)
    roles = administrator_roles(group_names=group_names, permissions=held)
    if not roles:
        # Only rights several roles share (portal.change_user), if any: the account is
        # still an administrator, of whichever of those roles covers them.
        shared = held & ADMIN_PERMISSIONS
        if not shared:
            return []
        roles = [role for role in ADMIN_ROLES if shared <= ROLE_PERMISSIONS[role]]
        if any(held <= ROLE_PERMISSIONS[role] for role in roles) and not is_superuser:
            return []
    problems = []
    if len(roles) > 1 and administrator_roles(group_names=group_names, permissions=held):
        names = set(group_names)
        by_right = "".join(
            f"（{'、'.join(sorted(ROLE_MARKERS[role] & held))} 属于{role}）"
            for role in roles
            if role not in names
        )
        problems.append(
            f"三员分立：一个账号只能担任系统管理员、安全管理员、审计管理员中的一个角色"
            f"（或拥有其中一个角色的权限），不能同时担任{'、'.join(roles)}{by_right}。"
        )
    if is_superuser:
        problems.append(
            f"三员分立：超级用户拥有全部权限，不能担任{'、'.join(roles)}或拥有其管理权限；"
            "请取消超级用户状态或撤销该角色。"
        )
    allowed = frozenset().union(*(ROLE_PERMISSIONS[role] for role in roles))
    extra = sorted(held - allowed)
    if extra:
        shown = "、".join(extra[:SHOWN_PERMISSIONS])
        more = f"等 {len(extra)} 项" if len(extra) > SHOWN_PERMISSIONS else ""
        problems.append(
            f"三员分立：担任{'、'.join(roles)}的账号不能拥有本角色以外的权限"
            f"（如内容管理或审计权限）：{shown}{more}。"
        )
    return problems


def check_roles(*, group_names, permissions, is_superuser) -> None:
    """Raise ValidationError listing every conflict, or return."""
    problems = role_conflicts(
        group_names=group_names, permissions=permissions, is_superuser=is_superuser
    )
    if problems:
        raise ValidationError(problems, code="role_conflict")
