"""Facet counts kept in step with the search index.

Every write to the index (``portal.search.registry``) passes the facet values of the
entries it removes and of those it adds through ``apply``, in the same transaction: one
upsert for the whole batch. A page that shows counts for everything of a kind (the
unfiltered catalogue, the home page's topics) reads them with ``visible_counts`` in one
small query instead of grouping every public entry; items scheduled for later are
already indexed and are subtracted until their time comes.
"""

from collections import Counter
from datetime import datetime

from django.db import connection
from django.utils import timezone

from portal import bulk
from portal.models import FacetCount, SearchEntry

# Facet parameter → the index column it counts (the year is the local publish year).
COLUMNS = {"category": "category_id", "genre": "genre_id", "org": "organization_id",
           "validity": "validity"}  # fmt: skip
COUNTED_COLUMNS = ["kind", "published_at", *COLUMNS.values()]


def facet_keys(row: dict) -> list[tuple[str, str]]:
    """The (facet, value) pairs one entry is counted under; ``row`` has ``COUNTED_COLUMNS``'s keys."""
    keys = [("all", "")]
    keys += [(facet, str(row[column])) for facet, column in COLUMNS.items() if row[column]]
    keys.append(("year", str(timezone.localtime(row["published_at"]).year)))
    return keys


def deltas(rows, sign: int) -> Counter:
    counter: Counter = Counter()
    for row in rows:
        for facet, value in facet_keys(row):
            counter[(row["kind"], facet, value)] += sign
    return counter


def entry_row(entry: SearchEntry) -> dict:
    return {"kind": entry.kind, "published_at": entry.published_at,
            **{column: getattr(entry, column) for column in COLUMNS.values()}}  # fmt: skip


def apply(changes: Counter) -> None:
    """Add the changes to the stored counts in one statement; in an import, in one
    statement at its end (``portal.bulk.gathered``): every publication updates the same
    few rows (the kind's total, this year), which the import would otherwise hold
    locked from its first batch until it commits."""
    pending = bulk.gathered("facet-counts", Counter, _write)
    if pending is None:
        _write(changes)
    else:
        pending.update(changes)  # update keeps negatives


def _write(changes: Counter) -> None:
    # In one order for every writer: two transactions never wait on each other's rows.
    changes = {key: n for key, n in sorted(changes.items()) if n}
    if not changes:
        return
    table = FacetCount._meta.db_table
    rows = ", ".join(["(%s, %s, %s, %s)"] * len(changes))
    params = [v for (kind, facet, value), n in changes.items() for v in (kind, facet, value, n)]
    bulk.write(  # an import queues it behind its index entries (``portal.bulk.pipelined``)
        f"INSERT INTO {table} (kind, facet, value, count) VALUES {rows} "
        f"ON CONFLICT (kind, facet, value) DO UPDATE SET count = {table}.count + EXCLUDED.count",
        params,
    )


def visible_counts(
    *, now: datetime, kind: str | None = None, scheduled: bool = True
) -> dict[str, Counter]:
    """facet → {value: count} of the entries the public sees now (of one kind, or all).
    ``scheduled``: whether anything may be scheduled for later
    (``publication.anything_scheduled``); when not, no second query."""
    stored = FacetCount.objects.filter(count__gt=0)
    later = SearchEntry.objects.filter(published_at__gt=now)
    if kind is not None:
        stored, later = stored.filter(kind=kind), later.filter(kind=kind)
    result: dict[str, Counter] = {}
    for facet, value, count in stored.values_list("facet", "value", "count"):
        result.setdefault(facet, Counter())[value] += count
    if scheduled:
        for (_kind, facet, value), n in deltas(later.values(*COUNTED_COLUMNS), -1).items():
            result.setdefault(facet, Counter())[value] += n
    return result


def clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {FacetCount._meta.db_table}")
