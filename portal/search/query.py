"""Answering a search: exact 文号/索引号 lookups, ranked full-text results, facets.

Cost stays flat however common the words: only the newest ``RANK_CAP`` matches are
ranked (title matches first, then relevance, then newer first); beyond that the total is
PostgreSQL's estimate, shown rounded ("约 8 万条"), and facet counts are taken over the
newest ``RANK_CAP`` matches of the query (exact whenever there are fewer). ``bench/search_speed.py`` has the
figures.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.urls import reverse
from django.utils.safestring import mark_safe

from portal.models import SearchEntry
from portal.search import registry
from portal.search.facets import ChoiceFacet, FacetedSearch
from portal.search.textsearch import (
    MAX_QUERY_CHARS,
    canonical_document_number,
    looks_like_document_number,
    normalise,
    query_terms,
    tsquery,
)

RANK_CAP = 1000
PAGE_SIZE = 20
SNIPPET_CHARS = 120
# Title first; the weights rank A (title, 文号) above everything else.
RANK_WEIGHTS = [0.1, 0.2, 0.4, 1.0]


@dataclass
class SearchOutcome:
    query: str = ""
    redirect_to: str = ""
    truncated: bool = False
    total: int = 0
    total_is_estimate: bool = False
    total_label: str = ""
    ranked_is_capped: bool = False
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
    matches = SearchEntry.objects.filter(published_at__lte=now, vector=text_query)

    # One query fetches the newest filtered matches with every facet's column: the set to
    # rank and the counts of every facet not in use come from these rows. A facet in use
    # counts under the *other* filters only (the usual faceted-search rule), from a
    # sample of its own: one more query per active filter.
    columns = ["pk", *{facet.column for facet in facets.facets}]

    def newest_rows(queryset):
        rows = list(queryset.order_by("-published_at", "-pk").values(*columns)[: RANK_CAP + 1])
        return rows[:RANK_CAP], len(rows) > RANK_CAP

    filtered = facets.filter(matches)
    sample, many = newest_rows(filtered)
    rows_for, sampled = {}, many
    for facet in facets.facets:
        if facets.selected[facet.param] is not None:
            rows_for[facet.param], capped = newest_rows(facets.filter(matches, exclude=facet.param))
            sampled = sampled or capped
    outcome.facets_sampled = sampled
    outcome.facet_groups = facets.groups_from_rows(sample, rows_for=rows_for)
    newest = [row["pk"] for row in sample]
    outcome.ranked_is_capped = many
    outcome.total, outcome.total_is_estimate = (
        (estimate_count(filtered), True) if many else (len(newest), False)
    )
    outcome.total_label = rounded_count(outcome.total) if many else f"{outcome.total} 条"

    candidates = SearchEntry.objects.filter(pk__in=newest).select_related("organization")
    if outcome.sort == "newest":
        ordered = candidates.order_by("-published_at", "-pk")
    else:
        ordered = candidates.annotate(
            title_hit=ExpressionWrapper(Q(title_vector=text_query), output_field=BooleanField()),
            rank=SearchRank(F("vector"), text_query, weights=RANK_WEIGHTS),
        ).order_by("-title_hit", "-rank", "-published_at", "-pk")
    paginator = Paginator(ordered, PAGE_SIZE)
    paginator.count = len(newest)  # known already: no COUNT query
    outcome.page_obj = paginator.get_page(params.get("page"))
    terms = query_terms(outcome.query)
    texts = registry.snippet_sources(outcome.page_obj.object_list)
    for entry in outcome.page_obj.object_list:
        entry.kind_label = registry.kind_label(entry.kind)
        entry.title_html = highlight(entry.title, terms)
        entry.snippet_html = snippet(texts.get((entry.kind, entry.object_id), ""), terms)
    return outcome


def estimate_count(queryset) -> int:
    """PostgreSQL's own estimate of how many rows match: counting 80,000 matches of a
    common word on every request would cost more than the whole rest of the page."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return max(RANK_CAP + 1, int(plan[0]["Plan"]["Plan Rows"]))


def rounded_count(count: int) -> str:
    """ "约 8 万条" rather than a falsely exact estimate."""
    if count >= 10_000:
        return f"约 {round(count / 10_000, 1):g} 万条"
    return f"约 {round(count, -2):,} 条"


def _spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Where the (normalised) terms occur in ``text``, matched script- and width-blind."""
    folded = normalise(text)
    if len(folded) != len(text):  # a character changed length: search the text as is
        folded = text.lower()
    spans = []
    for term in terms:
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(term), folded)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, terms: list[str], spans=None, offset: int = 0) -> str:
    spans = _spans(text, terms) if spans is None else spans
    parts, cursor = [], 0
    for start, end in spans:
        start, end = start - offset, end - offset
        if end <= 0 or start >= len(text):
            continue
        start, end = max(start, 0), min(end, len(text))
        parts += [
            html.escape(text[cursor:start]),
            "<mark>",
            html.escape(text[start:end]),
            "</mark>",
        ]
        cursor = end
    parts.append(html.escape(text[cursor:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped above


def snippet(text: str, terms: list[str]) -> str:
    """About ``SNIPPET_CHARS`` characters around the first match, the matches marked."""
    text = " ".join(text.split())
    spans = _spans(text, terms)
    first = spans[0][0] if spans else 0
    start = max(0, first - SNIPPET_CHARS // 3)
    excerpt = text[start : start + SNIPPET_CHARS]
    marked = highlight(excerpt, terms, spans=spans, offset=start)
    prefix = "…" if start else ""
    suffix = "…" if start + SNIPPET_CHARS < len(text) else ""
    return mark_safe(prefix + marked + suffix)  # noqa: S308 - escaped by highlight
