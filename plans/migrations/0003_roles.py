"""The workflow roles (created by ``portal``'s 0006) get this app's permissions:

- 信息员 (clerks) see the plans and tasks of their organization and report on the tasks it
  leads (``report_task``, ``add_update``);
- 督查员 (supervisors) draft and edit plans and task trees, and decide reports
  (``supervise_plan``: accept, return, suspend, start, archive); they change a report only
  by deciding it (``change_update`` opens its page with the buttons);
- 审核员 and 发布员 only read: a plan's evidence is their published documents.

Django's default permissions are kept (``add``/``change``/``delete``/``view``): the admin
reads them, and ``delete`` is granted to no role (a task with history is never deleted;
a superuser removes a mistaken draft plan)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

READ = ["view_plan", "view_task", "view_update"]
ROLES = {
    "信息员": [*READ, "add_update", "report_task"],
    "督查员": [*READ, "add_plan", "change_plan", "add_task", "change_task", "change_update",
            "supervise_plan"],
    "审核员": READ,
    "发布员": READ,
}  # fmt: skip


def grant(apps, schema_editor):
    app_config = apps.get_app_config("plans")
    app_config.models_module = True  # permissions are normally created after migrations
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="plans", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="plans"))


class Migration(migrations.Migration):
    dependencies = [("plans", "0002_task_history_append_only"), ("portal", "0006_roles")]

    operations = [migrations.RunPython(grant, revoke)]
