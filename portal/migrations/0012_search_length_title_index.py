from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("portal", "0011_publication_vocabulary_version")]

    operations = [
        BtreeGinExtension(),
        migrations.RemoveIndex(model_name="searchentry", name="portal_search_title_vector"),
        migrations.AddIndex(
            model_name="searchentry",
            index=GinIndex(
                fields=["title_length", "title_vector"], name="portal_search_length_title"
            ),
        ),
    ]
