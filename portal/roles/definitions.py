"""The three administrator roles of 三员分立 (GB/T 22239-2019 8.1.4.2 and 8.1.5.4: system,
security and audit administrators are separate accounts) and what each may hold.

Each role's permissions are data: the roles migration and the post_migrate grant give them
to the groups, and portal.roles.rules refuses an account that would hold anything beyond
its one role. Permissions of apps that are not installed yet (accounts, audit) are granted
once their app has migrated.
"""

SYSTEM_ADMIN = "系统管理员"
SECURITY_ADMIN = "安全管理员"
AUDIT_ADMIN = "审计管理员"
ADMIN_ROLES = (SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN)

# "app_label.codename"; nothing of the publishing apps, nothing of another administrator.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    # Accounts and configuration: creates and edits accounts (not their grants: the user
    # form shows groups and permissions read-only without roles.grant_roles), the
    # organization tree and the working-day calendar.
    SYSTEM_ADMIN: frozenset(
        {
            "portal.add_user",
            "portal.change_user",
            "portal.view_user",
            "auth.view_group",
            "portal.add_organization",
            "portal.change_organization",
            "portal.delete_organization",
            "portal.view_organization",
            "portal.add_calendarday",
            "portal.change_calendarday",
            "portal.delete_calendarday",
            "portal.view_calendarday",
        }
    ),
    # Authorisation and security policy: grants roles (edits groups and an account's
    # groups), resets a colleague's second factor, unlocks locked accounts.
    SECURITY_ADMIN: frozenset(
        {
            "portal.view_user",
            "portal.change_user",
            "auth.view_group",
            "auth.add_group",
            "auth.change_group",
            "roles.grant_roles",
            "roles.reset_two_factor",
            "accounts.unlock_account",
        }
    ),
    # Reads and exports the audit log, nothing else.
    AUDIT_ADMIN: frozenset({"audit.view_auditevent", "audit.export_auditevent"}),
}

# Holding any of these means administering the portal itself: the holder logs in with a
# second factor even without one of the three roles (an ad-hoc grant is no way around it).
ADMIN_PERMISSIONS = frozenset().union(*ROLE_PERMISSIONS.values()) - {
    "portal.view_user",
    "auth.view_group",
    "portal.view_organization",
    "portal.view_calendarday",
}
