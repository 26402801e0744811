"""The search registry: each app tells the portal which of its models are searched, how
an item becomes an index entry, where its snippet text comes from and which facets the
search page offers. Apps register from ``AppConfig.ready()``::

    search.register(SearchKind(name="document", label="公开文件", model=Document,
                               entries=document_entries, snippet_texts=document_texts,
                               lookup=index_number_lookup))
    search.register_facet("category", topic_facet)

The workflow indexes a registered item whenever a version of it goes public and removes
it when it is withdrawn, in the same transaction (``portal.workflow``); bulk paths call
``index_items``. Nothing here knows any app.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.urls import reverse

from portal.bulk import insert_many
from portal.models import SearchEntry
from portal.search import counts
from portal.search.textsearch import canonical_document_number, title_lexemes, with_bare_lexemes


@dataclass(frozen=True)
class SearchKind:
    name: str  # stored in SearchEntry.kind and used in ?kind=
    label: str  # shown on each result and in the kind facet
    model: type
    # The index entries of live items (unsaved; build each with ``entry``).
    entries: Callable[[list], list[SearchEntry]]
    # Plain text of the given object ids, which result snippets are cut from.
    snippet_texts: Callable[[list[int]], dict[int, str]]
    # The public URL a query names exactly (a 索引号, say), or "".
    lookup: Callable[[str, datetime], str] | None = None


_kinds: dict[str, SearchKind] = {}
_facets: dict[str, Callable[[], object]] = {}  # param → factory, in registration order


def register(kind: SearchKind) -> None:
    existing = _kinds.get(kind.name)
    if existing is not None and existing.model is not kind.model:
        raise ValueError(f"search kind {kind.name!r} is already registered")
    _kinds[kind.name] = kind


def register_facet(param: str, factory: Callable[[], object]) -> None:
    """A facet (``portal.search.facets``) the search page offers besides the content
    kind, built by ``factory()`` when a page needs it (it may read a vocabulary)."""
    _facets.setdefault(param, factory)


def kinds() -> list[SearchKind]:
    return list(_kinds.values())


def kind_for(model) -> SearchKind | None:
    return next((kind for kind in _kinds.values() if kind.model is model), None)


def kind_label(name: str) -> str:
    kind = _kinds.get(name)
    return kind.label if kind else name


def extra_facets() -> list:
    return [factory() for factory in _facets.values()]


def facet(param: str):
    """One registered facet, or None."""
    factory = _facets.get(param)
    return factory() if factory else None


def entry(
    kind: str,
    item,
    *,
    title: str,
    text: str,
    organization_id: int,
    document_number: str = "",
    category_id: int | None = None,
    genre_id: int | None = None,
    validity: str = "",
    url: str = "",
) -> SearchEntry:
    """An unsaved index entry for a live item: its title (and 文号) weigh most. ``url``:
    the item's public URL when the caller has it cheaper than ``get_absolute_url``."""
    titled, title_tokens = title_lexemes(f"{title} {document_number}".strip())
    return SearchEntry(
        title_length=min(len(title), 32767),
        kind=kind,
        object_id=item.pk,
        title=title,
        url=url or item.get_absolute_url(),
        published_at=item.published_at,
        organization_id=organization_id,
        category_id=category_id,
        genre_id=genre_id,
        validity=validity,
        document_number=canonical_document_number(document_number),
        vector=with_bare_lexemes(titled, title_tokens, text),
        title_vector=titled,
    )


def index_items(items: Iterable, *, batch_size: int = 1000) -> int:
    """(Re)index items of registered kinds as they are in memory: live ones get their
    entry replaced, others lose it. Returns how many entries were written."""
    by_kind: dict[SearchKind, list] = defaultdict(list)
    for item in items:
        kind = kind_for(type(item))
        if kind is not None:
            by_kind[kind].append(item)
    written, changes = 0, Counter()
    for kind, group in by_kind.items():
        # Items not yet stored (an import's new rows, keys reserved) have no entry to remove.
        stored = [item.pk for item in group if not item._state.adding]
        if stored:
            changes.update(_remove(kind.name, stored))  # update keeps negatives
        live = [item for item in group if item.is_live]
        for start in range(0, len(live), batch_size):  # built and written batch by batch
            created = insert_many(kind.entries(live[start : start + batch_size]))
            changes.update(counts.deltas(map(counts.entry_row, created), +1))
            written += len(created)
    counts.apply(changes)
    return written


def url_pattern(view_name: str, kwarg: str = "pk"):
    """``reverse(view_name, kwargs={kwarg: id})`` for many ids at once, as a function of
    the id: ``reverse`` costs about 100 µs, and an import indexes thousands of items."""
    marker = 987654321987654321
    prefix, suffix = reverse(view_name, kwargs={kwarg: marker}).split(str(marker))
    return lambda pk: f"{prefix}{pk}{suffix}"


def _remove(kind: str, object_ids: list[int]) -> Counter:
    """Delete the entries; return the count changes their removal makes, from the rows the
    delete itself removed (a concurrent writer cannot make them count twice)."""
    columns = ", ".join(counts.COUNTED_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {SearchEntry._meta.db_table} WHERE kind = %s AND object_id = ANY(%s) "
            f"RETURNING {columns}",
            [kind, list(object_ids)],
        )
        rows = [dict(zip(counts.COUNTED_COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    return counts.deltas(rows, -1)


def index_item(item) -> None:
    index_items([item])


def unindex_item(item) -> None:
    kind = kind_for(type(item))
    if kind is not None:
        counts.apply(_remove(kind.name, [item.pk]))


def snippet_sources(entries) -> dict[tuple[str, int], str]:
    """The plain text each shown result's snippet is cut from, read for the page's rows
    only, from each kind's own table."""
    ids: dict[str, list[int]] = defaultdict(list)
    for result in entries:
        ids[result.kind].append(result.object_id)
    sources = {}
    for name, object_ids in ids.items():
        kind = _kinds.get(name)
        if kind is not None:
            for object_id, text in kind.snippet_texts(object_ids).items():
                sources[(name, object_id)] = text
    return sources


def exact_lookup(query: str, now: datetime) -> str:
    for kind in _kinds.values():
        if kind.lookup is not None and (url := kind.lookup(query, now)):
            return url
    return ""
