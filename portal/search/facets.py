"""Facets: filters that narrow a document queryset and count what each option would give.

The catalogue uses them now and search reuses them, so both read the same URL parameters
(``category``, ``genre``, ``org``, ``year``, ``validity``) and show the same counts.
Each facet counts under every *other* active filter, the usual faceted-search rule, in
one grouped query; trees are read once and rolled up in Python, so the number of queries
does not depend on how many documents or options there are.

Bad values (``?year=abc``, an unknown id, a 10,000-character string) are dropped as if
absent: a shared link to a deleted category still opens a page.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import compress

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.http import QueryDict
from django.utils import timezone

MAX_PARAM_LENGTH = 20


@dataclass
class Option:
    value: str
    label: str
    count: int = 0
    selected: bool = False
    url: str = ""
    children: list[Option] = field(default_factory=list)
    in_selected_path: bool = False
    approximate: bool = False  # an estimate (search beyond its counting cap)


def _clean_int(raw: str | None) -> int | None:
    if not raw or len(raw) > MAX_PARAM_LENGTH or not raw.isascii() or not raw.isdigit():
        return None
    return int(raw)


class Facet:
    """One URL parameter. Subclasses define ``parse(raw)`` (the selected value, or None
    when ``raw`` is missing or meaningless), ``apply(queryset, selected)``, ``column``
    (what ``values()`` reads), ``accepts(key, selected)`` and ``options_from(counts,
    selected)``. Counts come from the database (``counts``) or from rows already fetched
    (``FacetedSearch.groups_from_rows``), one facet implementation either way."""

    param: str
    label: str
    column: str

    def key(self, value):
        return value

    def keys(self, rows: list[dict]) -> list:
        """``key`` of this facet's column in every row, in order."""
        if type(self).key is Facet.key:  # the column's value is the key: no call per row
            return [row[self.column] for row in rows]
        return [self.key(row[self.column]) for row in rows]

    def stored_key(self, text: str):
        """A key as ``portal.search.counts`` stores it (text) → as this facet counts it."""
        return text

    def prepare(self, queryset):
        """``queryset`` with what ``values(column)`` reads: a facet whose value is computed
        (a validity that changes with the date) annotates it here."""
        return queryset

    def counts(self, queryset) -> dict:
        return dict(
            self.prepare(queryset).order_by().values_list(self.column).annotate(n=Count("pk"))
        )

    def from_stored(self, stored: dict) -> dict:
        """Counts kept by ``portal.search.counts`` (text keys) → this facet's counts; a
        computed facet corrects them here."""
        return {self.stored_key(k): n for k, n in stored.items()}

    def options(self, queryset, selected) -> list[Option]:
        return self.options_from(self.counts(queryset), selected)

    def selected_label(self, selected) -> str:
        return str(selected)


class ModelFacet(Facet):
    """A flat list of model rows (genres), counted by foreign key."""

    def __init__(self, param, label, field_name, rows):
        self.param, self.label, self.field_name = param, label, field_name
        self.column = f"{field_name}_id"
        self.rows = {row.pk: row for row in rows}

    def parse(self, raw):
        pk = _clean_int(raw)
        return self.rows.get(pk) if pk is not None else None

    def stored_key(self, text: str):
        return int(text)

    def apply(self, queryset, selected):
        return queryset.filter(**{f"{self.field_name}_id": selected.pk})

    def accepts(self, key, selected) -> bool:
        return key == selected.pk

    def options_from(self, counts, selected):
        return [
            Option(str(pk), str(row), counts.get(pk, 0), row == selected)
            for pk, row in self.rows.items()
            if counts.get(pk) or row == selected
        ]


