"""The rules for text people type: one line, or a block."""

import pytest
from django.core.exceptions import ValidationError

from portal.plaintext import clean_block, clean_line, strip_to_line, xml_safe


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("  关于做好低保工作的通知\u3000", "关于做好低保工作的通知"),  # blanks, ideographic too
        ("Cafe\u0301", "Café"),  # NFC: one code point, as every other title spells it
        ("渝民发〔2025〕12号", "渝民发〔2025〕12号"),
        ("𠀀𪚥 Extension B", "𠀀𪚥 Extension B"),
    ],
)
def test_a_line_is_normalised(typed, stored):
    assert clean_line(typed) == stored


@pytest.mark.parametrize(
    "typed, named",
    [
        ("标题\x01", "U+0001"),
        ("标题\x00", "U+0000"),
        ("标题\x85", "U+0085"),
        ("标题\x9f", "U+009F"),
        ("两行\n标题", "U+000A"),
        ("标题\u2028", "U+2028"),
        ("渝民发\u202e号21", "U+202E"),
        ("标\u2066题", "U+2066"),
        ("低\u200b保", "U+200B"),
        ("低\ufeff保", "U+FEFF"),
        ("坏\ud800字", "U+D800"),
        ("非\uffff字", "U+FFFF"),
    ],
)
def test_a_line_refuses_controls_breaks_bidi_and_invisible_characters(typed, named):
    with pytest.raises(ValidationError) as refused:
        clean_line(typed)
    message = refused.value.messages[0]
    assert named in message and "请" in message


def test_a_block_keeps_its_lines_and_drops_what_was_pasted_unseen():
    pasted = "第一段\x0b第二段\r\n第三段\x01\u202e\t缩进\x00"
    assert clean_block(pasted) == "第一段\n第二段\n第三段\t缩进"


def test_an_uploaded_name_loses_what_a_line_cannot_carry():
    assert strip_to_line(" 附件\x07\u202e一.pdf ") == "附件一.pdf"


def test_xml_safe_drops_only_what_xml_cannot_carry():
    assert xml_safe("a\x01b\tc\nd\ufffe") == "ab\tc\nd"
    assert xml_safe(None) is None
