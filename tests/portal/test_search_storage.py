"""How the search table stores its vectors (migration 0013): never compressed, since
character bigrams give the compressor too little to save; the full-text vector out of
the row, the title vector in it."""

import pytest
from django.db import connection

from tests.disclosure.factories import DocumentFactory
from tests.disclosure.test_search import search, titles

pytestmark = pytest.mark.django_db


def test_vectors_are_stored_uncompressed_and_still_found():
    paragraphs = "".join(f"<p>第{n}条 城乡居民最低生活保障标准按季度调整。</p>" for n in range(200))
    DocumentFactory(title="城乡低保标准调整通知", body=paragraphs, published=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = "
            "'portal_searchentry'::regclass AND attname IN ('vector', 'title_vector')"
        )
        assert dict(cursor.fetchall()) == {"vector": "e", "title_vector": "p"}
        cursor.execute(
            "SELECT pg_column_compression(vector), pg_column_compression(title_vector), "
            "pg_column_size(vector) > 1000 FROM portal_searchentry"
        )
        assert cursor.fetchall() == [(None, None, True)]
    assert titles(search(q="季度调整")) == ["城乡低保标准调整通知"]
