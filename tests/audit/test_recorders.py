"""Each recorder writes its event, with the actor, masked personal data and no secret."""

from datetime import date

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from import_export.signals import post_import

from mailbox.models import Letter, Mailbox
from portal.audit.models import Action, Result
from portal.models import CalendarDay, Organization
from tests.audit.conftest import (
    ID_NUMBER,
    PASSWORD,
    PHONE,
    assert_absent_everywhere,
    events,
    last_id,
    new_since,
)  # fmt: skip
from tests.mailbox.conftest import SECRET_BODY, submit
from tests.portal.factories import UserFactory
from tests.portal.roles import staff


@pytest.fixture
def user(db):
    return UserFactory(username="wangwu", password=PASSWORD, is_staff=True)


@pytest.fixture
def mailbox(agency):
    return Mailbox.objects.create(name="局长信箱", slug="director", organization=agency.office)


def test_a_login_and_a_logout_are_recorded_with_the_actor_and_roles(client, user):
    user.groups.add(Group.objects.get_or_create(name="信息员")[0])
    assert client.login(username="wangwu", password=PASSWORD)
    client.logout()
    login, logout = events(action=Action.LOGIN)[-1], events(action=Action.LOGOUT)[-1]
    assert login.actor_username == "wangwu" and login.actor_id == user.pk
    assert login.actor_roles == ["信息员"] and login.result == Result.SUCCESS
    assert logout.actor_username == "wangwu"
    assert_absent_everywhere(PASSWORD)


def test_a_failed_login_keeps_the_name_tried_never_the_password(client, user):
    assert not client.login(username="wangwu", password="Wrong-Password-99")
    failed = events(action=Action.LOGIN_FAILED)[-1]
    assert failed.actor_username == "wangwu" and failed.actor_id is None
    assert failed.result == Result.FAILURE
    assert_absent_everywhere("Wrong-Password-99", PASSWORD)


def test_a_login_name_that_is_a_phone_number_is_masked(client, db):
    client.login(username=PHONE, password="whatever-it-was")
    assert events(action=Action.LOGIN_FAILED)[-1].actor_username == "【电话】"
    assert_absent_everywhere(PHONE, "whatever-it-was")


def test_lockouts_refusals_and_unlocks_from_the_accounts_app(db, user):
    signals = pytest.importorskip("portal.accounts.signals")
    before = last_id()
    signals.account_locked.send(sender=None, username="wangwu", ip="10.0.0.9")
    signals.login_refused.send(sender=None, username=PHONE, ip="10.0.0.9", reason="account_locked")
    lockout = type("Lockout", (), {"kind": "account", "key": "wangwu"})()
    signals.lockout_lifted.send(sender=None, lockout=lockout, by=user)
    locked, refused, unlocked = new_since(before)
    assert (locked.action, locked.actor_username, locked.result) == ("lockout", "wangwu", "failure")
    assert refused.action == "login_refused" and refused.reason == "账号已锁定"
    assert (unlocked.action, unlocked.actor_username, unlocked.object_repr) == (
        "unlock",
        "wangwu",
        "wangwu",
    )
    assert_absent_everywhere(PHONE)


def test_role_changes_are_recorded_both_ways_round(db, user):
    group = Group.objects.create(name="审核员甲")
    before = last_id()
    user.groups.add(group)
    group.user_set.remove(user)
    user.groups.add(group)
    user.groups.clear()
    added, removed, _again, cleared = new_since(before)
    assert added.action == Action.ROLE_CHANGE and added.details == {"added": ["审核员甲"]}
    assert added.object_type == "portal.user" and added.object_id == str(user.pk)
    assert removed.details == {"removed": ["审核员甲"]} and removed.object_repr == "wangwu"
    assert cleared.details == {"removed": ["审核员甲"]}


def test_permission_grants_and_superuser_flags_are_recorded(db, user):
    permission = Permission.objects.get(codename="view_calendarday")
    group = Group.objects.create(name="日历管理")
    before = last_id()
    user.user_permissions.add(permission)
    group.permissions.add(permission)
    user.is_superuser = True
    user.save()
    by_user, by_group, flag = new_since(before)
    assert by_user.action == by_group.action == flag.action == Action.PERMISSION_CHANGE
    assert by_user.details == {"added": ["portal.view_calendarday"]}
    assert by_group.object_type == "auth.group" and by_group.object_repr == "日历管理"
    assert flag.details == {"changes": {"is_superuser": {"from": False, "to": True}}}


