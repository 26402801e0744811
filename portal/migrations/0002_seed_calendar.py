from django.db import migrations


def seed(apps, schema_editor):
    from portal.holiday_source import sync_calendar

    sync_calendar(apps.get_model("portal", "CalendarDay"))


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
