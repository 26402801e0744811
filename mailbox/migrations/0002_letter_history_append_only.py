"""A letter's handling history is append-only in the database too, as the workflow's is
(portal 0003): ``QuerySet.update()``/``delete()`` and raw SQL cannot rewrite it."""

from django.db import migrations

FORBID = """
CREATE FUNCTION mailbox_letterevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '办理记录不可修改或删除 (mailbox_letterevent is append-only)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER mailbox_letterevent_append_only
    BEFORE UPDATE OR DELETE ON mailbox_letterevent
    FOR EACH ROW EXECUTE FUNCTION mailbox_letterevent_append_only();
"""
ALLOW = """
DROP TRIGGER IF EXISTS mailbox_letterevent_append_only ON mailbox_letterevent;
DROP FUNCTION IF EXISTS mailbox_letterevent_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("mailbox", "0001_initial")]

    operations = [migrations.RunSQL(FORBID, ALLOW)]
