"""Search vectors are never compressed: a vector of character bigrams has too few repeats
for PostgreSQL's compressor to save the quarter it requires, so every row of the index
paid for an attempt that failed (none of 100,000 generated entries was stored
compressed; the compressor alone was 7 % of the server's time in an import of 10,000
rows, sampled with perf). The full-text vector still goes out of line (EXTERNAL), the title
vector still stays in the row (PLAIN: at most 256 positions, well inside a page)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("portal", "0012_search_length_title_index")]

    operations = [
        migrations.RunSQL(
            [
                "ALTER TABLE portal_searchentry ALTER COLUMN vector SET STORAGE EXTERNAL",
                "ALTER TABLE portal_searchentry ALTER COLUMN title_vector SET STORAGE PLAIN",
            ],
            [
                "ALTER TABLE portal_searchentry ALTER COLUMN vector SET STORAGE EXTENDED",
                "ALTER TABLE portal_searchentry ALTER COLUMN title_vector SET STORAGE MAIN",
            ],
        )
    ]
