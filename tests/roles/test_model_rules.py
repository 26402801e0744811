"""三员分立 below the admin: every write of groups and permissions is checked."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction

from portal.roles.definitions import AUDIT_ADMIN, ROLE_PERMISSIONS, SECURITY_ADMIN, SYSTEM_ADMIN
from tests.portal.factories import UserFactory
from tests.roles.helpers import holder

pytestmark = pytest.mark.django_db


def permission(label):
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@pytest.mark.parametrize("name", list(ROLE_PERMISSIONS))
def test_each_role_group_holds_exactly_its_permissions_after_migrate(name):
    granted = {
        f"{app_label}.{codename}"
        for app_label, codename in Group.objects.get(name=name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }
    assert granted == ROLE_PERMISSIONS[name]


def test_the_system_administrator_holds_no_content_and_no_audit_permission():
    labels = {
        p.content_type.app_label for p in Group.objects.get(name=SYSTEM_ADMIN).permissions.all()
    }
    assert labels <= {"portal", "auth"}
    assert not Group.objects.get(name=SYSTEM_ADMIN).permissions.filter(
        codename__in=["oversee_all", "view_auditevent"]
    )


def test_an_account_cannot_take_a_second_administrator_role():
    user = holder(SYSTEM_ADMIN)
    auditors = Group.objects.get(name=AUDIT_ADMIN)
    with pytest.raises(ValidationError, match="三员分立"), transaction.atomic():
        user.groups.add(auditors)
    assert list(user.groups.values_list("name", flat=True)) == [SYSTEM_ADMIN]


def test_adding_the_account_from_the_group_side_is_refused_too():
    user = holder(SECURITY_ADMIN)
    with pytest.raises(ValidationError):
        Group.objects.get(name=AUDIT_ADMIN).user_set.add(user)


def test_setting_two_roles_at_once_is_refused():
    user = UserFactory(is_staff=True)
    with pytest.raises(ValidationError):
        user.groups.set(Group.objects.filter(name__in=[SYSTEM_ADMIN, SECURITY_ADMIN]))


def test_an_administrator_cannot_also_be_a_clerk():
    user = holder(AUDIT_ADMIN)
    with pytest.raises(ValidationError, match="本角色以外的权限"):
        user.groups.add(Group.objects.get(name="信息员"))


def test_a_clerk_cannot_become_an_administrator():
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="信息员"))
    with pytest.raises(ValidationError):
        user.groups.add(Group.objects.get(name=SYSTEM_ADMIN))


def test_an_administrator_gets_no_content_permission_directly():
    user = holder(SYSTEM_ADMIN)
    with pytest.raises(ValidationError, match="disclosure.publish_document"):
        user.user_permissions.add(permission("disclosure.publish_document"))


def test_a_superuser_cannot_take_a_role():
    user = UserFactory(is_staff=True, is_superuser=True)
    with pytest.raises(ValidationError, match="超级用户"):
        user.groups.add(Group.objects.get(name=AUDIT_ADMIN))


def test_an_administrator_cannot_be_made_superuser():
    user = holder(SECURITY_ADMIN)
    user.is_superuser = True
    with pytest.raises(ValidationError, match="超级用户"):
        user.save()


def test_a_role_group_cannot_be_widened_with_content_permissions():
    group = Group.objects.get(name=SYSTEM_ADMIN)
    change_document = permission("disclosure.change_document")
    with pytest.raises(ValidationError), transaction.atomic():
        group.permissions.add(change_document)
    assert not group.permissions.filter(codename="change_document").exists()


def test_a_plain_group_of_an_administrator_cannot_gain_content_permissions():
    user = holder(AUDIT_ADMIN)
    empty = Group.objects.create(name="值班")
    user.groups.add(empty)  # holds nothing: allowed
    with pytest.raises(ValidationError):
        empty.permissions.add(permission("disclosure.change_document"))


def test_ordinary_staff_may_hold_several_publishing_roles():
    user = UserFactory(is_staff=True)
    user.groups.set(Group.objects.filter(name__in=["信息员", "审核员"]))
    assert user.groups.count() == 2


# The roles are known by the rights held, not by the group's name.


def test_an_ordinary_group_cannot_bundle_two_roles_rights():
    bundle = Group.objects.create(name="运维")
    with pytest.raises(ValidationError, match="三员分立"), transaction.atomic():
        bundle.permissions.add(permission("audit.view_auditevent"), permission("roles.grant_roles"))
    assert not bundle.permissions.exists()


def test_a_clerk_cannot_get_audit_rights_through_an_ordinary_group():
    auditing = Group.objects.create(name="查账")
    auditing.permissions.add(permission("audit.view_auditevent"))  # one role's rights: allowed
    clerk = UserFactory(is_staff=True)
    clerk.groups.add(Group.objects.get(name="信息员"))
    with pytest.raises(ValidationError, match="本角色以外的权限"), transaction.atomic():
        clerk.groups.add(auditing)
    assert not clerk.groups.filter(pk=auditing.pk).exists()


def test_a_clerk_cannot_get_an_administrator_permission_directly():
    clerk = UserFactory(is_staff=True)
    clerk.groups.add(Group.objects.get(name="信息员"))
    with pytest.raises(ValidationError, match="三员分立"), transaction.atomic():
        clerk.user_permissions.add(permission("roles.grant_roles"))
    assert not clerk.user_permissions.exists()


def test_a_system_administrator_cannot_get_the_audit_log_directly():
    user = holder(SYSTEM_ADMIN)
    with pytest.raises(ValidationError, match="不能同时担任"), transaction.atomic():
        user.user_permissions.add(permission("audit.view_auditevent"))


def test_an_ordinary_group_of_a_clerk_cannot_gain_administrator_rights():
    clerk = UserFactory(is_staff=True)
    clerk.groups.add(Group.objects.get(name="信息员"))
    plain = Group.objects.create(name="值班")
    clerk.groups.add(plain)
    with pytest.raises(ValidationError), transaction.atomic():
        plain.permissions.add(permission("accounts.unlock_account"))


def test_one_roles_rights_without_its_group_are_allowed():
    user = UserFactory(is_staff=True)
    user.user_permissions.add(permission("audit.view_auditevent"))
    assert user.has_perm("audit.view_auditevent")


def test_a_superuser_cannot_hold_an_administrator_permission():
    user = UserFactory(is_staff=True, is_superuser=True)
    with pytest.raises(ValidationError, match="超级用户"), transaction.atomic():
        user.user_permissions.add(permission("audit.export_auditevent"))
