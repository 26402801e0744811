"""The log's escape hatches closed (migration 0003): no TRUNCATE whatever a session sets,
deletes only behind a genuine archive event, and ``verify_audit`` sees rows missing at the
end of the chain and archive files that were replaced."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from portal.audit import record
from portal.audit.archive import archive_before
from portal.audit.chain import row_hash
from portal.audit.models import Action, AuditEvent, ChainHead


@pytest.fixture(autouse=True)
def archive_dir(settings, tmp_path):
    settings.AUDIT_ARCHIVE_DIR = tmp_path / "audit-archive"
    return settings.AUDIT_ARCHIVE_DIR


def three_events():
    return [record(Action.CONFIG_CHANGE, reason=f"第{n}次修改", username="admin") for n in range(3)]


def _insert_by_hand(**details):
    """An ``archive`` event written straight into the table, as a session could."""
    head = AuditEvent.objects.order_by("-id").first()
    fields = {"time": timezone.now(), "actor_username": "", "actor_id": None,
              "actor_roles": [], "ip": "", "action": Action.ARCHIVE, "object_type": "",
              "object_id": "", "object_repr": "", "result": "success", "reason": "",
              "details": details}  # fmt: skip
    event = AuditEvent(previous_hash=head.hash, hash=row_hash(fields, head.hash), **fields)
    event.save(force_insert=True)
    return event


def _delete_with(cursor, archive_event_id, row_id):
    cursor.execute("SELECT set_config('audit.archive_event', %s, true)", [str(archive_event_id)])
    with pytest.raises(DatabaseError, match="审计日志不可"), transaction.atomic():
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [row_id])


@pytest.mark.django_db
@pytest.mark.parametrize("table", ["audit_auditevent", "audit_chainhead"])
def test_truncate_is_refused_whatever_the_session_sets(table):
    three_events()
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_no_truncate")  # as deployed
        cursor.execute("SET LOCAL audit.allow_truncate = 'on'")  # 0002's old escape hatch
        with pytest.raises(DatabaseError, match="不可清空"), transaction.atomic():
            cursor.execute(f"TRUNCATE {table}")
    assert AuditEvent.objects.count() >= 3 and ChainHead.objects.exists()


@pytest.mark.django_db
def test_record_writes_no_archive_event_for_other_callers():
    with pytest.raises(PermissionError):
        record(Action.ARCHIVE, details={"through_id": 10**12, "sha256": "0" * 64})
    assert not AuditEvent.objects.filter(action=Action.ARCHIVE).exists()


@pytest.mark.django_db
def test_a_hand_written_archive_event_without_a_checksum_opens_nothing():
    first = three_events()[0]
    fake = _insert_by_hand(through_id=10**12, through_hash="")
    with connection.cursor() as cursor:
        _delete_with(cursor, fake.pk, first.pk)
    assert AuditEvent.objects.filter(pk=first.pk).exists()


@pytest.mark.django_db
def test_an_archive_event_that_is_not_the_newest_opens_nothing():
    first = three_events()[0]
    older = _insert_by_hand(through_id=10**12, sha256="a" * 64)
    _insert_by_hand(through_id=0, sha256="b" * 64)
    with connection.cursor() as cursor:
        _delete_with(cursor, older.pk, first.pk)
    assert AuditEvent.objects.filter(pk=first.pk).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_archive_event_from_another_transaction_opens_nothing():
    first = three_events()[0]
    fake = _insert_by_hand(through_id=10**12, sha256="a" * 64)  # newest, committed
    with transaction.atomic(), connection.cursor() as cursor:
        _delete_with(cursor, fake.pk, first.pk)
    assert AuditEvent.objects.filter(pk=first.pk).exists()


@pytest.mark.django_db
def test_verify_audit_fails_on_rows_removed_at_the_end():
    first, second, third = three_events()
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM audit_auditevent WHERE id >= %s", [second.pk])
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    with pytest.raises(CommandError, match="末尾的记录被删除") as error:
        call_command("verify_audit")
    assert f"id={third.pk}" in str(error.value)


@pytest.mark.django_db
def test_verify_audit_fails_on_an_emptied_log():
    three_events()
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM audit_auditevent")
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    with pytest.raises(CommandError, match="空表"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_the_head_never_moves_back():
    three_events()
    with pytest.raises(DatabaseError, match="只能前进"), transaction.atomic():
        ChainHead.objects.update(last_id=1)
    with pytest.raises(DatabaseError, match="只能前进"), transaction.atomic():
        ChainHead.objects.all().delete()


@pytest.mark.django_db
def test_verify_audit_checks_archive_files_at_hand_and_warns_for_absent_ones(capsys):
    for n in range(3):
        record(Action.CONFIG_CHANGE, username="admin", reason=f"旧{n}")
    archived = archive_before(before=timezone.now(), now=timezone.now() + timedelta(days=200))
    call_command("verify_audit")
    assert "注意" not in capsys.readouterr().err
    archived.path.write_bytes(archived.path.read_bytes() + b"\0")
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("verify_audit")
    archived.path.unlink()  # moved off the host: a warning, not a failure
    call_command("verify_audit")
    captured = capsys.readouterr()
    assert "审计日志完整" in captured.out and archived.path.name in captured.err
