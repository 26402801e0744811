"""The popular-searches list: counting queries that found something, without personal data."""

import re
from datetime import date, timedelta

from django.db import connection
from django.db.models import Count, Sum

from disclosure.models import SearchTerm

WORTH_KEEPING = re.compile(r"^[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9 ]{0,19}$")
MAX_DIGITS = 4  # years and 文号 sequence numbers pass; phone and ID numbers never do
# Shown only once several searches on several days found it in some title: one person's
# search (or a name typed to plant it on the page) never makes the list.
MIN_SEARCHES, MIN_DAYS = 5, 2


def record_search_term(query: str, *, today: date) -> None:
    """Count a query that found documents by their titles (the caller checks that)."""
    query = " ".join(query.split())
    if not WORTH_KEEPING.match(query) or sum(c.isdigit() for c in query) > MAX_DIGITS:
        return
    table = SearchTerm._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, query, count) VALUES (%s, %s, 1) "
            f"ON CONFLICT (day, query) DO UPDATE SET count = {table}.count + 1",
            [today, query],
        )


def popular_search_terms(*, today: date, days: int = 30, limit: int = 10) -> list[str]:
    return list(
        SearchTerm.objects.filter(day__gt=today - timedelta(days=days))
        .values("query")
        .annotate(total=Sum("count"), days=Count("day"))
        .filter(total__gte=MIN_SEARCHES, days__gte=MIN_DAYS)
        .order_by("-total", "query")
        .values_list("query", flat=True)[:limit]
    )