def test_a_password_change_is_recorded_without_the_hash(db, user):
    user.set_password("Another-Password-77")
    user.save()
    changed = events(action=Action.PASSWORD_CHANGE)[-1]
    assert changed.object_repr == "wangwu"
    assert_absent_everywhere("Another-Password-77", user.password)


def test_the_last_login_stamp_is_not_an_account_change(client, user):
    before = last_id()
    client.login(username="wangwu", password=PASSWORD)
    assert [e.action for e in new_since(before)] == [Action.LOGIN]


def test_admin_changes_of_configuration_are_recorded(db, user):
    day = CalendarDay.objects.create(day=date(2030, 10, 1), kind="holiday", name="国庆节")
    LogEntry.objects.create(
        user=user, content_type=ContentType.objects.get_for_model(CalendarDay),
        object_id=str(day.pk), object_repr=str(day), action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["名称"]}}]',
    )  # fmt: skip
    change = events(action=Action.CONFIG_CHANGE)[-1]
    assert change.object_type == "portal.calendarday" and change.object_id == str(day.pk)
    assert change.actor_username == "wangwu" and change.details == {"operation": "change"}
    assert "名称" in change.reason


def test_admin_log_entries_of_cases_are_left_to_their_workflow(mailbox, user):
    letter = submit(mailbox)
    before = last_id()
    LogEntry.objects.create(
        user=user, content_type=ContentType.objects.get_for_model(Letter),
        object_id=str(letter.pk), object_repr=str(letter), action_flag=CHANGE, change_message="[]",
    )  # fmt: skip
    assert list(new_since(before)) == []


def test_every_case_step_is_a_workflow_transition_with_its_actor(mailbox, agency):
    from mailbox import services

    letter = submit(mailbox)
    services.letter_accept(letter=letter, by=agency.clerk)
    received, accepted = events(action=Action.WORKFLOW_TRANSITION, object_type="mailbox.letter")[
        -2:
    ]
    assert received.actor_username == "" and received.details["to"] == "received"
    assert accepted.actor_username == "clerk" and accepted.actor_roles == ["信息员"]
    assert accepted.details["from"] == "received" and accepted.details["to"] == "accepted"
    assert accepted.object_id == str(letter.pk) and accepted.object_repr == str(letter)
    assert_absent_everywhere(PHONE, ID_NUMBER, "张三丰")


def test_a_publication_step_is_a_workflow_transition(agency):
    from portal import workflow
    from tests.portal.test_workflow import draft_by

    document = draft_by(agency.clerk)
    workflow.perform(document, step="submit", by=agency.clerk)
    step = events(action=Action.WORKFLOW_TRANSITION)[-1]
    assert step.object_type == "disclosure.document" and step.object_id == str(document.pk)
    assert (step.details["from"], step.details["to"], step.actor_username) == (
        "draft",
        "submitted",
        "clerk",
    )


def test_a_handler_opening_a_letter_is_a_personal_data_view(client, mailbox, agency):
    letter = submit(mailbox)
    client.force_login(agency.clerk)
    assert client.get(reverse("admin:mailbox_letter_change", args=[letter.pk])).status_code == 200
    view = events(action=Action.PERSONAL_DATA_VIEW)[-1]
    assert view.actor_username == "clerk" and view.object_id == str(letter.pk)
    assert "联系电话" in view.details["fields"]
    assert_absent_everywhere(PHONE, ID_NUMBER, SECRET_BODY[:20])


def test_a_supervisor_seeing_the_letter_masked_views_no_personal_data(client, mailbox, agency):
    letter = submit(mailbox)
    client.force_login(agency.supervisor)
    before = last_id()
    assert client.get(reverse("admin:mailbox_letter_change", args=[letter.pk])).status_code == 200
    assert not new_since(before).filter(action=Action.PERSONAL_DATA_VIEW).exists()


def test_a_refused_page_is_recorded_once(client, mailbox, agency):
    client.force_login(staff("nobody", agency.office))
    before = last_id()
    assert client.get(reverse("admin:mailbox_letter_changelist") + f"?q={PHONE}").status_code == 403
    refused = list(new_since(before).filter(action=Action.ACCESS_REFUSED))
    assert len(refused) == 1 and refused[0].actor_username == "nobody"
    assert refused[0].result == Result.FAILURE
    assert_absent_everywhere(PHONE)


def test_an_admin_download_is_recorded_as_an_export(client, mailbox, agency):
    submit(mailbox)
    client.force_login(agency.clerk)
    response = client.get(reverse("admin:mailbox_letter_export", args=["csv"]))
    assert response.status_code == 200
    export = events(action=Action.EXPORT)[-1]
    assert export.actor_username == "clerk" and export.details["filename"].startswith("letters-")
    assert_absent_everywhere(PHONE)