class TreeFacet(ModelFacet):
    """An MPTT tree (topic categories, organizations): selecting a node includes its
    descendants, and each node's count includes theirs."""

    def __init__(self, param, label, field_name, nodes, *, node_label=str):
        super().__init__(param, label, field_name, nodes)
        self.node_label = node_label
        self._subtrees: dict[int, frozenset[int]] = {}
        self.children: dict[int | None, list] = {}
        for node in nodes:  # nodes arrive in tree order
            self.children.setdefault(node.parent_id, []).append(node)

    def descendant_ids(self, node) -> list[int]:
        ids, stack = [], [node]
        while stack:
            current = stack.pop()
            ids.append(current.pk)
            stack.extend(self.children.get(current.pk, []))
        return ids

    def ancestors(self, node) -> list:
        chain = []
        while node is not None:
            chain.append(node)
            node = self.rows.get(node.parent_id)
        return chain[::-1]

    def apply(self, queryset, selected):
        return queryset.filter(**{f"{self.field_name}_id__in": self.descendant_ids(selected)})

    def accepts(self, key, selected) -> bool:
        if selected.pk not in self._subtrees:
            self._subtrees[selected.pk] = frozenset(self.descendant_ids(selected))
        return key in self._subtrees[selected.pk]

    def options_from(self, direct, selected):
        path = set(self.ancestors(selected)) if selected else set()

        def build(node) -> Option:
            children = [build(child) for child in self.children.get(node.pk, [])]
            total = direct.get(node.pk, 0) + sum(child.count for child in children)
            return Option(
                str(node.pk),
                self.node_label(node),
                total,
                node == selected,
                children=[child for child in children if child.count or child.in_selected_path],
                in_selected_path=node in path,
            )

        # Empty branches are left out (no links to empty pages), except along the
        # selected path, so a selected empty category still shows where it is.
        options = [build(root) for root in self.children.get(None, [])]
        return [option for option in options if option.count or option.in_selected_path]

    def selected_label(self, selected):
        return self.node_label(selected)


class YearFacet(Facet):
    def __init__(self, param, label, field_name):
        self.param, self.label, self.field_name = param, label, field_name
        self.column = field_name
        # Fixed once: looking the active time zone up again for each of 500 rows costs
        # more than the rest of the counting.
        self.zone = timezone.get_current_timezone()

    def parse(self, raw):
        year = _clean_int(raw)
        return year if year is not None and 1949 <= year <= 2100 else None

    def apply(self, queryset, selected):
        return queryset.filter(**{f"{self.field_name}__year": selected})

    def key(self, value):
        return value.astimezone(self.zone).year if value else None

    def stored_key(self, text: str):
        return int(text)

    def accepts(self, key, selected) -> bool:
        return key == selected

    def counts(self, queryset) -> dict:
        return dict(
            queryset.order_by()
            .annotate(facet_year=ExtractYear(self.field_name))
            .values_list("facet_year")
            .annotate(n=Count("pk"))
        )

    def options_from(self, counts, selected):
        options = [
            Option(str(year), f"{year}年", n, year == selected)
            for year, n in counts.items()
            if year is not None
        ]
        return sorted(options, key=lambda option: option.value, reverse=True)

    def selected_label(self, selected):
        return f"{selected}年"


class ChoiceFacet(Facet):
    def __init__(self, param, label, field_name, choices):
        self.param, self.label, self.field_name = param, label, field_name
        self.column = field_name
        self.choices = dict(choices)

    def parse(self, raw):
        return raw if raw in self.choices else None

    def apply(self, queryset, selected):
        return queryset.filter(**{self.field_name: selected})

    def accepts(self, key, selected) -> bool:
        return key == selected

    def options_from(self, counts, selected):
        return [
            Option(value, label, counts.get(value, 0), value == selected)
            for value, label in self.choices.items()
            if counts.get(value) or value == selected
        ]

    def selected_label(self, selected):
        return self.choices.get(selected, str(selected))


