"""Text as people type or paste it, made fit to store: normalised once, on the write path.

A single line (a title, a 文号, a name, keywords) is Unicode NFC with its blanks trimmed,
and refuses what no title needs and what breaks or deceives downstream: control
characters (an XML feed or an XLSX export cannot carry them), line breaks, bidi
overrides and isolates (they make text read differently than it is stored, e.g. a 文号
that looks like another), zero-width characters (two titles that look the same but do
not match), lone surrogates and the noncharacters U+FFFE/U+FFFF.

A block of text (a body, a summary, an opinion) keeps its line breaks and tabs; the
other controls and the bidi overrides are dropped rather than refused, because they
arrive unseen with text pasted from word processors (Word's manual line break is U+000B).
"""

import re
import unicodedata

from django.core.exceptions import ValidationError

_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_CONTROL = "\x00-\x1f\x7f-\x9f"
_BIDI = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
_ZERO_WIDTH = "\u200b-\u200d\u2060-\u2064\ufeff\u180e"
_INVALID = "\ud800-\udfff\ufffe\uffff"

_LINE_BREAK = re.compile(f"[{_BREAKS}]")
_LINE_CONTROL = re.compile(f"[{_CONTROL}]")
_LINE_INVISIBLE = re.compile(f"[{_BIDI}{_ZERO_WIDTH}]")
_LINE_INVALID = re.compile(f"[{_INVALID}]")

_BLOCK_BREAK = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_BLOCK_DROPPED = re.compile(f"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f{_BIDI}{_INVALID}]")
# What XML 1.0 cannot carry at all (feeds, sitemaps, XLSX cells).
_NOT_XML = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_INVALID}]")


def _codepoint(char: str) -> str:
    return f"U+{ord(char):04X}"


def line_problem(text: str) -> str:
    """Why ``text`` cannot be a single-line value, in Chinese; empty when it can."""
    if match := _LINE_BREAK.search(text):
        return f"不能换行（含换行符 {_codepoint(match.group())}），请写在一行内。"
    if match := _LINE_CONTROL.search(text):
        return f"含有控制字符 {_codepoint(match.group())}，请删除后重新输入。"
    if match := _LINE_INVISIBLE.search(text):
        return f"含有不可见的格式字符 {_codepoint(match.group())}（文字方向或零宽字符），请删除后重新输入。"
    if match := _LINE_INVALID.search(text):
        return f"含有无效字符 {_codepoint(match.group())}，请删除后重新输入。"
    return ""


# Blanks, ideographic space and tabs included, but not the controls Python counts as
# whitespace (U+001C–U+001F, U+0085) and the line separators: refused, not trimmed.
_KEPT_AT_EDGES = frozenset(
    [chr(code) for code in (*range(0x00, 0x09), *range(0x0A, 0x20), *range(0x7F, 0xA0))]
    + ["\u2028", "\u2029"]
)


def _is_edge_blank(char: str) -> bool:
    return char.isspace() and char not in _KEPT_AT_EDGES


def normalise_line(value) -> str:
    """NFC, trimmed; not yet checked (see ``line_problem``).

    The edges are walked, not matched with a trailing-blanks pattern: such a pattern is
    tried at every position, and bodies pass through here too (the import's widgets)."""
    text = unicodedata.normalize("NFC", str(value or ""))
    start, end = 0, len(text)
    while start < end and _is_edge_blank(text[start]):
        start += 1
    while end > start and _is_edge_blank(text[end - 1]):
        end -= 1
    return text[start:end]


def clean_line(value) -> str:
    """A single-line value, normalised; ValidationError in Chinese when it cannot be one."""
    text = normalise_line(value)
    if problem := line_problem(text):
        raise ValidationError(problem, code="invalid_characters")
    return text


def validate_line(value) -> None:
    """Model and form validator: the stored value is a clean single line."""
    if value and (problem := line_problem(value)):
        raise ValidationError(problem, code="invalid_characters")


def strip_to_line(value) -> str:
    """A line made from text nobody typed as one (an uploaded file's name): whatever
    ``line_problem`` would refuse is dropped instead."""
    text = normalise_line(value)
    for pattern in (_LINE_BREAK, _LINE_CONTROL, _LINE_INVISIBLE, _LINE_INVALID):
        text = pattern.sub("", text)
    return text


def clean_block(value) -> str:
    """A multi-line value: NFC, one kind of line break, unsafe characters dropped."""
    text = unicodedata.normalize("NFC", str(value or ""))
    return _BLOCK_DROPPED.sub("", _BLOCK_BREAK.sub("\n", text))


def xml_safe(value):
    """``value`` without what XML cannot carry: what feeds and exports write, so that a
    value stored before these rules existed cannot break them."""
    return _NOT_XML.sub("", value) if isinstance(value, str) else value
