from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.id_numbers import (
    birth_date,
    check_character,
    id_number_error,
    is_valid,
    normalise,
)

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def with_check(first_17: str) -> str:
    """The check character computed here by hand from the standard, independent of the module."""
    total = sum(int(d) * w for d, w in zip(first_17, WEIGHTS, strict=True))
    return first_17 + "10X98765432"[total % 11]


def test_the_standards_example_number_is_valid():
    # GB 11643-1999 Annex: 11010519491231002 → check character X.
    assert check_character("11010519491231002") == "X"
    assert id_number_error("11010519491231002X") is None


def test_a_number_computed_by_hand_is_valid():
    number = with_check("50010319900307123")
    assert id_number_error(number) is None


def test_a_wrong_check_digit_is_refused():
    number = with_check("50010319900307123")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    assert "校验位不正确" in id_number_error(wrong)


def test_an_impossible_birth_date_is_refused():
    number = with_check("50010319900230123")  # 30 February
    assert "不是有效日期" in id_number_error(number)


def test_a_birth_date_after_today_is_refused():
    number = with_check("50010320300101123")
    assert id_number_error(number) is None
    assert "合理范围" in id_number_error(number, today=date(2026, 11, 30))


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("5001031990030712", "18位"),
        ("5001031990030712A3", "前17位"),
        ("50010319900307123Y", "第18位"),
    ],
)
def test_malformed_numbers_are_explained(number, fragment):
    assert fragment in id_number_error(number)


def test_lower_case_x_full_width_digits_and_blanks_are_normalised():
    assert normalise(" １１０１０５ 19491231002x ") == "11010519491231002X"
    assert is_valid(" １１０１０５ 19491231002x ")


def test_birth_date_reads_positions_7_to_14():
    assert birth_date("11010519491231002X") == date(1949, 12, 31)


@given(
    area=st.integers(110000, 659999),
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 1, 1)),
    sequence=st.integers(0, 999),
)
def test_every_number_built_by_the_standard_is_valid_and_any_other_check_is_not(
    area, born, sequence
):
    number = with_check(f"{area}{born:%Y%m%d}{sequence:03d}")
    assert is_valid(number, today=date(2026, 11, 30))
    for char in "0123456789X":
        if char != number[17]:
            assert not is_valid(number[:17] + char)


@given(st.text(max_size=40))
def test_any_text_gets_an_answer_never_an_exception(text):
    result = id_number_error(normalise(text))
    assert result is None or isinstance(result, str)
