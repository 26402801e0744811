"""The workflow roles (created by ``portal``'s 0006) get this app's permissions: clerks
(信息员) handle letters and draft the public versions of replies, reviewers (审核员)
review answers and public versions, publishers (发布员) publish them, supervisors
(督查员) read every letter with the writer's details masked."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "信息员": ["view_letter", "handle_letter", "view_reply", "change_reply", "submit_reply"],
    "审核员": ["view_letter", "review_letter", "view_reply", "review_reply"],
    "发布员": ["view_reply", "publish_reply"],
    "督查员": ["view_letter", "view_reply"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("mailbox")
    app_config.models_module = True  # permissions are normally created after migrations
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="mailbox", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="mailbox"))


class Migration(migrations.Migration):
    dependencies = [("mailbox", "0002_letter_history_append_only"), ("portal", "0006_roles")]

    operations = [migrations.RunPython(grant, revoke)]
