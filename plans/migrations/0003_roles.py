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

from django.db import migrations

from portal.migration_operations import grant_roles

READ = ["view_plan", "view_task", "view_update"]
ROLES = {
    "信息员": [*READ, "add_update", "report_task"],
    "督查员": [*READ, "add_plan", "change_plan", "add_task", "change_task", "change_update",
            "supervise_plan"],
    "审核员": READ,
    "发布员": READ,
}  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("plans", "0002_task_history_append_only"), ("portal", "0006_roles")]

    operations = [grant_roles("plans", ROLES)]
