"""Closing migration 0002's escape hatches (GB/T 22239-2019 8.1.4.3 c).

- TRUNCATE of the log is always refused: 0002 let any session that set the custom
  setting ``audit.allow_truncate`` empty it. (The test suite's flush disables the
  triggers as the test database's owner instead, in ``tests/conftest.py``.)
- A DELETE passes only for rows up to the boundary of a *sealed* archive event: the one
  named in ``audit.archive_event`` must be the newest ``archive`` event, carry the
  archive file's SHA-256 and have been inserted by the deleting transaction itself (its
  ``xmin`` is still in progress, which only our own transaction's rows can be while we
  see them). ``record()`` writes such an event only for ``portal.audit.archive``.
- ``audit_chainhead`` holds the chain's last id and hash, moved forward by every insert
  in the same transaction and never back; it cannot be deleted or emptied. Rows removed
  at the end of the log leave the chain short of it, which ``verify_audit`` reports.

What remains: an owner of the database can drop or disable triggers, and a session can
insert a well-formed archive event by hand in its own transaction. The hash chain, the
head and the archive files' checksums (``verify_audit``) are the defence there: such a
removal is detected, not prevented.
"""

from django.db import migrations, models

SEAL = r"""
DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_no_truncate();
CREATE FUNCTION audit_auditevent_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '审计日志不可清空 (audit_auditevent is append-only)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditevent_no_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_no_truncate();

CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
DECLARE
    archive_event text := current_setting('audit.archive_event', true);
    current_xid bigint;
BEGIN
    IF TG_OP = 'DELETE' AND coalesce(archive_event, '') ~ '^[0-9]{1,18}$' THEN
        current_xid := pg_current_xact_id()::text::bigint;
        IF EXISTS (
            SELECT 1 FROM audit_auditevent archive
            WHERE archive.id = archive_event::bigint
              AND archive.action = 'archive' AND archive.result = 'success'
              AND coalesce(archive.details ->> 'sha256', '') ~ '^[0-9a-f]{64}$'
              AND OLD.id < archive.id
              AND OLD.id <= (archive.details ->> 'through_id')::bigint
              AND NOT EXISTS (SELECT 1 FROM audit_auditevent newer
                              WHERE newer.action = 'archive' AND newer.id > archive.id)
              -- inserted by this very transaction (or one of its savepoints): a row we
              -- see whose inserter is still running can only be ours. (xmin is 32 bits:
              -- put the current epoch above it; at a wraparound this fails closed.)
              AND pg_xact_status(((current_xid >> 32 << 32)
                                  | archive.xmin::text::bigint)::text::xid8) = 'in progress'
        ) THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION '审计日志不可修改或删除 (audit_auditevent is append-only)';
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION audit_chainhead_advance() RETURNS trigger AS $$
BEGIN
    INSERT INTO audit_chainhead (id, last_id, last_hash) VALUES (1, NEW.id, NEW.hash)
    ON CONFLICT (id) DO UPDATE SET last_id = EXCLUDED.last_id, last_hash = EXCLUDED.last_hash;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_chainhead_advance AFTER INSERT ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_chainhead_advance();

CREATE FUNCTION audit_chainhead_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.last_id > OLD.last_id THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' AND NEW.id = 1 THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '审计日志链头只能前进 (audit_chainhead moves forward only)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_chainhead_forward_only BEFORE INSERT OR UPDATE OR DELETE ON audit_chainhead
    FOR EACH ROW EXECUTE FUNCTION audit_chainhead_forward_only();
CREATE FUNCTION audit_chainhead_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '审计日志链头不可清空 (audit_chainhead is forward-only)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_chainhead_no_truncate BEFORE TRUNCATE ON audit_chainhead
    FOR EACH STATEMENT EXECUTE FUNCTION audit_chainhead_no_truncate();

INSERT INTO audit_chainhead (id, last_id, last_hash)
    SELECT 1, id, hash FROM audit_auditevent ORDER BY id DESC LIMIT 1;
"""

UNSEAL = """
DROP TRIGGER IF EXISTS audit_chainhead_no_truncate ON audit_chainhead;
DROP FUNCTION IF EXISTS audit_chainhead_no_truncate();
DROP TRIGGER IF EXISTS audit_chainhead_forward_only ON audit_chainhead;
DROP FUNCTION IF EXISTS audit_chainhead_forward_only();
DROP TRIGGER IF EXISTS audit_chainhead_advance ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_chainhead_advance();
"""  # 0002's functions come back when 0002 itself is unapplied; the sealed ones stay until then


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("last_id", models.BigIntegerField(verbose_name="最后一条编号")),
                ("last_hash", models.CharField(max_length=64, verbose_name="最后一条哈希")),
            ],
            options={"verbose_name": "审计日志链头", "verbose_name_plural": "审计日志链头",
                     "default_permissions": ()},
        ),  # fmt: skip
        migrations.RunSQL(SEAL, UNSEAL),
    ]
