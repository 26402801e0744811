"""Marking the query's words in result titles and snippets, script- and width-blind."""

import html
import re

from django.utils.safestring import mark_safe

from portal.search.textsearch import normalise

SNIPPET_CHARS = 120


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
