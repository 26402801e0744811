"""portal.search.frequency: match counts estimated from PostgreSQL's lexeme statistics,
and the way of reading the newest matches chosen from them."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal import publication
from portal.search import frequency
from portal.search import query as search_query
from tests.disclosure.factories import DocumentFactory
from tests.disclosure.test_search import search, titles

pytestmark = pytest.mark.django_db


def analyze():
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE portal_searchentry")
    publication.reset_process_caches()


def test_a_word_s_bigrams_count_as_often_as_the_rarest_not_as_their_product():
    DocumentFactory.create_batch(12, title="市长信箱来信选登", published=True)
    DocumentFactory.create_batch(8, title="城乡低保标准调整", published=True)
    analyze()
    # 市长, 长信, 信箱 are each in 12 of 20 entries, and always together.
    assert frequency.estimated_matches(["市长", "长信", "信箱"]) == 12
    assert frequency.estimated_matches(["低保", "市长"]) == 8  # at most the rarer


def test_a_token_the_statistics_do_not_hold_gives_no_estimate():
    DocumentFactory.create_batch(5, title="城乡低保标准调整", published=True)
    analyze()
    assert frequency.estimated_matches(["殡葬"]) is None
    assert frequency.estimated_matches(["低"]) is None  # a prefix: every lexeme it starts
    assert frequency.estimated_matches([]) is None


def test_walking_pays_above_the_square_root_of_twice_the_rows_wanted_times_all(monkeypatch):
    monkeypatch.setattr(frequency, "lexeme_shares", lambda: ({}, 100_000))
    assert frequency.walking_is_cheaper(10_100, wanted=501)
    assert not frequency.walking_is_cheaper(9_900, wanted=501)
    assert not frequency.walking_is_cheaper(6_600, wanted=501)  # where the planner walks


@pytest.mark.parametrize("matches, way", [(3, "interval"), (40, "ts_match_vq")])
def test_both_ways_of_reading_give_the_same_results(monkeypatch, matches, way):
    """3 matches are collected from the text index and sorted (the order written so the
    date index cannot give it); 40 are walked newest first (the test written so the text
    index cannot answer it). Either way the page is the one relevance order gives."""
    monkeypatch.setattr(search_query, "COUNT_CAP", 5)
    monkeypatch.setattr(frequency, "walking_is_cheaper", lambda n, wanted: n > 10)
    documents = [
        DocumentFactory(
            title=f"信箱办理情况{n}", written_on=date(2025, 1, n % 28 + 1), published=True
        )  # fmt: skip
        for n in range(1, matches + 1)
    ]
    DocumentFactory.create_batch(3, title="其他通知", published=True)
    analyze()
    with CaptureQueriesContext(connection) as queries:
        response = search(q="信箱办理")
    assert any(way in query["sql"] for query in queries.captured_queries)
    expected = sorted(documents, key=lambda d: (len(d.title), -d.published_at.timestamp(), -d.pk))
    assert titles(response) == [document.title for document in expected[:20]]


def test_beyond_the_cap_a_common_phrase_is_counted_from_its_rarest_bigram(monkeypatch):
    monkeypatch.setattr(search_query, "COUNT_CAP", 5)
    DocumentFactory.create_batch(30, title="市长信箱 局长信箱 来信选登", published=True)
    DocumentFactory.create_batch(10, title="其他通知", published=True)
    analyze()
    outcome = search(q="市长信箱 局长信箱").context["search"]
    # The planner multiplies five bigrams' shares (0.75⁵ of 40, about 10); the rarest
    # bigram says 30.
    assert outcome.total_is_estimate and outcome.total == 30
