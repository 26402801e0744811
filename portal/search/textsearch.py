"""Chinese full-text search on PostgreSQL's own ``tsvector``, without a Chinese parser.

Pure functions (no ORM): text is normalised (traditional → simplified with OpenCC,
full-width → half-width, lower case), then cut into overlapping character bigrams for
Chinese runs and whole words for Latin letters and digits. A query is cut the same way
and every one of its bigrams must match.

Why bigrams and not segmented words: a segmenter cuts 婚姻登记 as one word, so a query
for 婚姻 would miss it (on 100,000 documents word tokens alone found 74 % of the
documents containing 婚姻; bigrams find all of them, with about 0.4 % false matches where
the bigrams occur apart). ``bench/search_speed.py`` measures recall, size and latency.

The vector is written as a ``tsvector`` literal: title bigrams carry positions and weight
A (ranking weighs them highest), everything else is stored without positions, which keeps
the stored vectors small. Since position-less lexemes match any weight restriction,
"is it a title match" is asked of a separate title-only vector.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MAX_QUERY_CHARS = 100
MAX_QUERY_TOKENS = 32

# Chinese (with the CJK extensions and compatibility ideographs) versus Latin words.
_CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
MAX_WORD = 64  # longer Latin/digit runs are noise (hashes, URLs) and PostgreSQL rejects huge ones
MAX_LEXEMES = 50_000  # a tsvector holds at most 1 MB
# Titles are short (300 characters); this keeps positions far below PostgreSQL's limits
# (position 16383, 256 positions per lexeme) whatever a title holds.
MAX_TITLE_TOKENS = 256
_RUNS = re.compile(rf"[{_CJK}]+|[a-z0-9]+")


@lru_cache(maxsize=1)
def _to_simplified():
    import opencc

    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """One spelling for search: simplified script, half-width forms, lower case."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return _to_simplified().convert(text)


def tokens(text: str) -> list[str]:
    """Overlapping bigrams of each Chinese run, then the run's last character alone, and
    whole Latin/digit words, in order, from already normalised text.

    With the last character indexed, every occurrence of a character starts some lexeme,
    so a one-character query (税, or 年 in "2019年") is a prefix query that finds them all."""
    result = []
    for run in _RUNS.findall(text):
        if run[0].isascii():
            if len(run) <= MAX_WORD:
                result.append(run)
        else:
            result.extend(map(str.__add__, run, run[1:]))  # the bigrams, at C speed
            result.append(run[-1])
    return result


_PAIRS = re.compile("..", re.DOTALL)


def bare_tokens(text: str) -> list[str]:
    """``tokens`` in no particular order, repeats and all: what a position-less lexeme list
    needs (PostgreSQL sorts the literal and drops repeats itself). A Chinese run's bigrams
    are its character pairs from offset 0 and from offset 1, cut by the regex engine in
    C: bodies are most of an import's text, and this is a third faster than building
    each bigram and collecting them in a set."""
    result = []
    for run in _RUNS.findall(text):
        if run[0].isascii():
            if len(run) <= MAX_WORD:
                result.append(run)
        else:
            result += _PAIRS.findall(run)
            result += _PAIRS.findall(run, 1)
            result.append(run[-1])
    return result


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def title_lexemes(title: str) -> tuple[str, set[str]]:
    """A title's part of a ``tsvector`` literal (tokens with positions and weight A), and
    its tokens, which the rest of the text need not repeat."""
    found = tokens(normalise(title))[:MAX_TITLE_TOKENS]
    # One entry per occurrence: PostgreSQL sorts the lexemes and merges each one's
    # positions itself. Tokens are CJK bigrams or [a-z0-9]+ words: nothing to escape.
    literal = " ".join([f"'{token}':{position}A" for position, token in enumerate(found, 1)])
    return literal, set(found)


def tsvector_literal(*, title: str, rest: str) -> str:
    """A ``tsvector`` literal: title tokens with positions and weight A, the rest bare."""
    titled, title_tokens = title_lexemes(title)
    return with_bare_lexemes(titled, title_tokens, rest)


def with_bare_lexemes(titled: str, title_tokens: set[str], rest: str) -> str:
    """``titled`` (from ``title_lexemes``) followed by the other tokens of ``rest``,
    without positions. A token the title holds too, or one repeated, is merged by
    PostgreSQL into one lexeme, the title's positions kept."""
    bare = bare_tokens(normalise(rest))
    if len(bare) > MAX_LEXEMES:  # only a very long text: keep the vector within 1 MB
        bare = list(set(bare) - title_tokens)[:MAX_LEXEMES]
    if not bare:
        return titled
    listed = "'" + "' '".join(bare) + "'"
    return f"{titled} {listed}" if titled else listed


def query_terms(query: str) -> list[str]:
    """The normalised Chinese runs and Latin/digit words of a query (what highlighting
    looks for), whatever separated them: spaces, commas or other punctuation."""
    return _RUNS.findall(normalise(query[:MAX_QUERY_CHARS]))


def _query_tokens(word: str) -> list[str]:
    """A query word's tokens: its bigrams (a lone character stays alone; no extra
    last-character token, which the bigrams already imply)."""
    if word.isascii():
        return [word] if len(word) <= MAX_WORD else []
    if len(word) == 1:
        return [word]
    return [word[i : i + 2] for i in range(len(word) - 1)]


def query_tokens(query: str) -> list[str]:
    """Every token a match must hold, once each, in the query's order."""
    parts = []
    for word in query_terms(query):
        parts.extend(_query_tokens(word))
    return list(dict.fromkeys(parts))[:MAX_QUERY_TOKENS]


def is_prefix_token(token: str) -> bool:
    """A lone Chinese character matches every lexeme it starts (see ``tokens``)."""
    return len(token) == 1 and not token.isascii()


def tsquery(query: str) -> str | None:
    """A ``to_tsquery``-free query string: every token of every word must match. Built
    only from our own tokens, so no user-typed operator ever reaches PostgreSQL."""
    unique = query_tokens(query)
    if not unique:
        return None

    def term(token: str) -> str:
        return f"{_quote(token)}:*" if is_prefix_token(token) else _quote(token)

    return " & ".join(term(token) for token in unique)


# 发文字号 are typed with any bracket: 渝民发〔2019〕97号, [2019], (2019), ﹝2019﹞, full or half width.
_YEAR_BRACKETS = re.compile(r"[\[\(（〔﹝【［〖]\s*(\d{4})\s*[\]\)）〕﹞】］〗]")
_DOCUMENT_NUMBER = re.compile(rf"^[{_CJK}]{{1,12}}\s*〔\d{{4}}〕\s*\d+\s*号$")


def canonical_document_number(text: str) -> str:
    """发文字号 in the catalogue's own spelling: 〔year〕 brackets, no spaces."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    text = _YEAR_BRACKETS.sub(r"〔\1〕", text)
    return re.sub(r"\s+", "", text)


def looks_like_document_number(text: str) -> bool:
    return bool(_DOCUMENT_NUMBER.match(canonical_document_number(text)))


_INDEX_NUMBER = re.compile(r"^[0-9A-Z]{8,20}[/-]\d{4,6}-\d{1,8}$")


def looks_like_index_number(text: str) -> bool:
    return bool(_INDEX_NUMBER.match(unicodedata.normalize("NFKC", text or "").strip().upper()))
