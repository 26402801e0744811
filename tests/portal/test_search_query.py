"""portal.search.query and .results: title matches ranked over all matches, every match
reachable by paging, facet counts exact below the cap and every year offered beyond it."""

from datetime import date

import pytest

from portal.search import query as search_query
from tests.disclosure.factories import DocumentFactory
from tests.disclosure.test_search import search, titles

pytestmark = pytest.mark.django_db


def test_a_title_the_query_covers_outranks_many_newer_partial_matches(monkeypatch):
    monkeypatch.setattr(search_query, "COUNT_CAP", 10)  # "many" newer matches
    DocumentFactory(title="城乡低保办法", written_on=date(2016, 3, 1), published=True)
    DocumentFactory.create_batch(
        15,
        title="关于进一步做好城乡低保工作规范管理的通知",
        written_on=date(2025, 5, 5),
        published=True,
    )
    DocumentFactory.create_batch(
        15, title="关于做好冬季救助工作的通知", body="<p>城乡低保办法的落实</p>",
        written_on=date(2026, 1, 5), published=True,
    )  # fmt: skip
    found = titles(search(q="城乡低保办法"))
    assert found[0] == "城乡低保办法"
    found = titles(search(q="城乡低保"))
    assert found[0] == "城乡低保办法"  # the shortest title it covers
    assert set(found[1:16]) == {"关于进一步做好城乡低保工作规范管理的通知"}  # titles before bodies


def test_paging_goes_on_past_the_ranked_head_newest_first(monkeypatch):
    monkeypatch.setattr(search_query, "PAGE_SIZE", 5)
    for year in range(2016, 2026):
        DocumentFactory(
            title=f"{year}年工作要点",
            body="<p>低保</p>",
            written_on=date(year, 2, 1),
            published=True,
        )
    DocumentFactory(title="低保办法", written_on=date(2015, 2, 1), published=True)
    seen = []
    for page in (1, 2, 3):
        seen += titles(search(q="低保", page=page))
    assert seen[0] == "低保办法"
    assert seen[1:] == [f"{year}年工作要点" for year in range(2025, 2015, -1)]


def test_beyond_the_cap_every_year_with_a_match_can_be_chosen(monkeypatch):
    monkeypatch.setattr(search_query, "COUNT_CAP", 5)
    DocumentFactory(title="二〇一六年的低保通知", written_on=date(2016, 4, 1), published=True)
    DocumentFactory.create_batch(8, title="低保通知", written_on=date(2025, 4, 1), published=True)
    outcome = search(q="低保").context["search"]
    years = {option.label: option for facet, options in outcome.facet_groups
             if facet.param == "year" for option in options}  # fmt: skip
    assert set(years) == {"2025年", "2016年"}
    assert years["2025年"].approximate and years["2016年"].url.endswith("year=2016")
    chosen = search(q="低保", year="2016")
    assert titles(chosen) == ["二〇一六年的低保通知"]


def test_below_the_cap_counts_are_exact():
    DocumentFactory.create_batch(3, title="低保通知", written_on=date(2024, 4, 1), published=True)
    outcome = search(q="低保").context["search"]
    assert not outcome.total_is_estimate and outcome.total == 3
    years = [(o.label, o.count, o.approximate) for f, options in outcome.facet_groups
             if f.param == "year" for o in options]  # fmt: skip
    assert years == [("2024年", 3, False)]


def test_every_match_is_reachable_when_the_estimate_falls_short(monkeypatch):
    monkeypatch.setattr(search_query, "COUNT_CAP", 3)
    monkeypatch.setattr(search_query, "PAGE_SIZE", 4)
    monkeypatch.setattr(search_query, "estimate_count", lambda queryset: 4)  # far too low
    DocumentFactory.create_batch(11, title="低保通知", published=True)
    seen, page = [], 1
    while True:
        outcome = search(q="低保", page=page).context["search"]
        seen += [entry.object_id for entry in outcome.page_obj.object_list]
        if not outcome.page_obj.has_next():
            break
        page += 1
    assert len(seen) == len(set(seen)) == 11 and page == 3
