"""The information processing fee (信息处理费) of 国办函〔2020〕109号, pure arithmetic.

Disclosure on request is free (条例 Art 42); an office may charge only when an applicant's
requests clearly exceed a reasonable amount or frequency, by one of two methods — never
both in one notice:

- **按件计收** (per application): by the applicant's count of applications in the calendar
  month. Up to 10 (inclusive) free; the 11th to the 30th at 100 元 each; from the 31st on,
  each further block of 10 costs 100 元 more per application than the block before it
  (31–40: 200 元 each, 41–50: 300 元 each …). statutory.md §2 words it "11–30 at 100 元
  each, +100 元 per further block of 10"; this is that rule taken literally.
- **按量计收** (per page) for one application: up to 30 pages free; the part from 31 to 100
  pages at 10 元 a page, from 101 to 200 at 20 元, above 200 at 40 元 — each band priced
  on its own part only (progressive, like a tax bracket).
"""

from __future__ import annotations

from dataclasses import dataclass

PER_APPLICATION = "per_application"
PER_PAGE = "per_page"
METHODS = {PER_APPLICATION: "按件计收", PER_PAGE: "按量计收"}

FREE_APPLICATIONS = 10
FIRST_BAND_END = 30
FIRST_BAND_PRICE = 100
BLOCK = 10
BLOCK_STEP = 100

# (first page of the band, last page or None, price per page in 元)
PAGE_BANDS = [(31, 100, 10), (101, 200, 20), (201, None, 40)]
FREE_PAGES = 30


@dataclass(frozen=True)
class Fee:
    method: str
    quantity: int  # the application's place in the month, or its pages
    amount: int  # 元
    explanation: list[str]


def per_application_price(nth: int) -> int:
    """The fee in 元 for an applicant's ``nth`` application of a calendar month."""
    if nth < 1:
        raise ValueError("nth must be at least 1")
    if nth <= FREE_APPLICATIONS:
        return 0
    if nth <= FIRST_BAND_END:
        return FIRST_BAND_PRICE
    blocks = (nth - FIRST_BAND_END - 1) // BLOCK + 1  # 31–40 → 1, 41–50 → 2 …
    return FIRST_BAND_PRICE + BLOCK_STEP * blocks


def per_page_amount(pages: int) -> int:
    """The fee in 元 for one application's ``pages`` pages, band by band."""
    if pages < 0:
        raise ValueError("pages must not be negative")
    total = 0
    for first, last, price in PAGE_BANDS:
        top = pages if last is None else min(pages, last)
        if top >= first:
            total += (top - first + 1) * price
    return total


def calculate(*, method: str, monthly_count: int | None = None, pages: int | None = None) -> Fee:
    """The fee of one notice by one method (109号: the two are never combined)."""
    if method == PER_APPLICATION:
        if pages is not None or monthly_count is None:
            raise ValueError("按件计收只按本月申请件数计算，不能同时按页数计费。")
        amount = per_application_price(monthly_count)
        lines = [f"按件计收：本申请为申请人本自然月第 {monthly_count} 件"]
        if amount:
            lines.append(
                f"第 {monthly_count} 件收费 {amount} 元（10 件以下免费，11—30 件每件 100 元，此后每 10 件一档，每档每件增加 100 元）"
            )
        else:
            lines.append("本月 10 件以下（含 10 件），不收费")
        return Fee(PER_APPLICATION, monthly_count, amount, lines)
    if method == PER_PAGE:
        if monthly_count is not None or pages is None:
            raise ValueError("按量计收只按页数计算，不能同时按件数计费。")
        amount = per_page_amount(pages)
        lines = [f"按量计收：共 {pages} 页，30 页以下（含 30 页）不收费"]
        for first, last, price in PAGE_BANDS:
            top = pages if last is None else min(pages, last)
            if top >= first:
                count = top - first + 1
                band = f"{first}—{last} 页" if last is not None else f"{first - 1} 页以上"
                lines.append(f"{band}部分 {count} 页 × {price} 元 = {count * price} 元")
        lines.append(f"合计 {amount} 元")
        return Fee(PER_PAGE, pages, amount, lines)
    raise ValueError(f"unknown method {method!r}")
