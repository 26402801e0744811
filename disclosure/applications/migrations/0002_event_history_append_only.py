"""An application's timeline is append-only in the database too, as the workflow's and the
mailbox's are (portal 0003, mailbox 0002): ``QuerySet.update()``/``delete()`` and raw SQL
cannot rewrite it (条例 Art 45: the register chain keeps an audit trail)."""

from django.db import migrations

from portal.migration_operations import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_initial")]

    operations = [
        append_only_trigger("applications_applicationevent", "办理记录不可修改或删除"),
    ]
