"""The audit log itself: append-only in the database, hash-chained, verified by
``manage.py verify_audit``, one chain under concurrent writers."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from portal.audit import record
from portal.audit.models import Action, AuditEvent
from portal.audit.verification import verify_table


def three_events():
    return [record(Action.CONFIG_CHANGE, reason=f"第{n}次修改", username="admin") for n in range(3)]


@pytest.mark.django_db
def test_rows_are_chained_to_the_one_before():
    first, second, third = three_events()
    assert second.previous_hash == first.hash and third.previous_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET reason = 'rewritten'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
    ],
)
def test_the_database_refuses_to_change_or_remove_rows(statement):
    three_events()
    count = AuditEvent.objects.count()
    with connection.cursor() as cursor:
        # As in production: the test database's flush turns the TRUNCATE trigger off, and
        # 0002's old escape hatch no longer opens it.
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_no_truncate")
        cursor.execute("SET LOCAL audit.allow_truncate = 'on'")
        with pytest.raises(DatabaseError, match="审计日志不可"), transaction.atomic():
            cursor.execute(statement)
    assert AuditEvent.objects.count() == count
    assert not AuditEvent.objects.filter(reason="rewritten").exists()


@pytest.mark.django_db
def test_the_orm_refuses_too():
    event = three_events()[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(ValidationError):
        event.delete()


@pytest.mark.django_db
def test_a_delete_naming_a_fake_archive_event_is_refused():
    events = three_events()
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('audit.archive_event', %s, true)", [str(events[2].pk)])
        with pytest.raises(DatabaseError, match="审计日志不可"), transaction.atomic():
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[0].pk])


@pytest.mark.django_db
def test_verify_audit_reports_an_intact_log(capsys):
    three_events()
    call_command("verify_audit")
    assert f"审计日志完整：{AuditEvent.objects.count()} 条" in capsys.readouterr().out


def _tamper(sql, params):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


@pytest.mark.django_db
def test_verify_audit_finds_a_row_changed_behind_the_triggers_back():
    first, second, third = three_events()
    _tamper("UPDATE audit_auditevent SET reason = '无事发生' WHERE id = %s", [second.pk])
    with pytest.raises(CommandError, match=f"id={second.pk}") as error:
        call_command("verify_audit")
    assert "被修改" in str(error.value)


@pytest.mark.django_db
def test_verify_audit_finds_a_rehashed_row_by_its_broken_link():
    first, second, third = three_events()
    from portal.audit.chain import row_hash

    second.reason = "无事发生"
    new_hash = row_hash(second.hashed_fields(), second.previous_hash)
    _tamper("UPDATE audit_auditevent SET reason = %s, hash = %s WHERE id = %s",
            ["无事发生", new_hash, second.pk])  # fmt: skip
    with pytest.raises(CommandError, match=f"id={third.pk}"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_verify_audit_finds_a_deleted_middle_row():
    first, second, third = three_events()
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [second.pk])
    with pytest.raises(CommandError, match=f"id={third.pk}") as error:
        call_command("verify_audit")
    assert "链接断开" in str(error.value)


@pytest.mark.django_db
def test_a_personal_data_text_is_masked_before_it_is_stored():
    event = record(Action.CONFIG_CHANGE, username="admin",
                   reason="电话13812345678，身份证号500101199001011234",
                   details={"note": "联系人张三丰 13812345678", "password": "hunter2-secret",
                            "otp_code": "123456"})  # fmt: skip
    stored = AuditEvent.objects.filter(pk=event.pk).values().get()
    text = str(stored)
    for secret in ("13812345678", "500101199001011234", "hunter2-secret", "123456", "张三丰"):
        assert secret not in text
    assert "【电话】" in stored["reason"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writers_keep_one_chain():
    writers, per_writer = 4, 5
    barrier = threading.Barrier(writers)
    errors = []

    def write(n):
        try:
            barrier.wait()
            for i in range(per_writer):
                with transaction.atomic():
                    record(Action.CONFIG_CHANGE, username=f"writer{n}", reason=f"{i}")
        except Exception as error:  # reported below: a thread cannot fail the test itself
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = list(AuditEvent.objects.filter(actor_username__startswith="writer").order_by("id"))
    assert len(rows) == writers * per_writer
    outcome = verify_table()
    assert outcome.intact and outcome.count == AuditEvent.objects.count()
    previous = [row.previous_hash for row in AuditEvent.objects.all()]
    assert len(previous) == len(set(previous))  # no two rows link to the same head


@pytest.mark.django_db
@hypothesis_settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(text=st.text(max_size=80), key=st.text(max_size=10))
def test_any_text_is_stored_masked_and_still_verifies(text, key):
    event = record(Action.LOGIN_FAILED, username=text, reason=text, object_repr=text,
                   details={key: text, "list": [text]})  # fmt: skip
    stored = AuditEvent.objects.get(pk=event.pk)
    assert "\x00" not in stored.reason + stored.actor_username
    assert stored.hash == event.hash
    assert verify_table().intact
