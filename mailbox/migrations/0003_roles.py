"""The workflow roles (created by ``portal``'s 0006) get this app's permissions: clerks
(信息员) handle letters and draft the public versions of replies, reviewers (审核员)
review answers and public versions, publishers (发布员) publish them, supervisors
(督查员) read every letter with the writer's details masked."""

from django.db import migrations

from portal.migration_operations import grant_roles

ROLES = {
    "信息员": ["view_letter", "handle_letter", "view_reply", "change_reply", "submit_reply"],
    "审核员": ["view_letter", "review_letter", "view_reply", "review_reply"],
    "发布员": ["view_reply", "publish_reply"],
    "督查员": ["view_letter", "view_reply"],
}


class Migration(migrations.Migration):
    dependencies = [("mailbox", "0002_letter_history_append_only"), ("portal", "0006_roles")]

    operations = [grant_roles("mailbox", ROLES)]
