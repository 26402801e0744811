from django.db import migrations, models
from django.utils import timezone


def mark_legacy_numbers(apps, schema_editor):
    """Numbers imported before the flag existed that do not follow the pattern are legacy."""
    from disclosure.metadata_rules import index_number_error

    Document = apps.get_model("disclosure", "Document")
    today = timezone.localdate()
    legacy = [
        pk
        for pk, number in Document.objects.values_list("pk", "index_number").iterator()
        if index_number_error(number, today=today)
    ]
    Document.objects.filter(pk__in=legacy).update(has_legacy_index_number=True)


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0005_plain_text_fields"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="has_legacy_index_number",
            field=models.BooleanField(
                default=False,
                help_text="原目录中格式不同的索引号：勾选后原样保留，不按本站格式校验。",
                verbose_name="历史索引号",
            ),
        ),
        migrations.RunPython(mark_legacy_numbers, migrations.RunPython.noop),
    ]
