import pytest

from portal.roles.definitions import ADMIN_ROLES, AUDIT_ADMIN, ROLE_PERMISSIONS, SYSTEM_ADMIN
from portal.roles.rules import role_conflicts


@pytest.mark.parametrize(
    ("groups", "permissions", "is_superuser", "expected"),
    [
        ([], ["disclosure.publish_document"], True, []),  # not an administrator: no rule
        (["信息员", "审核员"], ["disclosure.add_document"], False, []),
        ([SYSTEM_ADMIN], ROLE_PERMISSIONS[SYSTEM_ADMIN], False, []),
        ([AUDIT_ADMIN], ["audit.view_auditevent"], False, []),  # a subset is fine
        ([SYSTEM_ADMIN, AUDIT_ADMIN], [], False, ["不能同时担任系统管理员、审计管理员"]),
        ([AUDIT_ADMIN], [], True, ["超级用户拥有全部权限"]),
        ([SYSTEM_ADMIN], ["disclosure.change_document"], False, ["disclosure.change_document"]),
        ([SYSTEM_ADMIN], ["audit.view_auditevent"], False, ["不能同时担任系统管理员、审计管理员"]),
        ([AUDIT_ADMIN], ["portal.add_user"], False, ["portal.add_user"]),
        # Without any role group: the rights held decide the role.
        ([], ["audit.view_auditevent", "audit.export_auditevent"], False, []),
        ([], ["portal.change_user"], False, []),  # shared by two roles, fits either
        ([], ["audit.view_auditevent", "disclosure.add_document"], False, ["本角色以外的权限"]),
        ([], ["portal.change_user", "disclosure.add_document"], False, ["disclosure.add_document"]),
        (
            [],
            ["audit.view_auditevent", "roles.grant_roles"],
            False,
            ["不能同时担任安全管理员、审计管理员"],
        ),
        ([], ["accounts.unlock_account"], True, ["超级用户拥有全部权限"]),
    ],
)
def test_role_conflicts_follow_the_separation_of_three_administrators(
    groups, permissions, is_superuser, expected
):
    problems = " ".join(
        role_conflicts(group_names=groups, permissions=permissions, is_superuser=is_superuser)
    )
    if not expected:
        assert problems == ""
    for fragment in expected:
        assert fragment in problems


def test_a_long_list_of_extra_permissions_is_counted_not_listed():
    extra = [f"disclosure.perm_{n:02d}" for n in range(12)]
    (problem,) = role_conflicts(group_names=[SYSTEM_ADMIN], permissions=extra, is_superuser=False)
    assert "等 12 项" in problem
    assert "perm_11" not in problem


def test_no_two_roles_share_an_administrative_permission_that_would_blur_them():
    """The audit permissions belong to the auditor alone, grants to the security
    administrator alone, account creation to the system administrator alone."""
    owners = {
        "audit.view_auditevent": AUDIT_ADMIN,
        "audit.export_auditevent": AUDIT_ADMIN,
        "roles.grant_roles": "安全管理员",
        "accounts.unlock_account": "安全管理员",
        "portal.add_user": SYSTEM_ADMIN,
    }
    for permission, owner in owners.items():
        assert [role for role in ADMIN_ROLES if permission in ROLE_PERMISSIONS[role]] == [owner]
