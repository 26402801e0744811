"""The workflow roles (created by ``portal``'s 0006) get this app's permissions: clerks
(信息员) handle applications and draft answer letters, reviewers (审核员) review the
letters and, as the office head's delegates, approve extensions (条例 Art 33), publishers
(发布员) issue reviewed letters, supervisors (督查员) read everything."""

from django.db import migrations

from portal.migration_operations import grant_roles

ROLES = {
    "信息员": ["view_application", "handle_application", "view_answerletter",
            "change_answerletter", "submit_answerletter"],
    "审核员": ["view_application", "approve_extension", "view_answerletter",
            "review_answerletter"],
    "发布员": ["view_answerletter", "publish_answerletter"],
    "督查员": ["view_application", "view_answerletter"],
}  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("applications", "0002_event_history_append_only"), ("portal", "0006_roles")]

    operations = [grant_roles("applications", ROLES)]