def test_an_admin_import_is_recorded_once(db, user):
    before = last_id()
    post_import.send(sender=None, model=Organization)
    (imported,) = new_since(before)
    assert imported.action == Action.IMPORT and imported.object_type == "portal.organization"


def test_a_form_refused_for_its_missing_csrf_token_is_recorded(db):
    from django.test import Client

    before = last_id()
    response = Client(enforce_csrf_checks=True).post(reverse("admin:login"), {"username": "x"})
    assert response.status_code == 403
    (refused,) = new_since(before).filter(action=Action.ACCESS_REFUSED)
    assert refused.details["path"] == "/admin/login/" and refused.details["method"] == "POST"


def test_a_handler_opening_an_application_is_a_personal_data_view(client, agency):
    from tests.applications.factories import RESIDENT_ID
    from tests.applications.test_admin import change_url, register

    application = register(agency)
    client.force_login(agency.clerk)
    before = last_id()
    assert client.get(change_url(application)).status_code == 200
    (view,) = new_since(before).filter(action=Action.PERSONAL_DATA_VIEW)
    assert view.object_type == "applications.application" and view.object_id == str(application.pk)
    assert view.actor_username == "clerk"
    assert_absent_everywhere(RESIDENT_ID)
    steps = events(action=Action.WORKFLOW_TRANSITION, object_type="applications.application")
    assert steps and steps[-1].actor_username == "clerk"


def test_address_lockouts_and_expired_sessions_from_the_accounts_app(db, user):
    signals = pytest.importorskip("portal.accounts.signals")
    before = last_id()
    signals.ip_locked.send(sender=None, ip="10.0.0.9")
    signals.session_expired.send(sender=None, user=user, reason="idle")
    locked, expired = new_since(before)
    assert (locked.action, locked.object_type, locked.object_id) == ("lockout", "ip", "10.0.0.9")
    assert (expired.action, expired.actor_username, expired.reason) == (
        "logout",
        "wangwu",
        "会话结束：空闲超时",
    )


def test_an_import_export_download_is_recorded_once(client, db):
    from django.test import RequestFactory
    from import_export.signals import post_export

    from portal.audit.context import current_request

    request = RequestFactory().get("/admin/portal/organization/export/")
    request.user = UserFactory(username="exporter", is_staff=True)
    token = current_request.set(request)
    try:
        post_export.send(sender=None, model=Organization)
    finally:
        current_request.reset(token)
    exported = events(action=Action.EXPORT)[-1]
    assert exported.actor_username == "exporter" and exported.object_type == "portal.organization"
    assert request._audit_download_recorded  # the middleware will not record it again


def test_an_expired_session_is_recorded_with_its_source_address(client, user):
    """The audit context is set before the session limits run (settings.MIDDLEWARE)."""
    from portal.accounts.sessions import LAST_SEEN

    client.force_login(user)
    session = client.session
    session[LAST_SEEN] = session.get(LAST_SEEN, 0) - 10 * 24 * 3600
    session.save()
    before = last_id()
    client.get(reverse("admin:index"), REMOTE_ADDR="198.51.100.7")
    (expired,) = new_since(before).filter(action=Action.LOGOUT)
    assert expired.actor_username == "wangwu" and expired.ip == "198.51.100.7"


def test_anonymous_refusals_are_recorded_once_per_address_per_minute(db):
    """A flood of CSRF failures on a public form is not a flood of audit rows (each takes
    the chain's lock); another address, or the next minute, is recorded again."""
    from django.core.cache import cache
    from django.test import Client

    cache.clear()
    client = Client(enforce_csrf_checks=True)
    before = last_id()
    for _ in range(5):
        response = client.post(reverse("admin:login"), {"username": "x"}, REMOTE_ADDR="203.0.113.5")
        assert response.status_code == 403
    client.post(reverse("admin:login"), {"username": "x"}, REMOTE_ADDR="203.0.113.6")
    refused = new_since(before).filter(action=Action.ACCESS_REFUSED)
    assert sorted(refused.values_list("ip", flat=True)) == ["203.0.113.5", "203.0.113.6"]
    cache.clear()  # the minute has passed
    client.post(reverse("admin:login"), {"username": "x"}, REMOTE_ADDR="203.0.113.5")
    assert new_since(before).filter(action=Action.ACCESS_REFUSED).count() == 3
