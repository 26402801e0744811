"""Retention of at least 180 days, then archives that keep the chain: never a silent delete."""

import gzip
import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from portal.audit import record
from portal.audit.archive import archive_before, verify_archive
from portal.audit.checks import audit_settings
from portal.audit.models import Action, AuditEvent
from portal.audit.verification import verify_table


@pytest.fixture(autouse=True)
def archive_dir(settings, tmp_path):
    settings.AUDIT_ARCHIVE_DIR = tmp_path / "audit-archive"
    return settings.AUDIT_ARCHIVE_DIR


@pytest.mark.parametrize(("days", "refused"), [(179, True), (30, True), (180, False), (365, False)])
def test_a_retention_below_180_days_is_refused(settings, days, refused):
    settings.AUDIT_RETENTION_DAYS = days
    assert bool([e for e in audit_settings() if e.id == "audit.E001"]) is refused


def test_trusted_proxies_must_be_addresses(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "proxy.example"]
    assert [e.id for e in audit_settings()] == ["audit.E002"]


@pytest.mark.django_db
def test_rows_within_the_retention_are_never_archived():
    record(Action.CONFIG_CHANGE, username="admin")
    with pytest.raises(ValidationError, match="保留期"):
        archive_before(before=timezone.now())
    with pytest.raises(CommandError, match="保留期"):
        call_command("archive_audit", "--before", f"{timezone.localdate():%Y-%m-%d}")


@pytest.mark.django_db
def test_archiving_moves_old_rows_to_a_verified_file_and_keeps_the_chain(archive_dir):
    old = [record(Action.CONFIG_CHANGE, username="admin", reason=f"旧{n}") for n in range(3)]
    later = timezone.now() + timedelta(days=200)  # the old rows are now past retention
    archived = archive_before(before=old[-1].time + timedelta(microseconds=1), now=later)
    assert archived.count >= 3 and archived.path.parent == archive_dir
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    # The file holds the rows with their hashes; its chain verifies on its own.
    lines = [json.loads(line) for line in gzip.open(archived.path, "rt", encoding="utf-8")]
    assert [line["hash"] for line in lines][-3:] == [e.hash for e in old]
    assert verify_archive(archived.path) == (archived.count, old[-1].hash)
    # The archive event records the file's checksum and the boundary, in the chain.
    event = archived.event
    assert event.action == Action.ARCHIVE and event.details["sha256"] == archived.sha256
    assert event.details["through_hash"] == old[-1].hash and event.previous_hash == old[-1].hash
    # The remaining table starts at the boundary and still verifies; new rows chain on.
    record(Action.LOGIN, username="admin")
    outcome = verify_table()
    assert outcome.intact and outcome.count == AuditEvent.objects.count()


@pytest.mark.django_db
def test_a_tampered_archive_file_fails_verification():
    for n in range(3):
        record(Action.CONFIG_CHANGE, username="admin", reason=f"旧{n}")
    archived = archive_before(before=timezone.now(), now=timezone.now() + timedelta(days=200))
    lines = gzip.open(archived.path, "rt", encoding="utf-8").read().splitlines()
    row = json.loads(lines[1])
    row["reason"] = "改过"
    lines[1] = json.dumps(row, ensure_ascii=False)
    with gzip.open(archived.path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    with pytest.raises(ValidationError, match="断开"):
        verify_archive(archived.path)


@pytest.mark.django_db
def test_removing_the_first_rows_after_an_archive_is_still_detected():
    from django.db import connection

    for n in range(3):
        record(Action.CONFIG_CHANGE, username="admin", reason=f"旧{n}")
    archive_before(before=timezone.now(), now=timezone.now() + timedelta(days=200))
    first = AuditEvent.objects.order_by("id").first()
    record(Action.LOGIN, username="admin")
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [first.pk])
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    with pytest.raises(CommandError, match="链接断开"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_the_command_says_when_there_is_nothing_to_archive(capsys):
    call_command("archive_audit", "--before", "2000-01-01")
    assert "没有需要归档" in capsys.readouterr().out
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("archive_audit", "--before", "yesterday")


@pytest.mark.django_db
def test_the_archive_path_deletes_nothing_past_its_boundary():
    from django.db import DatabaseError, connection, transaction

    for n in range(2):
        record(Action.CONFIG_CHANGE, username="admin", reason=f"旧{n}")
    archived = archive_before(before=timezone.now(), now=timezone.now() + timedelta(days=200))
    newer = record(Action.LOGIN, username="admin")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('audit.archive_event', %s, true)", [str(archived.event.pk)]
        )
        for pk in (newer.pk, archived.event.pk):
            with pytest.raises(DatabaseError, match="审计日志不可"), transaction.atomic():
                cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [pk])
    assert AuditEvent.objects.filter(pk__in=[newer.pk, archived.event.pk]).count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_writing_the_archive_file_does_not_hold_the_chains_lock(monkeypatch):
    """Audited actions go on while the file is written: only the final re-check, event and
    delete take the lock every writer waits for."""
    import threading

    from django.db import connections

    from portal.audit import archive
    from portal.audit.recorder import CHAIN_LOCK

    for n in range(3):
        record(Action.CONFIG_CHANGE, username="admin", reason=f"旧{n}")
    seen = []
    write = archive._write

    def write_and_try_the_lock(rows, *, now):
        def other_writer():
            try:
                with connections["default"].cursor() as cursor:
                    cursor.execute("SELECT pg_try_advisory_lock(%s)", [CHAIN_LOCK])
                    seen.append(cursor.fetchone()[0])
                    cursor.execute("SELECT pg_advisory_unlock_all()")
            finally:
                connections.close_all()

        thread = threading.Thread(target=other_writer)
        thread.start()
        thread.join()
        return write(rows, now=now)

    monkeypatch.setattr(archive, "_write", write_and_try_the_lock)
    archived = archive_before(before=timezone.now(), now=timezone.now() + timedelta(days=200))
    assert seen == [True] and archived.count >= 3
    assert verify_table().intact


@pytest.mark.django_db
def test_an_archive_overtaken_by_another_deletes_nothing_and_keeps_no_file(
    monkeypatch, archive_dir
):
    """The rows are written without the lock: if another archive removed them meanwhile,
    the re-check under the lock refuses, and the chain still verifies."""
    from portal.audit import archive

    for n in range(3):
        record(Action.CONFIG_CHANGE, username="admin", reason=f"旧{n}")
    later = timezone.now() + timedelta(days=200)
    write, overtaken = archive._write, []

    def write_after_another_archive(rows, *, now):
        if overtaken:  # the other archive's own file
            return write(rows, now=now)
        overtaken.append(None)
        overtaken[0] = archive_before(before=timezone.now(), now=later)
        return write(rows, now=now - timedelta(seconds=1))  # a name of its own

    monkeypatch.setattr(archive, "_write", write_after_another_archive)
    with pytest.raises(ValidationError, match="另一次归档"):
        archive_before(before=timezone.now(), now=later)
    assert [path.name for path in archive_dir.iterdir()] == [overtaken[0].path.name]
    assert AuditEvent.objects.filter(action=Action.ARCHIVE).count() == 1
    assert verify_table().intact
