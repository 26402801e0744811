"""三员分立 as one rule, checked by the user form (a clear message) and by the model signals
(no other write path gets round it): an account holds at most one administrator role, a
superuser holds none, and an administrator holds nothing beyond the role's permissions."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError

from portal.roles.definitions import ADMIN_ROLES, ROLE_PERMISSIONS

SHOWN_PERMISSIONS = 5  # the message names a few; the rest are counted


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
    roles = [name for name in ADMIN_ROLES if name in set(group_names)]
    if not roles:
        return []
    problems = []
    if len(roles) > 1:
        problems.append(
            f"三员分立：一个账号只能担任系统管理员、安全管理员、审计管理员中的一个角色，"
            f"不能同时担任{'、'.join(roles)}。"
        )
    if is_superuser:
        problems.append(
            f"三员分立：超级用户拥有全部权限，不能担任{'、'.join(roles)}；"
            "请取消超级用户状态或撤销该角色。"
        )
    allowed = frozenset().union(*(ROLE_PERMISSIONS[role] for role in roles))
    extra = sorted(set(permissions) - allowed)
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
