"""The accounts app in the admin: the 登录锁定 list (portal.accounts.admin), where the
security administrator (安全管理员) sees the lockouts and lifts the active ones, and the user
admin's part of the password policy (portal.accounts.user_admin)."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.accounts.lockout import lockout_lift
from portal.accounts.models import Lockout, PasswordHistory
from portal.audit.models import AuditEvent
from portal.models import User
from portal.roles.definitions import AUDIT_ADMIN, SECURITY_ADMIN, SYSTEM_ADMIN
from tests.accounts.conftest import PASSWORD, fail, log_in
from tests.portal.factories import UserFactory
from tests.roles.helpers import holder

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:accounts_lockout_changelist")


def security_admin():
    user = UserFactory(username="anquan", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="unlock_account"))
    return user


def make_lockout(key, state, *, kind=Lockout.Kind.ACCOUNT, ip=None, minutes_ago=5):
    """A lockout of ``key`` that is now ``state``: active, lifted or expired."""
    now = timezone.now()
    locked_at = now - timedelta(minutes=minutes_ago)
    fields = {"kind": kind, "key": key, "ip": ip, "locked_at": locked_at}
    if state == "expired":
        fields["locked_until"] = now - timedelta(minutes=1)
    else:
        fields["locked_until"] = now + timedelta(minutes=25)
    if state == "lifted":
        fields["unlocked_at"] = now - timedelta(minutes=1)
        fields["unlocked_by"] = UserFactory(is_staff=True)
    return Lockout.objects.create(**fields)


@pytest.fixture
def three_lockouts(db):
    return {
        state: make_lockout(f"{state}-name", state) for state in ("active", "lifted", "expired")
    }


def listed(response) -> list[str]:
    return [lockout.key for lockout in response.context["cl"].result_list]


def lift(client, *lockouts):
    return client.post(
        CHANGELIST,
        {"action": "lift_selected", "_selected_action": [str(lk.pk) for lk in lockouts]},
        follow=True,
    )


# The list, its filters and its columns.


def test_a_security_administrator_unlocks_from_the_lockout_page(client, staff):
    fail(client, staff.username, 5)
    lockout = Lockout.objects.get(kind=Lockout.Kind.ACCOUNT)
    client.force_login(security_admin())
    changelist = reverse("admin:accounts_lockout_changelist")
    page = client.get(changelist + "?state=active")
    assert page.status_code == 200 and staff.username in page.content.decode()
    assert "解锁所选账号或地址" in page.content.decode()
    response = client.post(
        changelist, {"action": "lift_selected", "_selected_action": [lockout.pk]}
    )
    assert response.status_code == 302
    lockout.refresh_from_db()
    assert lockout.unlocked_at is not None
    client.logout()
    assert log_in(client, staff.username, PASSWORD).status_code == 302


def test_the_state_filter_offers_all_active_lifted_and_expired(client, three_lockouts):
    client.force_login(holder(SECURITY_ADMIN))
    response = client.get(CHANGELIST)
    cl = response.context["cl"]
    state = next(spec for spec in cl.filter_specs if spec.parameter_name == "state")
    assert state.title == "状态"
    assert [choice["display"] for choice in state.choices(cl)] == [
        "全部",
        "锁定中",
        "已解锁",
        "已到期",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"active-name", "lifted-name", "expired-name"}),
        ("?state=active", {"active-name"}),
        ("?state=lifted", {"lifted-name"}),
        ("?state=expired", {"expired-name"}),
    ],
)
def test_each_state_shows_only_its_lockouts(client, three_lockouts, query, expected):
    client.force_login(holder(SECURITY_ADMIN))
    response = client.get(CHANGELIST + query)
    assert response.status_code == 200
    assert set(listed(response)) == expected


def test_a_lifted_lockout_is_lifted_even_after_its_time_has_run_out(client):
    lockout = make_lockout("old-name", "lifted", minutes_ago=60)
    Lockout.objects.filter(pk=lockout.pk).update(
        locked_until=timezone.now() - timedelta(minutes=30)
    )
    client.force_login(holder(SECURITY_ADMIN))
    assert listed(client.get(CHANGELIST + "?state=lifted")) == ["old-name"]
    assert listed(client.get(CHANGELIST + "?state=expired")) == []


def test_the_kind_filter_separates_account_names_from_addresses(client):
    make_lockout("zhangsan", "active")
    make_lockout("10.0.0.7", "active", kind=Lockout.Kind.IP, ip="10.0.0.7")
    client.force_login(holder(SECURITY_ADMIN))
    assert listed(client.get(CHANGELIST + "?kind=account")) == ["zhangsan"]
    assert listed(client.get(CHANGELIST + "?kind=ip")) == ["10.0.0.7"]


def test_the_state_column_names_each_lockouts_state(three_lockouts):
    model_admin = admin.site._registry[Lockout]
    assert {state: model_admin.state(lockout) for state, lockout in three_lockouts.items()} == {
        "active": "锁定中",
        "lifted": "已解锁",
        "expired": "已到期",
    }


def test_the_list_shows_who_lifted_a_lockout(client, three_lockouts):
    client.force_login(holder(SECURITY_ADMIN))
    page = client.get(CHANGELIST + "?state=lifted").content.decode()
    assert three_lockouts["lifted"].unlocked_by.username in page


def test_the_list_searches_names_and_addresses(client):
    make_lockout("zhangsan", "active", ip="10.0.0.7")
    make_lockout("lisi", "active", ip="192.0.2.44")
    client.force_login(holder(SECURITY_ADMIN))
    assert listed(client.get(CHANGELIST, {"q": "zhang"})) == ["zhangsan"]
    assert listed(client.get(CHANGELIST, {"q": "192.0.2"})) == ["lisi"]


def test_the_newest_lockout_comes_first(client):
    make_lockout("earlier", "active", minutes_ago=20)
    make_lockout("later", "active", minutes_ago=2)
    make_lockout("middle", "active", minutes_ago=10)
    client.force_login(holder(SECURITY_ADMIN))
    assert listed(client.get(CHANGELIST)) == ["later", "middle", "earlier"]


def test_the_lists_queries_do_not_grow_with_its_rows(client):
    client.force_login(holder(SECURITY_ADMIN))
    for n in range(3):
        make_lockout(f"name{n}", "lifted")
    client.get(CHANGELIST)  # the session and the permission caches settle
    with CaptureQueriesContext(connection) as few:
        assert client.get(CHANGELIST).status_code == 200
    for n in range(3, 23):
        make_lockout(f"name{n}", "lifted")
    with CaptureQueriesContext(connection) as many:
        assert client.get(CHANGELIST).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


# 解锁: the security administrator's, audited, and only for the active lockouts.


def test_the_security_administrator_role_finds_the_list_on_the_admin_index(client):
    client.force_login(holder(SECURITY_ADMIN))
    index = client.get(reverse("admin:index")).content.decode()
    assert CHANGELIST in index and "登录锁定" in index


def test_an_unlock_is_recorded_with_the_security_administrator_as_actor(client, three_lockouts):
    security = holder(SECURITY_ADMIN)
    client.force_login(security)
    lift(client, three_lockouts["active"])
    lockout = Lockout.objects.get(pk=three_lockouts["active"].pk)
    assert lockout.unlocked_by == security and lockout.unlocked_at is not None
    event = AuditEvent.objects.get(action="unlock")
    assert (event.actor_username, event.object_type, event.object_repr, event.reason) == (
        security.username,
        "lockout.account",
        "active-name",
        "安全管理员解除锁定",
    )


def test_unlocking_a_selection_lifts_only_the_active_lockouts_and_says_how_many(
    client, three_lockouts
):
    client.force_login(holder(SECURITY_ADMIN))
    lifted_before = Lockout.objects.get(pk=three_lockouts["lifted"].pk)
    response = lift(client, *three_lockouts.values())
    assert "已解锁 1 项。" in response.content.decode()
    lifted = Lockout.objects.get(pk=three_lockouts["lifted"].pk)
    assert (lifted.unlocked_at, lifted.unlocked_by) == (
        lifted_before.unlocked_at,
        lifted_before.unlocked_by,
    )
    assert Lockout.objects.get(pk=three_lockouts["expired"].pk).unlocked_at is None
    assert AuditEvent.objects.filter(action="unlock").count() == 1


def test_staff_without_the_permission_cannot_see_or_unlock(client, staff):
    fail(client, staff.username, 5)
    lockout = Lockout.objects.get()
    other = UserFactory(is_staff=True)
    client.force_login(other)
    assert client.get(reverse("admin:accounts_lockout_changelist")).status_code == 403
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        lockout_lift(lockout=lockout, by=other)
    lockout.refresh_from_db()
    assert lockout.unlocked_at is None


@pytest.mark.parametrize(
    "role", [SYSTEM_ADMIN, AUDIT_ADMIN, "信息员", "审核员", "发布员", "督查员"]
)
def test_other_roles_get_403_and_unlock_nothing(client, role):
    lockout = make_lockout("zhangsan", "active")
    client.force_login(holder(role))
    assert client.get(CHANGELIST).status_code == 403
    response = client.post(
        CHANGELIST, {"action": "lift_selected", "_selected_action": [str(lockout.pk)]}
    )
    assert response.status_code == 403
    lockout.refresh_from_db()
    assert lockout.unlocked_at is None
    assert not AuditEvent.objects.filter(action="unlock").exists()


def test_whoever_may_only_view_lockouts_is_offered_no_unlock(client):
    lockout = make_lockout("zhangsan", "active")
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_lockout"))
    client.force_login(viewer)
    page = client.get(CHANGELIST)
    assert page.status_code == 200 and "zhangsan" in page.content.decode()
    assert "lift_selected" not in page.content.decode()
    client.post(CHANGELIST, {"action": "lift_selected", "_selected_action": [str(lockout.pk)]})
    lockout.refresh_from_db()
    assert lockout.unlocked_at is None


# Read-only: lockouts come from failed logins and leave only through 解锁.


@pytest.mark.parametrize("who", ["security", "superuser"])
def test_nobody_adds_changes_or_deletes_a_lockout(client, who):
    lockout = make_lockout("zhangsan", "active")
    if who == "security":
        client.force_login(holder(SECURITY_ADMIN))
    else:
        client.force_login(UserFactory(is_staff=True, is_superuser=True))
    change = reverse("admin:accounts_lockout_change", args=[lockout.pk])
    page = client.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(change, {"key": "someone-else", "_save": "1"}).status_code == 403
    assert client.get(reverse("admin:accounts_lockout_add")).status_code == 403
    delete = reverse("admin:accounts_lockout_delete", args=[lockout.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    lockout.refresh_from_db()
    assert lockout.key == "zhangsan"
    assert "delete_selected" not in client.get(CHANGELIST).content.decode()


# The user admin (portal.accounts.user_admin): a password set for someone else is
# temporary; see tests/accounts/test_passwords.py for the first login that follows.


def superuser():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def newest_history(user):
    return PasswordHistory.objects.filter(user=user).first()


def test_an_administrator_who_sets_their_own_password_in_the_user_admin_keeps_it(client):
    root = superuser()
    client.force_login(root)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[root.pk]),
        {"password1": "Harbour-lamp-own1", "password2": "Harbour-lamp-own1"},
    )
    assert response.status_code == 302, response.content.decode()
    root.refresh_from_db()
    assert root.check_password("Harbour-lamp-own1")
    assert not newest_history(root).is_temporary


def test_a_refused_password_reset_marks_nothing_temporary(client, staff):
    client.force_login(superuser())
    response = client.post(
        reverse("admin:auth_user_password_change", args=[staff.pk]),
        {"password1": "Harbour-lamp-one1", "password2": "Harbour-lamp-two2"},
    )
    assert response.status_code == 200
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)
    assert not PasswordHistory.objects.filter(user=staff, is_temporary=True).exists()


def test_a_password_reset_of_an_unknown_account_is_a_404_not_an_error(client):
    client.force_login(superuser())
    url = reverse("admin:auth_user_password_change", args=[987654])
    assert client.post(url, {"password1": "x", "password2": "x"}).status_code == 404


def test_a_role_holder_added_by_the_system_administrator_starts_with_a_temporary_password(
    client,
):
    client.force_login(holder(SYSTEM_ADMIN))
    response = client.post(
        reverse("admin:portal_user_add"),
        {
            "username": "newclerk",
            "password1": "Harbour-lamp-new1",
            "password2": "Harbour-lamp-new1",
            "_save": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()
    user = User.objects.get(username="newclerk")
    assert newest_history(user).is_temporary
