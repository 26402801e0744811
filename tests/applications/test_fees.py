"""The 109号 calculator at every tier boundary, and its invariants for any count."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from disclosure.applications import fees


@pytest.mark.parametrize(
    ("nth", "price"),
    [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200), (41, 300), (50, 300),
     (51, 400), (100, 800), (101, 900)],
)  # fmt: skip
def test_per_application_price_at_each_boundary(nth, price):
    assert fees.per_application_price(nth) == price


@pytest.mark.parametrize(
    ("pages", "amount"),
    [(0, 0), (30, 0), (31, 10), (100, 700), (101, 720), (200, 2700), (201, 2740), (250, 4700)],
)
def test_per_page_amount_at_each_band_boundary(pages, amount):
    assert fees.per_page_amount(pages) == amount


def test_a_notice_is_by_one_method_never_both():
    with pytest.raises(ValueError):
        fees.calculate(method=fees.PER_APPLICATION, monthly_count=12, pages=40)
    with pytest.raises(ValueError):
        fees.calculate(method=fees.PER_PAGE, monthly_count=12, pages=40)
    with pytest.raises(ValueError):
        fees.calculate(method="both", monthly_count=12)


def test_the_explanation_shows_each_band_of_a_page_fee():
    fee = fees.calculate(method=fees.PER_PAGE, pages=250)
    assert fee.amount == 4700
    assert fee.explanation == [
        "按量计收：共 250 页，30 页以下（含 30 页）不收费",
        "31—100 页部分 70 页 × 10 元 = 700 元",
        "101—200 页部分 100 页 × 20 元 = 2000 元",
        "200 页以上部分 50 页 × 40 元 = 2000 元",
        "合计 4700 元",
    ]


def test_the_first_ten_applications_of_a_month_are_free():
    fee = fees.calculate(method=fees.PER_APPLICATION, monthly_count=10)
    assert fee.amount == 0
    assert fee.explanation[-1] == "本月 10 件以下（含 10 件），不收费"


@given(st.integers(min_value=1, max_value=5000))
def test_the_price_per_application_never_falls_and_rises_by_one_step_per_block(nth):
    price, following = fees.per_application_price(nth), fees.per_application_price(nth + 1)
    assert following - price in (0, 100)
    if nth > 30:
        assert price == 100 * ((nth - 31) // 10 + 2)


@given(st.integers(min_value=0, max_value=5000))
def test_each_extra_page_costs_the_price_of_its_band(pages):
    step = fees.per_page_amount(pages + 1) - fees.per_page_amount(pages)
    expected = 0 if pages + 1 <= 30 else 10 if pages + 1 <= 100 else 20 if pages + 1 <= 200 else 40
    assert step == expected


@given(st.integers(max_value=0))
def test_a_count_below_one_is_refused(nth):
    with pytest.raises(ValueError):
        fees.per_application_price(nth)
