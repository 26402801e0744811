"""Answering a search: exact 文号/索引号 lookups, ranked full-text results, facets.

Cost stays flat however common the words. Results: title matches ranked over all of them
by how completely the query covers the title, then every other match newest first
(``portal.search.results``). Counting: up to ``COUNT_CAP`` matches the total and every
facet count are exact; beyond, the total is PostgreSQL's estimate, shown rounded
("约 8 万条"), the facet counts are the newest matches' scaled to it, and every year that
can have a match is still offered, with an estimate. ``bench/search_speed.py`` has the figures.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.postgres.search import SearchQuery
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, DateTimeField, ExpressionWrapper, F, Func, Q
from django.urls import reverse

from portal.models import FacetCount, SearchEntry
from portal.publication import per_version
from portal.search import registry
from portal.search.facets import ChoiceFacet, FacetedSearch, Option, YearFacet
from portal.search.frequency import estimated_matches, lexeme_shares, walking_is_cheaper
from portal.search.highlight import highlight, snippet
from portal.search.results import NewestResults, RankedResults
from portal.search.textsearch import (
    MAX_QUERY_CHARS,
    canonical_document_number,
    looks_like_document_number,
    query_terms,
    query_tokens,
    tsquery,
)

COUNT_CAP = 500  # matches counted exactly; beyond, the total and facet counts are estimates
PAGE_SIZE = 20


@dataclass
class SearchOutcome:
    query: str = ""
    redirect_to: str = ""
    truncated: bool = False
    total: int = 0
    total_is_estimate: bool = False
    total_label: str = ""
    page_obj: object = None
    facet_groups: list = field(default_factory=list)
    active_filters: list = field(default_factory=list)
    page_url: str = ""
    sort: str = "relevance"
    facets_sampled: bool = False
    kept_params: list = field(default_factory=list)  # filters a new query keeps


def search_facets(params) -> FacetedSearch:
    """The facets the registered apps offer, and the content kind."""
    kind = ChoiceFacet("kind", "内容类型", "kind", [(k.name, k.label) for k in registry.kinds()])
    return FacetedSearch([*registry.extra_facets(), kind], params, base_url=reverse("search"))


def exact_match(query: str, now: datetime) -> str:
    """The public URL a 索引号 or 发文字号 names, when it names exactly one item."""
    text = query.strip()
    if url := registry.exact_lookup(text, now):
        return url
    if looks_like_document_number(text):
        urls = list(
            SearchEntry.objects.filter(
                published_at__lte=now, document_number=canonical_document_number(text)
            ).values_list("url", flat=True)[:2]
        )
        if len(urls) == 1:
            return urls[0]
    return ""


def run_search(params, *, now: datetime) -> SearchOutcome:
    raw = (params.get("q") or "").replace("\x00", "")
    outcome = SearchOutcome(query=raw[:MAX_QUERY_CHARS], truncated=len(raw) > MAX_QUERY_CHARS)
    outcome.sort = "newest" if params.get("sort") == "newest" else "relevance"
    facets = search_facets(params)
    outcome.active_filters = facets.active()
    outcome.page_url = facets.url_with()
    outcome.kept_params = [
        (facet.param, params[facet.param])
        for facet in facets.facets
        if facets.selected[facet.param] is not None
    ] + ([("sort", "newest")] if outcome.sort == "newest" else [])
    query = tsquery(outcome.query)
    if query is None:
        return outcome
    if not outcome.truncated and (url := exact_match(outcome.query, now)):
        outcome.redirect_to = url
        return outcome

    text_query = SearchQuery(query, search_type="raw", config="simple")
    public = SearchEntry.objects.filter(published_at__lte=now)
    matches = public.filter(vector=text_query)
    # Unfiltered, the newest matches are read the way ``frequency`` finds cheaper for as
    # many matches as the statistics give: walking the date index (the test written as a
    # function call, which the text index cannot answer) or collecting them from the text
    # index and sorting (the order written as one the date index cannot give).
    known_matches = None if facets.any_active() else estimated_matches(query_tokens(outcome.query))
    walk = known_matches is not None and walking_is_cheaper(known_matches, wanted=COUNT_CAP + 1)
    walked = public.filter(
        Func(F("vector"), text_query, function="ts_match_vq", output_field=BooleanField())
    )
    filtered = walked if walk else facets.filter(matches)
    # Cheaper than either, for a word in thousands of entries: collecting only from the
    # newest entries that should hold the wanted matches, the text index and the date
    # index intersected, reading no full vector and a few hundred rows (at 100,000
    # entries 10–17 ms, where walking tests thousands of vectors, 35–55 ms, and collecting
    # reads every match). Should the window hold too few, the plan above follows.
    window = (
        newest_window(public, wanted=COUNT_CAP + 1, matches=known_matches)
        if known_matches is not None and known_matches > 2 * (COUNT_CAP + 1)
        else None
    )
    plan_filtered, plan_walks = filtered, walk
    if window is not None:
        filtered, walk = matches.filter(published_at__gte=window), False
    newest_first = ["-published_at", "-pk"]
    if known_matches is not None and not walk:
        shifted = ExpressionWrapper(F("published_at") + timedelta(0), output_field=DateTimeField())
        newest_first = [shifted.desc(), "-pk"]
    title_hit = ExpressionWrapper(Q(title_vector=text_query), output_field=BooleanField())

    # One query fetches the newest filtered matches with every facet's column: the total
    # (when below the cap) and the counts of every facet not in use come from these rows.
    # A facet in use counts under the *other* filters only (the usual faceted-search
    # rule), from rows of its own: one more query per active filter.
    columns = ["pk", *{facet.column for facet in facets.facets}]

    def newest_rows(queryset):
        rows = list(
            facets.prepare(queryset)
            .annotate(title_hit=title_hit)
            .order_by(*newest_first)
            .values(*columns, "title_hit", "title_length")[: COUNT_CAP + 1]
        )
        return rows[:COUNT_CAP], len(rows) > COUNT_CAP

    sample, many = newest_rows(filtered)
    if window is not None and not many:  # fewer in the window than wanted
        filtered = plan_filtered
        if plan_walks:
            newest_first = ["-published_at", "-pk"]
        sample, many = newest_rows(filtered)
    rows_for, sampled = {}, many
    for facet in facets.facets:
        if facets.selected[facet.param] is not None:
            rows_for[facet.param], capped = newest_rows(facets.filter(matches, exclude=facet.param))
            sampled = sampled or capped
    outcome.total, outcome.total_is_estimate = (
        (max(COUNT_CAP + 1, known_matches or estimate_count(filtered)), True)
        if many
        else (len(sample), False)
    )
    outcome.total_label = rounded_count(outcome.total) if many else f"{outcome.total} 条"
    outcome.facets_sampled = sampled
    outcome.facet_groups = facets.groups_from_rows(sample, rows_for=rows_for)
    if sampled:
        estimate_facets(facets, outcome.facet_groups, sample_size=len(sample), total=outcome.total)

    # How many titles match, judged from the newest matches: it decides how the ranked
    # head is found (``portal.search.results``).
    title_share = sum(row["title_hit"] for row in sample) / len(sample) if sample else 0
    results_class = NewestResults if outcome.sort == "newest" else RankedResults
    results = results_class(
        facets.filter(public),
        text_query,
        total=outcome.total,
        every_match=None if many else sample,
        newest=sample,
        # The share of everything public whose title matches, from the newest matches
        # (only asked when they are not all at hand).
        title_share=(
            title_share * outcome.total / max(sum(published_per_year().values()), 1)
            if many
            else 0.0
        ),
    )
    requested = _page_number(params.get("page"))
    if many:
        # The estimate may fall short (the planner takes a word's bigrams for independent):
        # while pages come back full there is a next one, so every match can be reached.
        results.total = max(results.total, requested * PAGE_SIZE + 1)
    paginator = Paginator(results, PAGE_SIZE)
    paginator.count = len(results)  # known already: no COUNT query
    outcome.page_obj = paginator.get_page(requested)
    shown = len(outcome.page_obj.object_list)
    if many and shown < PAGE_SIZE:  # the last page, found: the end is known now
        paginator.count = (outcome.page_obj.number - 1) * PAGE_SIZE + shown
        paginator.__dict__.pop("num_pages", None)
    terms = query_terms(outcome.query)
    texts = registry.snippet_sources(outcome.page_obj.object_list)
    for entry in outcome.page_obj.object_list:
        entry.kind_label = registry.kind_label(entry.kind)
        entry.title_html = highlight(entry.title, terms)
        entry.snippet_html = snippet(texts.get((entry.kind, entry.object_id), ""), terms)
    return outcome


def newest_window(public, *, wanted: int, matches: int) -> datetime | None:
    """The publish time from which the newest entries should hold ``wanted`` of
    ``matches`` spread evenly, with half as many again to spare (the estimate is an upper
    bound); ``None`` when that is every entry."""
    _shares, entries = lexeme_shares()
    reach = math.ceil(wanted * max(entries, 1) / max(matches, 1) * 1.5)
    newest = public.order_by("-published_at", "-pk").values_list("published_at", flat=True)
    return next(iter(newest[reach : reach + 1]), None)


def estimate_facets(facets: FacetedSearch, groups, *, sample_size: int, total: int) -> None:
    """Beyond the cap the counts come from the newest matches: scale them to the whole,
    marked as estimates. Years without a match among the newest get a share of the rest in
    proportion to what was published in them (the kept counts), so every year that can
    have a match is offered and can be chosen; no per-year query is run."""
    factor = total / sample_size
    for facet, options in groups:
        _scale(options, factor)
        if isinstance(facet, YearFacet) and facets.selected[facet.param] is None:
            shown = {int(option.value) for option in options}
            older = {year: n for year, n in published_per_year().items() if year not in shown}
            rest, everything = max(total - sample_size, 0), sum(older.values()) or 1
            found = [
                Option(
                    str(year), f"{year}年", max(1, round(rest * n / everything)), approximate=True
                )
                for year, n in older.items()
            ]
            facets.link_options(facet, found)
            options.extend(found)
            options.sort(key=lambda option: option.value, reverse=True)


def published_per_year() -> dict[int, int]:
    """Entries per publish year, from the kept counts, read once per publication version."""

    def load():
        rows = FacetCount.objects.filter(facet="year", count__gt=0).values_list("value", "count")
        per_year: dict[int, int] = {}
        for value, count in rows:
            per_year[int(value)] = per_year.get(int(value), 0) + count
        return per_year

    return per_version("published_per_year", load)


def _scale(options, factor: float) -> None:
    for option in options:
        option.count = max(1, round(option.count * factor))
        option.approximate = True
        _scale(option.children, factor)


def _page_number(raw) -> int:
    text = str(raw or "")
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) < 7 and int(text) else 1


def estimate_count(queryset) -> int:
    """PostgreSQL's own estimate of how many rows match: counting 80,000 matches of a
    common word on every request would cost more than the whole rest of the page."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return max(COUNT_CAP + 1, int(plan[0]["Plan"]["Plan Rows"]))


def rounded_count(count: int) -> str:
    """ "约 8 万条" rather than a falsely exact estimate."""
    if count >= 10_000:
        return f"约 {round(count / 10_000, 1):g} 万条"
    return f"约 {round(count, -2):,} 条"
