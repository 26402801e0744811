"""The audit log is append-only in the database (GB/T 22239-2019 8.1.4.3 c): UPDATE,
DELETE and TRUNCATE are refused below the ORM. The one way out is archiving
(``manage.py archive_audit``): in its transaction it first records an ``archive`` event
naming the last archived row, then sets ``audit.archive_event`` to that event's id; a
DELETE passes only for rows up to that boundary, older than the event, and only while
that setting (transaction-local) names a successful archive event. TRUNCATE passes
only on a connection that set ``audit.allow_truncate`` (the tests' flush, by the setting
``AUDIT_ALLOW_TRUNCATE_FOR_TESTS``, which ``check --deploy`` refuses)."""

from django.db import migrations

FORBID = """
CREATE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
DECLARE
    archive_event text := current_setting('audit.archive_event', true);
BEGIN
    IF TG_OP = 'DELETE' AND coalesce(archive_event, '') <> '' AND EXISTS (
        SELECT 1 FROM audit_auditevent archive
        WHERE archive.id = archive_event::bigint
          AND archive.action = 'archive' AND archive.result = 'success'
          AND OLD.id < archive.id
          AND OLD.id <= (archive.details ->> 'through_id')::bigint
    ) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '审计日志不可修改或删除 (audit_auditevent is append-only)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditevent_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();

CREATE FUNCTION audit_auditevent_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('audit.allow_truncate', true) = 'on' THEN
        RETURN NULL;  -- the test suite's flush between transactional tests only
    END IF;
    RAISE EXCEPTION '审计日志不可清空 (audit_auditevent is append-only)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditevent_no_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_no_truncate();
"""
ALLOW = """
DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_no_truncate();
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_event")]

    operations = [migrations.RunSQL(FORBID, ALLOW)]