class FacetedSearch:
    """Parses the request's facet parameters once and hands out filtered querysets,
    per-facet options with counts and links, and the active filters for display."""

    def __init__(self, facets: list[Facet], params: QueryDict, *, base_url: str):
        self.facets = facets
        self.params = params
        self.base_url = base_url
        self.selected = {facet.param: facet.parse(params.get(facet.param)) for facet in facets}

    def facet(self, param: str) -> Facet:
        return next(facet for facet in self.facets if facet.param == param)

    def any_active(self) -> bool:
        return any(value is not None for value in self.selected.values())

    def others_active(self, param: str) -> bool:
        return any(value is not None for key, value in self.selected.items() if key != param)

    def filter(self, queryset, *, exclude: str | None = None):
        for facet in self.facets:
            value = self.selected[facet.param]
            if value is not None and facet.param != exclude:
                queryset = facet.apply(queryset, value)
        return queryset

    def prepare(self, queryset):
        """``queryset`` with every facet's ``column`` readable by ``values()``."""
        for facet in self.facets:
            queryset = facet.prepare(queryset)
        return queryset

    def url_with(self, **changes) -> str:
        """The current URL with some parameters changed (None removes one); always
        back on page 1, and with meaningless parameters dropped."""
        query = QueryDict(mutable=True)
        for key in self.params:
            facet_value = self.selected.get(key)
            if key == "page" or (key in self.selected and facet_value is None):
                continue
            query[key] = self.params[key]
        for key, value in changes.items():
            if value is None:
                query.pop(key, None)
            else:
                query[key] = value
        encoded = query.urlencode()
        return f"{self.base_url}?{encoded}" if encoded else self.base_url

    def groups(self, queryset) -> list[tuple[Facet, list[Option]]]:
        result = []
        for facet in self.facets:
            selected = self.selected[facet.param]
            options = facet.options(self.filter(queryset, exclude=facet.param), selected)
            self.link_options(facet, options)
            result.append((facet, options))
        return result

    def groups_from_rows(
        self, rows: list[dict], *, rows_for=None
    ) -> list[tuple[Facet, list[Option]]]:
        """``groups`` over rows already fetched (``values()`` of every facet's column):
        the same counts without a query per facet. ``rows_for`` may give a facet rows of
        its own, fetched without that facet's filter."""
        active = [
            (f, self.selected[f.param]) for f in self.facets if self.selected[f.param] is not None
        ]
        rows_for = rows_for or {}
        columns_of: dict[int, dict[str, list]] = {}  # source rows → facet → keys, row by row
        result = []
        for facet in self.facets:
            source = rows_for.get(facet.param, rows)
            if id(source) not in columns_of:
                columns_of[id(source)] = {f.param: f.keys(source) for f in self.facets}
            columns = columns_of[id(source)]
            others = [(f, value) for f, value in active if f is not facet]
            # Column by column: 500 rows × 6 facets are counted on every search.
            keys = columns[facet.param]
            if others:  # only the rows every other active filter accepts
                kept = [
                    all(
                        other.accepts(key, value)
                        for (other, value), key in zip(others, row_keys, strict=True)
                    )
                    for row_keys in zip(*(columns[other.param] for other, _ in others), strict=True)
                ]
                keys = compress(keys, kept)
            counts = Counter(keys)
            options = facet.options_from(counts, self.selected[facet.param])
            self.link_options(facet, options)
            result.append((facet, options))
        return result

    def groups_from_counts(self, stored: dict) -> list[tuple[Facet, list[Option]]]:
        """``groups`` from counts kept in step with the index (``portal.search.counts``),
        for a page without active filters: no query over the entries at all."""
        result = []
        for facet in self.facets:
            counts = facet.from_stored(stored.get(facet.param, {}))
            options = facet.options_from(counts, self.selected[facet.param])
            self.link_options(facet, options)
            result.append((facet, options))
        return result

    def link_options(self, facet, options):
        for option in options:
            option.url = self.url_with(**{facet.param: None if option.selected else option.value})
            self.link_options(facet, option.children)

    def active(self) -> list[dict]:
        """The active filters as labels with a link that removes each."""
        return [
            {
                "label": facet.label,
                "value": facet.selected_label(self.selected[facet.param]),
                "remove_url": self.url_with(**{facet.param: None}),
            }
            for facet in self.facets
            if self.selected[facet.param] is not None
        ]
