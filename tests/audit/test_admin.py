"""The audit log in the admin: for holders of audit.view_auditevent, read-only for all,
exported (formulas neutralised) only with audit.export_auditevent, and each export audited."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from portal.audit import record
from portal.audit.models import Action, AuditEvent
from tests.audit.conftest import events
from tests.portal.factories import UserFactory

CHANGELIST = reverse("admin:audit_auditevent_changelist")


def user_with(*codenames, **fields):
    user = UserFactory(is_staff=True, **fields)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="audit",
                                                        codename__in=codenames))  # fmt: skip
    return user


@pytest.fixture
def auditor(db):
    return user_with("view_auditevent", "export_auditevent", username="auditor")


@pytest.fixture
def tampering_row(db):
    return record(Action.CONFIG_CHANGE, username="admin", reason='=HYPERLINK("http://x")')


def test_the_auditor_searches_and_filters(client, auditor, tampering_row):
    client.force_login(auditor)
    assert client.get(CHANGELIST).status_code == 200
    assert (
        client.get(
            CHANGELIST + "?q=admin&action__exact=config_change&result__exact=success"
        ).status_code
        == 200
    )
    assert (
        client.get(reverse("admin:audit_auditevent_change", args=[tampering_row.pk])).status_code
        == 200
    )


def test_staff_without_the_view_permission_are_refused(client, db):
    client.force_login(user_with(username="sysadmin"))
    assert client.get(CHANGELIST).status_code == 403


@pytest.mark.parametrize("superuser", [False, True])
def test_nobody_adds_changes_or_deletes_a_row_in_the_admin(
    client, auditor, tampering_row, superuser
):
    user = UserFactory(username="root", is_staff=True, is_superuser=True) if superuser else auditor
    client.force_login(user)
    pk = tampering_row.pk
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_delete", args=[pk])).status_code == 403
    response = client.post(reverse("admin:audit_auditevent_change", args=[pk]), {"reason": "x"})
    assert response.status_code == 403
    response = client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [pk]})
    assert AuditEvent.objects.filter(pk=pk, reason=tampering_row.reason).exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_is_audited_and_neutralises_formulas(client, auditor, tampering_row, fmt):
    client.force_login(auditor)
    response = client.get(reverse("admin:audit_auditevent_export", args=[fmt]) + "?q=HYPERLINK")
    assert response.status_code == 200
    exported = events(action=Action.AUDIT_EXPORT)[-1]
    assert exported.actor_username == "auditor" and exported.details["count"] == 1
    assert exported.details["format"] == fmt
    assert not events(action=Action.EXPORT)  # recorded once, as an audit export
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    else:
        import io

        import openpyxl

        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        values = [cell.value for row in sheet.iter_rows() for cell in row]
        assert '\'=HYPERLINK("http://x")' in values


def test_the_export_action_is_audited_too(client, auditor, tampering_row):
    client.force_login(auditor)
    response = client.post(
        CHANGELIST, {"action": "export_csv", "_selected_action": [tampering_row.pk]}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert events(action=Action.AUDIT_EXPORT)[-1].details["filter"] == "所选记录"


def test_viewing_without_the_export_permission_shows_no_export(client, tampering_row):
    client.force_login(user_with("view_auditevent", username="reader"))
    page = client.get(CHANGELIST).content.decode()
    assert "导出筛选结果" not in page and "export_csv" not in page
    assert client.get(reverse("admin:audit_auditevent_export", args=["csv"])).status_code == 403
    assert not events(action=Action.AUDIT_EXPORT)
    assert events(action=Action.ACCESS_REFUSED)[-1].actor_username == "reader"


@pytest.mark.parametrize(
    ("role", "status"), [("审计管理员", 200), ("系统管理员", 403), ("安全管理员", 403)]
)
def test_only_the_audit_administrator_role_reads_the_log(client, db, role, status):
    from django.contrib.auth.models import Group

    group = Group.objects.get(name=role)  # created by portal.roles' migration
    user = UserFactory(username=f"holder-{status}", is_staff=True)
    user.groups.add(group)
    client.force_login(user)
    assert client.get(CHANGELIST).status_code == status
