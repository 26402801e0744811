"""The workflow roles (created by ``portal``'s 0006) get this app's permissions: clerks
draft and submit reports, reviewers review, publishers publish, supervisors read them
(and see the countdown to the statutory deadline)."""

from django.db import migrations

from portal.migration_operations import grant_roles

ROLES = {
    "信息员": ["add_annualreport", "change_annualreport", "view_annualreport",
            "submit_annualreport"],
    "审核员": ["view_annualreport", "review_annualreport"],
    "发布员": ["view_annualreport", "publish_annualreport"],
    "督查员": ["view_annualreport"],
}  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("annual_reports", "0001_initial"), ("portal", "0006_roles")]

    operations = [grant_roles("annual_reports", ROLES)]
