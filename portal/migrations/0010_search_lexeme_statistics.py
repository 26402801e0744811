"""PostgreSQL keeps the most common lexemes of the full-text vectors with their shares
(``pg_stats.most_common_elems``); ``portal.search.frequency`` estimates from them how many
entries a query matches, which decides how its newest matches are read. The default
statistics keep only lexemes in about a fifth of all entries; this keeps those down to a
few per cent, below the share where the two ways of reading cost the same."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("portal", "0009_search_table_storage")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE portal_searchentry ALTER COLUMN vector SET STATISTICS 500",
            "ALTER TABLE portal_searchentry ALTER COLUMN vector SET STATISTICS -1",
        )
    ]
