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


@pytest.mark.parametrize(
    "matches, others, way",
    [
        (3, 3, "interval"),  # few: collected from the text index and sorted
        (40, 3, '"published_at" >='),  # many: collected from the newest entries only
        (40, 60, "ts_match_vq"),  # the newest entries hold too few: walked newest first
    ],
)
def test_every_way_of_reading_gives_the_same_results(monkeypatch, matches, others, way):
    """3 matches are collected from the text index and sorted (the order written so the
    date index cannot give it); 40 are collected from the window of newest entries that
    should hold the wanted ones; when 60 newer entries push them out of that window they
    are walked newest first (the test written so the text index cannot answer it). Either
    way the page is the one relevance order gives."""
    monkeypatch.setattr(search_query, "COUNT_CAP", 5)
    monkeypatch.setattr(frequency, "walking_is_cheaper", lambda n, wanted: n > 10)
    documents = [
        DocumentFactory(
            title=f"信箱办理情况{n}", written_on=date(2025, 1, n % 28 + 1), published=True
        )  # fmt: skip
        for n in range(1, matches + 1)
    ]
    DocumentFactory.create_batch(  # newer than every match
        others, title="其他通知", written_on=date(2025, 6, 1), published=True
    )
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


def test_some_title_matches_are_ranked_length_by_length_as_collecting_all_would(monkeypatch):
    """A word in a few of the titles among many matches: the head is read title length by
    title length, shortest first, and comes out as sorting every title match would."""
    monkeypatch.setattr(search_query, "COUNT_CAP", 5)
    body_only = DocumentFactory.create_batch(  # the newest matches, the word in the body
        12, title="其他通知", body="<p>信箱办理情况说明</p>", written_on=date(2025, 6, 1),
        published=True,
    )  # fmt: skip
    titled = [
        DocumentFactory(title=title, written_on=written_on, published=True)
        for title, written_on in [
            ("关于信箱办理的通知", date(2024, 3, 1)),
            ("信箱办理", date(2024, 3, 2)),
            ("信箱办理情况通报", date(2024, 3, 3)),
            ("信箱办理", date(2024, 3, 4)),
            ("关于信箱办理", date(2025, 7, 1)),  # the newest match: one title in five
        ]
    ]
    analyze()
    with CaptureQueriesContext(connection) as queries:
        response = search(q="信箱办理")
    assert any("WITH RECURSIVE lengths" in q["sql"] for q in queries.captured_queries)
    by_coverage = sorted(titled, key=lambda d: (len(d.title), -d.published_at.timestamp()))
    shown = titles(response)
    assert shown[: len(titled)] == [document.title for document in by_coverage]
    assert len(shown) == min(20, len(titled) + len(body_only))
