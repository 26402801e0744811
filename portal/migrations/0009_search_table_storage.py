"""Keep the search table's rows narrow: the full-text vectors (large) are stored apart,
the title vectors (small, tested row by row when the ranked head is walked) stay in the
row. A search reads the rows of every match; narrow rows make that a third of the pages.
Rows written before this take the new layout when ``rebuild_search_index`` rewrites them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("portal", "0008_search_coverage_and_facet_counts")]

    operations = [
        migrations.RunSQL(
            [
                "ALTER TABLE portal_searchentry SET (toast_tuple_target = 128)",
                "ALTER TABLE portal_searchentry ALTER COLUMN title_vector SET STORAGE MAIN",
            ],
            [
                "ALTER TABLE portal_searchentry RESET (toast_tuple_target)",
                "ALTER TABLE portal_searchentry ALTER COLUMN title_vector SET STORAGE EXTENDED",
            ],
        )
    ]
