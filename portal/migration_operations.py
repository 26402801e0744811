"""Migration operations every app with a case history or workflow roles needs, written
once: the append-only trigger of a history table, and the roles' permissions.

Historical migrations import these by name, so their behaviour must not change: add a
new function rather than alter one that migrations use.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def append_only_trigger(table: str, message: str) -> migrations.RunSQL:
    """A trigger that refuses UPDATE and DELETE on ``table`` (raw SQL and
    ``QuerySet.update()`` included) with ``message``; reversing drops it."""
    name = f"{table}_append_only"
    return migrations.RunSQL(
        f"""
        CREATE FUNCTION {name}() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '{message} ({table} is append-only)';
        END;
        $$ LANGUAGE plpgsql;
        CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {name}();
        """,
        f"DROP TRIGGER IF EXISTS {name} ON {table}; DROP FUNCTION IF EXISTS {name}();",
    )


def grant_roles(app_label: str, roles: dict[str, list[str]]) -> migrations.RunPython:
    """Give the workflow roles (the groups ``portal`` 0006 creates) these permissions of
    ``app_label``; reversing takes every permission of the app from them."""

    def grant(apps, schema_editor):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True  # permissions are normally created after migrations
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
        for name, codenames in roles.items():
            group, _ = Group.objects.get_or_create(name=name)
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )

    def revoke(apps, schema_editor):
        Permission = apps.get_model("auth", "Permission")
        for group in apps.get_model("auth", "Group").objects.filter(name__in=roles):
            group.permissions.remove(*Permission.objects.filter(content_type__app_label=app_label))

    return migrations.RunPython(grant, revoke)
