"""The search index and the popular-search counts move to the portal, shared by every
kind of public content; the rows are copied as they are (no re-indexing needed)."""

from django.db import migrations

COPY = """
INSERT INTO portal_searchentry
    (kind, object_id, title, url, published_at, organization_id, category_id, genre_id,
     validity, document_number, vector, title_vector)
SELECT kind, object_id, title, url, published_at, organization_id, category_id, genre_id,
       validity, document_number, vector, title_vector
FROM disclosure_searchentry;
INSERT INTO portal_searchterm (day, query, count)
SELECT day, query, count FROM disclosure_searchterm;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0008_publication_contract"),
        ("portal", "0007_search_index_shared"),
    ]

    operations = [
        migrations.RunSQL(COPY, migrations.RunSQL.noop),
        migrations.DeleteModel(name="SearchEntry"),
        migrations.DeleteModel(name="SearchTerm"),
    ]
