"""The demo accounts' names and password: ``load_demo`` creates them with these, and
``portal.accounts.checks`` refuses to run with them unless ``ALLOW_DEMO_ACCOUNTS`` is set.
The password is printed by ``make run`` and the README, so it is known to everyone; a
test keeps the names in step with ``load_demo``'s accounts."""

DEMO_PASSWORD = "zwgk-Demo-2026"
DEMO_USERNAMES = (
    "admin",
    "clerk",
    "reviewer",
    "publisher",
    "supervisor",
    "sysadmin",
    "secadmin",
    "auditor",
)
