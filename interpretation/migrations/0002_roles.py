"""The workflow roles (created by ``portal``'s 0006) get this app's permissions: clerks
draft interpretations and their media, reviewers review, publishers publish, supervisors
read (and see the 解读比例)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "信息员": ["add_interpretation", "change_interpretation", "view_interpretation",
            "submit_interpretation", "add_media", "change_media", "delete_media", "view_media"],
    "审核员": ["view_interpretation", "review_interpretation", "view_media"],
    "发布员": ["view_interpretation", "publish_interpretation", "view_media"],
    "督查员": ["view_interpretation", "view_media"],
}  # fmt: skip


def grant(apps, schema_editor):
    app_config = apps.get_app_config("interpretation")
    app_config.models_module = True  # permissions are normally created after migrations
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="interpretation", codename__in=codenames
            )
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="interpretation")
        )


class Migration(migrations.Migration):
    dependencies = [("interpretation", "0001_initial"), ("portal", "0006_roles")]

    operations = [migrations.RunPython(grant, revoke)]
