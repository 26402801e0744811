"""The workflow roles (created by ``portal``'s 0006) get this app's permissions: clerks
draft interpretations and their media, reviewers review, publishers publish, supervisors
read (and see the 解读比例)."""

from django.db import migrations

from portal.migration_operations import grant_roles

ROLES = {
    "信息员": ["add_interpretation", "change_interpretation", "view_interpretation",
            "submit_interpretation", "add_media", "change_media", "delete_media", "view_media"],
    "审核员": ["view_interpretation", "review_interpretation", "view_media"],
    "发布员": ["view_interpretation", "publish_interpretation", "view_media"],
    "督查员": ["view_interpretation", "view_media"],
}  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("interpretation", "0001_initial"), ("portal", "0006_roles")]

    operations = [grant_roles("interpretation", ROLES)]
