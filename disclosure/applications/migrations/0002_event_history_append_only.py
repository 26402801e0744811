"""An application's timeline is append-only in the database too, as the workflow's and the
mailbox's are (portal 0003, mailbox 0002): ``QuerySet.update()``/``delete()`` and raw SQL
cannot rewrite it (条例 Art 45: the register chain keeps an audit trail)."""

from django.db import migrations

FORBID = """
CREATE FUNCTION applications_applicationevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '办理记录不可修改或删除 (applications_applicationevent is append-only)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER applications_applicationevent_append_only
    BEFORE UPDATE OR DELETE ON applications_applicationevent
    FOR EACH ROW EXECUTE FUNCTION applications_applicationevent_append_only();
"""
ALLOW = """
DROP TRIGGER IF EXISTS applications_applicationevent_append_only ON applications_applicationevent;
DROP FUNCTION IF EXISTS applications_applicationevent_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_initial")]

    operations = [migrations.RunSQL(FORBID, ALLOW)]
