"""The four workflow roles are the portal's groups (``portal`` 0006); each app's migration
grants only its own models' permissions, and reversing it takes back only those."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection

ROLES = ["信息员", "审核员", "发布员", "督查员"]
APP_ROLE_MIGRATIONS = {
    "disclosure": "disclosure.migrations.0003_roles",
    "interpretation": "interpretation.migrations.0002_roles",
    "mailbox": "mailbox.migrations.0003_roles",
    "plans": "plans.migrations.0003_roles",
}

pytestmark = pytest.mark.django_db


def permissions_by_app(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return set(group.permissions.values_list("content_type__app_label", flat=True))


def reverse(module: str) -> None:
    (run_python,) = importlib.import_module(module).Migration.operations
    run_python.reverse_code(apps, SimpleNamespace(connection=connection))


def test_the_portal_creates_the_four_roles_and_the_apps_fill_them():
    assert set(Group.objects.filter(name__in=ROLES).values_list("name", flat=True)) == set(ROLES)
    assert {"portal", "disclosure", "mailbox"} <= permissions_by_app("督查员")


@pytest.mark.parametrize("app_label", APP_ROLE_MIGRATIONS)
def test_reversing_an_apps_grant_takes_back_only_its_own_permissions(app_label):
    before = {name: permissions_by_app(name) for name in ROLES}
    assert any(app_label in apps_of for apps_of in before.values())
    reverse(APP_ROLE_MIGRATIONS[app_label])
    after = {name: permissions_by_app(name) for name in ROLES}  # the groups are still there
    assert after == {name: apps_of - {app_label} for name, apps_of in before.items()}
