import uuid

from django.db import migrations, models


def first_row(apps, schema_editor):
    apps.get_model("portal", "PublicationState").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_workflow_history_append_only")]

    operations = [
        migrations.CreateModel(
            name="PublicationState",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.PositiveBigIntegerField(default=1)),
                ("next_change_at", models.DateTimeField(blank=True, null=True)),
                ("epoch", models.UUIDField(default=uuid.uuid4, editable=False)),
            ],
            options={"verbose_name": "公开内容版本", "verbose_name_plural": "公开内容版本"},
        ),
        migrations.RunPython(first_row, migrations.RunPython.noop),
    ]
