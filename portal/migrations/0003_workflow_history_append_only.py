"""The workflow history is append-only in the database too, not only in the model:
``QuerySet.update()``/``delete()`` and raw SQL cannot rewrite it."""

from django.db import migrations

FORBID = """
CREATE FUNCTION portal_workflowevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '流程记录不可修改或删除 (portal_workflowevent is append-only)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER portal_workflowevent_append_only
    BEFORE UPDATE OR DELETE ON portal_workflowevent
    FOR EACH ROW EXECUTE FUNCTION portal_workflowevent_append_only();
"""
ALLOW = """
DROP TRIGGER IF EXISTS portal_workflowevent_append_only ON portal_workflowevent;
DROP FUNCTION IF EXISTS portal_workflowevent_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_seed_calendar")]

    operations = [migrations.RunSQL(FORBID, ALLOW)]
