"""How many entries a query matches, estimated from PostgreSQL's own statistics of the
index's lexemes, and which way of reading its newest matches that makes cheaper.

The planner takes the bigrams of a word for independent and multiplies their shares:
市长信箱 (four bigrams, each in a quarter of the entries) becomes a few hundred rows where
there are 24,000, so it collects them all from the text index and sorts them (110 ms at
100,000 entries) instead of walking the entries newest first until it has enough (10 ms).
The bigrams of one word occur together, so the share of the rarest is the better estimate
(an upper bound: every match holds every bigram).
"""

from __future__ import annotations

import math

from django.db import connection

from portal.models import SearchEntry
from portal.publication import for_a_while
from portal.search.textsearch import is_prefix_token

STATISTICS_SECONDS = 300


def lexeme_shares() -> tuple[dict[str, float], int]:
    """The most common lexemes of the full-text vectors with the share of entries holding
    each (``pg_stats``, as of the last ANALYZE, which autovacuum runs as the table
    changes), and the number of entries; read again every few minutes."""

    def load():
        table = SearchEntry._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT reltuples FROM pg_class WHERE oid = %s::regclass), "
                "most_common_elems::text::text[], most_common_elem_freqs "
                "FROM (SELECT 1) AS one LEFT JOIN pg_stats ON schemaname = current_schema() "
                "AND tablename = %s AND attname = 'vector'",
                [table, table],
            )
            entries, *row = cursor.fetchone()
        entries = max(int(entries), 0)
        if not row[0]:  # never analysed yet
            return {}, entries
        lexemes, shares = row
        # The shares list ends with three summary figures (minimum, maximum, null share).
        return dict(zip(lexemes, shares[: len(lexemes)], strict=True)), entries

    return for_a_while("lexeme_shares", STATISTICS_SECONDS, load)


def estimated_matches(tokens: list[str]) -> int | None:
    """Entries holding every token: the rarest token's count, when every token is among
    the common ones; ``None`` when one is not (it is rarer than the statistics show, and
    the planner's own estimate is as good as any)."""
    shares, entries = lexeme_shares()
    if not tokens or any(is_prefix_token(token) or token not in shares for token in tokens):
        return None
    return round(min(shares[token] for token in tokens) * entries)


def walking_is_cheaper(matches: int, *, wanted: int) -> bool:
    """Whether walking the entries newest first until ``wanted`` matches are found reads
    fewer rows than collecting all ``matches`` from the text index and sorting them.

    The walk tests about ``wanted × entries / matches`` rows, each with its full vector
    (stored apart, so about twice the cost of a row the index names); the index reads
    ``matches`` rows. They cost the same where matches² = 2 × wanted × entries: at 100,000
    entries and 501 rows wanted, about 10,000 matches (a tenth of the entries). The
    planner, which does not count the vectors' cost, walks from a few per cent on and
    reads ten times the rows it expects; it is told instead (``portal.search.query``).
    """
    _shares, entries = lexeme_shares()
    return matches > math.sqrt(2 * wanted * max(entries, 1))
