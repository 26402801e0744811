"""portal.search.textsearch: pure functions (and, at the end, what PostgreSQL makes of
their literals)."""

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from portal.search.textsearch import (
    MAX_WORD,
    bare_tokens,
    canonical_document_number,
    looks_like_document_number,
    looks_like_index_number,
    normalise,
    query_terms,
    tokens,
    tsquery,
    tsvector_literal,
)


def test_normalise_folds_script_width_and_case():
    assert normalise("婚姻登記 ＡＢＣ１２") == "婚姻登记 abc12"


def test_tokens_are_bigrams_plus_the_runs_last_character_and_latin_words():
    assert tokens(normalise("低保标准 2019年 ABC")) == [
        "低保",
        "保标",
        "标准",
        "准",
        "2019",
        "年",
        "abc",
    ]


def test_the_title_carries_positions_and_weight_a_the_rest_is_bare():
    literal = tsvector_literal(title="低保", rest="救助")
    assert "'低保':1A" in literal and "'救助'" in literal and "'救助':" not in literal


@pytest.mark.parametrize(
    "query, expected",
    [
        ("低保", "'低保'"),
        ("城乡低保", "'城乡' & '乡低' & '低保'"),
        ("税", "'税':*"),
        ("低保，救助", "'低保' & '救助'"),
        ("a & b | !c", "'a' & 'b' & 'c'"),
        ("'; DROP TABLE x; --", "'drop' & 'table' & 'x'"),
        ("！？。", None),
        ("", None),
    ],
)
def test_a_query_becomes_a_safe_conjunction_of_our_own_tokens(query, expected):
    assert tsquery(query) == expected


def test_query_terms_are_what_highlighting_looks_for():
    assert query_terms("城乡 低保，2019") == ["城乡", "低保", "2019"]


@pytest.mark.parametrize(
    "typed",
    ["渝民发〔2019〕97号", "渝民发[2019]97号", "渝民发（2019）97号", "渝民发 ﹝2019﹞ 97 号"],
)
def test_document_numbers_in_any_bracket_style_are_one(typed):
    assert canonical_document_number(typed) == "渝民发〔2019〕97号"
    assert looks_like_document_number(typed)


def test_index_numbers_are_recognised():
    assert looks_like_index_number("115000000092759914/2019-01946")
    assert looks_like_index_number("01527918X-2020-153077")
    assert not looks_like_index_number("低保")


def test_a_repeated_title_token_keeps_every_position():
    literal = tsvector_literal(title="低保低保", rest="")
    assert literal.split() == ["'低保':1A", "'保低':2A", "'低保':3A", "'保':4A"]


# Chinese, Latin letters and digits, long words, punctuation and blanks, as in a body.
_PIECES = [*"低保标准救助城乡养老婚姻abcz019，。 \n", "x" * (MAX_WORD + 1)]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=200).map("".join)


@given(_TEXT)
def test_bare_tokens_are_the_tokens_in_another_order(text):
    assert sorted(bare_tokens(text)) == sorted(tokens(text))


@pytest.mark.django_db
def test_postgresql_merges_repeats_and_title_tokens_keeping_the_title_positions():
    literal = tsvector_literal(title="低保", rest="低保救助，救助 2019 2019")
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::tsvector::text", [literal])
        stored = cursor.fetchone()[0]
    assert stored == "'2019' '低保':1A '保':2A '保救' '助' '救助'"
