"""Deadline and reporting-frequency hints in a task's text (完成时限、报送频次).

Pure: no ORM, no clock; the plan's year comes from the caller. A work plan says when a
task is due in a handful of set phrases ("6月底前", "年底前", "上半年", "三季度"), how
often it is reported ("每月", "每季度", "每半年", "定期"), or that it has no end date
("持续推进", "常态化", "5个工作日内" — a time limit per occurrence, not a date). The
hints only pre-fill the decomposition form; the supervisor confirms or corrects them.

Text is matched in its folded spelling (simplified script, half-width forms), so a
traditional-script plan such as seed 003 gives the same hints.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from portal.search.textsearch import normalise

# The values of plans.models.Frequency (this module stays free of the ORM; a test checks
# that the two agree).
MONTHLY, QUARTERLY, HALF_YEARLY = "monthly", "quarterly", "half_yearly"

_CN_NUMBERS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_CN_NUMBERS |= {"八": 8, "九": 9, "十": 10, "十一": 11, "十二": 12}
_MONTH = r"(1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_DAY = r"([12][0-9]|3[01]|0?[1-9])"

# (pattern, what a match means). Dates first: the earliest date named wins.
_MONTH_DAY = re.compile(rf"{_MONTH}月{_DAY}日(?:之?前|以前)")
_MONTH_END = re.compile(rf"{_MONTH}月(?:底|末|份)(?:之?前|以前)?")
_QUARTER = re.compile(r"第?([一二三四1-4])季度(?:末|底)?(?:之?前|以前)?")
_HALF = re.compile(r"(上|下)半年")
_YEAR_END = re.compile(r"年底(?:之?前|以前)?|年末|年内|年度内")

# Reporting cadences, most specific first: "定期" is the plan's own vague word, taken as
# quarterly only when nothing more precise is said (二、（二） of seed 000 says both
# "定期督查" and "每半年").
_FREQUENCIES = (
    (re.compile(r"每个?月|按月"), MONTHLY),
    (re.compile(r"每个?季度?|按季度?"), QUARTERLY),
    (re.compile(r"每半年|半年一次"), HALF_YEARLY),
    (re.compile(r"定期"), QUARTERLY),
)
_CONTINUOUS = re.compile(r"持续推进|长期坚持|常态化|长效|\d+个工作日内")


@dataclass(frozen=True)
class DeadlineHint:
    """What the text says about timing: the phrases found (folded spelling), the due date
    they give for the plan's year (None without a year or without a dated phrase), the
    reporting frequency ("" when none is named) and whether it reads as 持续推进."""

    phrases: tuple[str, ...] = ()
    due_on: date | None = None
    frequency: str = ""
    is_continuous: bool = False


def _month(text: str) -> int:
    return int(text) if text.isdigit() else _CN_NUMBERS[text]


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _dates(text: str, year: int | None) -> list[tuple[int, str, date | None]]:
    """(position, phrase, date) of every dated phrase; the date is None without a year."""
    found = []

    def add(match, make):
        found.append((match.start(), match.group(0), make(match) if year else None))

    for match in _MONTH_DAY.finditer(text):
        month, day = _month(match.group(1)), int(match.group(2))
        if year and day > calendar.monthrange(year, month)[1]:
            continue  # "2月30日" is a typing error, not a deadline
        add(match, lambda m, month=month, day=day: date(year, month, day))
    for match in _MONTH_END.finditer(text):
        add(match, lambda m: _last_day(year, _month(m.group(1))))
    for match in _QUARTER.finditer(text):
        quarter = int(match.group(1)) if match.group(1).isdigit() else _month(match.group(1))
        add(match, lambda m, q=quarter: _last_day(year, q * 3))
    for match in _HALF.finditer(text):
        add(match, lambda m: _last_day(year, 6 if m.group(1) == "上" else 12))
    for match in _YEAR_END.finditer(text):
        add(match, lambda m: date(year, 12, 31))
    return sorted(found, key=lambda row: row[0])


def deadline_hint(text: str, *, year: int | None = None) -> DeadlineHint:
    """The timing a task's text states. The due date is the earliest one named (a task
    "6月底前完成…年底前全面完成" is first due at the end of June); a frequency phrase sets
    the reporting cadence; with neither a date nor a frequency but a 持续推进 phrase the
    task is continuous."""
    folded = normalise(text)
    dated = _dates(folded, year)
    phrases = [phrase for _, phrase, _ in dated]
    frequency = ""
    for pattern, value in _FREQUENCIES:
        match = pattern.search(folded)
        if match:
            phrases.append(match.group(0))
            frequency = frequency or value
    continuous = _CONTINUOUS.search(folded)
    if continuous:
        phrases.append(continuous.group(0))
    due = [day for _, _, day in dated if day is not None]
    return DeadlineHint(
        phrases=tuple(dict.fromkeys(phrases)),
        due_on=min(due) if due else None,
        frequency=frequency,
        is_continuous=not dated and bool(frequency or continuous),
    )
