"""A task's history is append-only in the database too, as the workflow's is
(portal 0003): ``QuerySet.update()``/``delete()`` and raw SQL cannot rewrite it."""

from django.db import migrations

FORBID = """
CREATE FUNCTION plans_taskevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '任务记录不可修改或删除 (plans_taskevent is append-only)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER plans_taskevent_append_only
    BEFORE UPDATE OR DELETE ON plans_taskevent
    FOR EACH ROW EXECUTE FUNCTION plans_taskevent_append_only();
"""
ALLOW = """
DROP TRIGGER IF EXISTS plans_taskevent_append_only ON plans_taskevent;
DROP FUNCTION IF EXISTS plans_taskevent_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [migrations.RunSQL(FORBID, ALLOW)]
