"""The personal-data detector and masker (portal.redaction)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.redaction import (
    find_personal_data,
    leftovers,
    mask_email,
    mask_id_number,
    mask_name,
    mask_phone,
    redact,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我叫张三，想咨询", "我叫【姓名】，想咨询"),
        ("姓名：欧阳娜娜", "姓名：【姓名】"),
        ("联系人：李四 电话", "联系人：【姓名】 电话"),
        ("我是王小明的父亲", "我是【姓名】的父亲"),
        ("张先生您好", "【姓名】先生您好"),
        ("手机13812345678。", "手机【电话】。"),
        ("手机 +86 138-1234-5678", "手机 【电话】"),
        ("座机023-67891234转8", "座机【电话】"),
        ("身份证500101199001011234。", "身份证【身份证号】。"),
        ("证号50010119900101123X", "证号【身份证号】"),
        ("邮箱 a.b@example.com.cn", "邮箱 【邮箱】"),
        ("幸福小区3栋2单元", "【地址】"),
    ],
)
def test_detects_and_masks(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "我是一名退休教师",
        "2019年12月共3人",
        "低保标准每月 700 元",
        "第12号文件",
        "城乡低保申请材料",
    ],
)
def test_leaves_ordinary_text_alone(text):
    assert redact(text) == text


def test_known_values_are_masked_wherever_they_appear():
    assert redact("据赵钱孙反映", known=[("name", "赵钱孙")]) == "据【姓名】反映"


def test_answers_may_keep_an_office_phone_when_only_known_values_are_checked():
    assert leftovers("咨询电话 023-12345678", detect=False) == []
    assert leftovers("咨询电话 023-12345678") == ["电话"]


def test_partial_masks_for_staff_lists():
    assert mask_name("张三丰") == "张**"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("02367891234") == "*******1234"
    assert mask_email("zhang@example.com") == "z***@example.com"
    assert mask_id_number("500101199001011234") == "500***********1234"
    assert mask_id_number("E12345678") == "E******78"  # a passport shows little
    assert mask_id_number("12345") == "*****"
    assert mask_id_number("A123456") == "*******"  # seven characters: nothing shown


@given(st.text(max_size=40))
def test_an_id_number_mask_keeps_the_length_and_shows_at_most_eight(text):
    masked = mask_id_number(text)
    assert len(masked) == len(text.strip())
    shown = len(masked) - masked.count("*")
    assert shown <= 8 and 2 * shown <= len(masked) + 1  # about half at most


mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
ids = st.from_regex(r"[1-9][0-9]{16}[0-9X]", fullmatch=True)
emails = st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}\.(com|cn)", fullmatch=True)
chinese = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), max_size=30)


@settings(max_examples=200, deadline=None)
@given(before=chinese, after=chinese, secret=st.one_of(mobiles, ids, emails))
def test_a_number_or_address_in_any_chinese_text_never_survives(before, after, secret):
    result = redact(f"{before}{secret}{after}")
    assert secret not in result


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_any_text_is_handled_and_masking_is_stable(text):
    once = redact(text)
    assert redact(once) == once
    for finding in find_personal_data(text):
        assert text[finding.start : finding.end]
