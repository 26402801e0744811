"""The workflow roles (created by ``portal``'s 0006) get this app's permissions: clerks
draft and submit reports, reviewers review, publishers publish, supervisors read them
(and see the countdown to the statutory deadline)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "信息员": ["add_annualreport", "change_annualreport", "view_annualreport",
            "submit_annualreport"],
    "审核员": ["view_annualreport", "review_annualreport"],
    "发布员": ["view_annualreport", "publish_annualreport"],
    "督查员": ["view_annualreport"],
}  # fmt: skip


def grant(apps, schema_editor):
    app_config = apps.get_app_config("annual_reports")
    app_config.models_module = True  # permissions are normally created after migrations
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="annual_reports", codename__in=codenames
            )
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="annual_reports")
        )


class Migration(migrations.Migration):
    dependencies = [("annual_reports", "0001_initial"), ("portal", "0006_roles")]

    operations = [migrations.RunPython(grant, revoke)]
