"""The workflow roles (created by ``portal``'s 0006) get this app's permissions: clerks
(信息员) handle applications and draft answer letters, reviewers (审核员) review the
letters and, as the office head's delegates, approve extensions (条例 Art 33), publishers
(发布员) issue reviewed letters, supervisors (督查员) read everything."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "信息员": ["view_application", "handle_application", "view_answerletter",
            "change_answerletter", "submit_answerletter"],
    "审核员": ["view_application", "approve_extension", "view_answerletter",
            "review_answerletter"],
    "发布员": ["view_answerletter", "publish_answerletter"],
    "督查员": ["view_application", "view_answerletter"],
}  # fmt: skip


def grant(apps, schema_editor):
    app_config = apps.get_app_config("applications")
    app_config.models_module = True  # permissions are normally created after migrations
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="applications", codename__in=codenames
            )
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="applications")
        )


class Migration(migrations.Migration):
    dependencies = [("applications", "0002_event_history_append_only"), ("portal", "0006_roles")]

    operations = [migrations.RunPython(grant, revoke)]
