"""三员分立 in the admin: the clerk at the user form sees a Chinese message, never a 500;
grants are the security administrator's, never on their own account; resets of the second
factor; the role groups keep their role's permissions."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.audit.models import AuditEvent
from portal.roles.definitions import AUDIT_ADMIN, SECURITY_ADMIN, SYSTEM_ADMIN
from tests.portal.factories import UserFactory
from tests.roles.admin_forms import form_data
from tests.roles.helpers import holder

pytestmark = pytest.mark.django_db


def change_url(user):
    return reverse("admin:portal_user_change", args=[user.pk])


def group(name):
    return Group.objects.get(name=name)


def post_groups(client, user, *names):
    data = form_data(client.get(change_url(user)))
    data["groups"] = [str(group(name).pk) for name in names]
    return client.post(change_url(user), data)


def test_giving_one_account_two_roles_shows_a_message_and_changes_nothing(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    user = holder(SYSTEM_ADMIN)
    response = post_groups(client, user, SYSTEM_ADMIN, AUDIT_ADMIN)
    assert response.status_code == 200
    assert "不能同时担任系统管理员、审计管理员" in response.content.decode()
    assert list(user.groups.values_list("name", flat=True)) == [SYSTEM_ADMIN]


def test_a_role_beside_a_publishing_role_shows_a_message(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    user = UserFactory(is_staff=True)
    response = post_groups(client, user, SECURITY_ADMIN, "信息员")
    assert response.status_code == 200
    assert "本角色以外的权限" in response.content.decode()
    assert not user.groups.exists()


def test_making_an_administrator_superuser_shows_a_message(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    user = holder(AUDIT_ADMIN)
    data = form_data(client.get(change_url(user)))
    data["is_superuser"] = "on"
    response = client.post(change_url(user), data)
    assert response.status_code == 200
    assert "超级用户拥有全部权限" in response.content.decode()
    user.refresh_from_db()
    assert not user.is_superuser


def test_the_security_administrator_grants_a_role(client):
    client.force_login(holder(SECURITY_ADMIN))
    user = UserFactory(is_staff=True)
    response = post_groups(client, user, AUDIT_ADMIN)
    assert response.status_code == 302
    assert list(user.groups.values_list("name", flat=True)) == [AUDIT_ADMIN]


def test_the_security_administrator_cannot_grant_to_themselves_nor_make_superusers(client):
    security = holder(SECURITY_ADMIN)
    client.force_login(security)
    form = client.get(change_url(security)).context["adminform"].form
    assert "groups" not in form.fields and "user_permissions" not in form.fields
    other = client.get(change_url(UserFactory(is_staff=True))).context["adminform"].form
    assert "groups" in other.fields and "is_superuser" not in other.fields
    assert "username" not in other.fields  # accounts are the system administrator's


def test_the_system_administrator_edits_accounts_but_not_their_grants(client):
    client.force_login(holder(SYSTEM_ADMIN))
    form = client.get(change_url(UserFactory(is_staff=True))).context["adminform"].form
    assert "username" in form.fields and "organization" in form.fields
    assert "groups" not in form.fields and "is_superuser" not in form.fields


def test_only_the_account_administrator_sets_passwords(client):
    user = UserFactory(is_staff=True)
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    client.force_login(holder(SECURITY_ADMIN))
    assert client.get(url).status_code == 403
    client.force_login(holder(SYSTEM_ADMIN))
    assert client.get(url).status_code == 200


def reset(client, *users):
    return client.post(
        reverse("admin:portal_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [str(u.pk) for u in users]},
        follow=True,
    )


def test_the_security_administrator_resets_a_colleagues_second_factor(client):
    security = holder(SECURITY_ADMIN)
    client.force_login(security)
    auditor = holder(AUDIT_ADMIN)
    TOTPDevice.objects.create(user=auditor, confirmed=True)
    response = reset(client, auditor)
    assert "已重置" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=auditor).exists()
    event = AuditEvent.objects.get(action="account_change", reason="重置双因素认证")
    assert (event.actor_username, event.object_id) == (security.username, str(auditor.pk))


def test_nobody_resets_their_own_second_factor(client):
    security = holder(SECURITY_ADMIN)
    client.force_login(security)  # verified by a device of its own
    response = reset(client, security)
    assert "不能重置自己的双因素认证" in response.content.decode()
    assert TOTPDevice.objects.filter(user=security).exists()


def test_the_system_administrator_is_not_offered_the_reset(client):
    client.force_login(holder(SYSTEM_ADMIN))
    response = client.get(reverse("admin:portal_user_changelist"))
    assert "reset_two_factor" not in response.content.decode()


def test_a_role_group_cannot_be_given_content_permissions_in_the_admin(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    role = group(SYSTEM_ADMIN)
    url = reverse("admin:auth_group_change", args=[role.pk])
    data = form_data(client.get(url))
    content = Permission.objects.get(codename="publish_document")
    response = client.post(url, {**data, "permissions": [*data["permissions"], str(content.pk)]})
    assert response.status_code == 200
    assert "本角色以外的权限" in response.content.decode()
    assert not role.permissions.filter(pk=content.pk).exists()


def test_the_device_admin_that_shows_secrets_is_not_registered(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404


def test_only_a_superuser_changes_a_superusers_account(client):
    root = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(holder(SYSTEM_ADMIN))
    page = client.get(change_url(root))  # shown read-only
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert client.post(change_url(root), {"username": "taken"}).status_code == 403
    password = reverse("admin:auth_user_password_change", args=[root.pk])
    assert client.get(password).status_code == 403


def test_a_security_administrator_cannot_reset_a_superusers_second_factor(client):
    client.force_login(holder(SECURITY_ADMIN))
    root = UserFactory(is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=root, confirmed=True)
    response = reset(client, root)
    assert "只能由超级用户重置" in response.content.decode()
    assert TOTPDevice.objects.filter(user=root).exists()


def test_the_security_administrator_cannot_bundle_administrator_rights_in_a_group(client):
    client.force_login(holder(SECURITY_ADMIN))
    wanted = Permission.objects.filter(
        codename__in=["view_auditevent", "grant_roles", "change_user"],
        content_type__app_label__in=["audit", "roles", "portal"],
    )
    response = client.post(
        reverse("admin:auth_group_add"),
        {"name": "运维", "permissions": [str(p.pk) for p in wanted]},
    )
    assert response.status_code == 200
    assert "三员分立" in response.content.decode()
    assert not Group.objects.filter(name="运维").exists()


def test_the_security_administrator_cannot_give_a_clerk_an_audit_group(client):
    auditing = Group.objects.create(name="查账")
    auditing.permissions.add(Permission.objects.get(codename="view_auditevent"))
    client.force_login(holder(SECURITY_ADMIN))
    clerk = UserFactory(is_staff=True)
    clerk.groups.add(group("信息员"))
    response = post_groups(client, clerk, "信息员", "查账")
    assert response.status_code == 200
    assert "本角色以外的权限" in response.content.decode()
    assert list(clerk.groups.values_list("name", flat=True)) == ["信息员"]


def test_resetting_the_second_factor_ends_the_accounts_sessions(client):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    auditor = holder(AUDIT_ADMIN)
    TOTPDevice.objects.create(user=auditor, confirmed=True)
    theirs = Client()
    theirs.force_login(auditor)
    session = theirs.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=auditor).persistent_id
    session.save()
    assert theirs.get(reverse("admin:index")).status_code == 200
    client.force_login(holder(SECURITY_ADMIN))
    reset(client, auditor)
    response = theirs.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("role", [SECURITY_ADMIN, AUDIT_ADMIN, SYSTEM_ADMIN, "by permission"])
def test_the_system_administrator_cannot_set_an_administrators_password(client, role):
    if role == "by permission":
        target = UserFactory(is_staff=True)
        target.user_permissions.add(Permission.objects.get(codename="unlock_account"))
    else:
        target = holder(role)
    url = reverse("admin:auth_user_password_change", args=[target.pk])
    client.force_login(holder(SYSTEM_ADMIN))
    assert client.get(url).status_code == 403
    new = "Zheng-Wu-Gong-Kai-42!"
    assert client.post(url, {"password1": new, "password2": new}).status_code == 403
    target.refresh_from_db()
    assert target.check_password("secret-password")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(url).status_code == 200


# One save of the change form is judged by the state it leaves, not by its steps.


def test_adding_a_role_while_dropping_a_direct_content_permission_is_one_valid_save(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_document"))
    data = form_data(client.get(change_url(user)))
    data["groups"] = [str(group(AUDIT_ADMIN).pk)]
    data["user_permissions"] = []
    response = client.post(change_url(user), data)
    assert response.status_code == 302
    assert list(user.groups.values_list("name", flat=True)) == [AUDIT_ADMIN]
    assert not user.user_permissions.exists()


def test_dropping_a_role_while_ticking_superuser_is_one_valid_save(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    user = holder(SECURITY_ADMIN)
    data = form_data(client.get(change_url(user)))
    data["groups"] = []
    data["is_superuser"] = "on"
    response = client.post(change_url(user), data)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_superuser and not user.groups.exists()


def test_dropping_a_role_while_adding_a_direct_content_permission_is_one_valid_save(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    user = holder(SYSTEM_ADMIN)
    data = form_data(client.get(change_url(user)))
    data["groups"] = []
    data["user_permissions"] = [str(Permission.objects.get(codename="change_document").pk)]
    assert client.post(change_url(user), data).status_code == 302
    assert not user.groups.exists() and user.user_permissions.count() == 1


def test_the_final_state_of_a_save_is_still_checked():
    from django.db import transaction

    from portal.roles.signals import checks_deferred

    user = holder(AUDIT_ADMIN)
    with pytest.raises(ValidationError, match="三员分立"), transaction.atomic():
        with checks_deferred(user):
            user.user_permissions.add(Permission.objects.get(codename="change_document"))
    assert not user.user_permissions.exists()
