"""The popular-searches list: counting queries that found something, without personal
data, and off the request path.

A search only adds its query to this process's tally; the tally is written in one
statement at most every ``SEARCH_TERMS_FLUSH_SECONDS`` (or ``FLUSH_TERMS`` distinct queries), after a
response has gone out (``request_finished``). No search waits on a counter row's lock, and
a busy minute costs one write per worker, not one per search. A worker that stops loses
at most that many seconds of tallies: a popularity list can afford it.
"""

import re
import threading
import time
from collections import Counter
from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, Sum

from portal.models import SearchTerm

WORTH_KEEPING = re.compile(r"^[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9 ]{0,19}$")
MAX_DIGITS = 4  # years and 文号 sequence numbers pass; phone and ID numbers never do
# Shown only once several searches on several days found it in some title: one person's
# search (or a name typed to plant it on the page) never makes the list.
MIN_SEARCHES, MIN_DAYS = 5, 2
FLUSH_TERMS = 500

_tally: Counter = Counter()  # (day, query) → searches not yet written
_lock = threading.Lock()
_last_flush = [time.monotonic()]


def record_search_term(query: str, *, today: date) -> None:
    """Count a query that found documents by their titles (the caller checks that)."""
    query = " ".join(query.split())
    if not WORTH_KEEPING.match(query) or sum(c.isdigit() for c in query) > MAX_DIGITS:
        return
    with _lock:
        _tally[(today, query)] += 1


def flush_due() -> bool:
    return bool(_tally) and (
        len(_tally) >= FLUSH_TERMS
        or time.monotonic() - _last_flush[0] >= settings.SEARCH_TERMS_FLUSH_SECONDS
    )


def flush_search_terms() -> int:
    """Write the tally in one statement; returns how many (day, query) rows it touched."""
    with _lock:
        batch = sorted(_tally.items())  # one row order for every writer: no deadlock
        _tally.clear()
        _last_flush[0] = time.monotonic()
    if not batch:
        return 0
    table = SearchTerm._meta.db_table
    rows = ", ".join(["(%s, %s, %s)"] * len(batch))
    params = [value for (day, query), count in batch for value in (day, query, count)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, query, count) VALUES {rows} "
            f"ON CONFLICT (day, query) DO UPDATE SET count = {table}.count + EXCLUDED.count",
            params,
        )
    return len(batch)


def flush_when_due(**kwargs) -> None:
    """``request_finished`` receiver: the response has been sent."""
    if flush_due():
        flush_search_terms()


def discard_tally() -> None:
    with _lock:
        _tally.clear()


def popular_search_terms(*, today: date, days: int = 30, limit: int = 10) -> list[str]:
    return list(
        SearchTerm.objects.filter(day__gt=today - timedelta(days=days))
        .values("query")
        .annotate(total=Sum("count"), days=Count("day"))
        .filter(total__gte=MIN_SEARCHES, days__gte=MIN_DAYS)
        .order_by("-total", "query")
        .values_list("query", flat=True)[:limit]
    )
