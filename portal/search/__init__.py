"""Search for every kind of public content: the index table (``portal.models.SearchEntry``),
text folding and query parsing (``textsearch``), facets (``facets``), answering a query
(``query.run_search``), popular searches (``terms``) and the registry apps add their
kinds to (``registry``)."""

from portal.search.registry import (
    SearchKind,
    entry,
    index_item,
    index_items,
    kinds,
    register,
    register_facet,
    unindex_item,
    url_pattern,
)

__all__ = [
    "SearchKind",
    "entry",
    "index_item",
    "index_items",
    "kinds",
    "register",
    "register_facet",
    "unindex_item",
    "url_pattern",
]
