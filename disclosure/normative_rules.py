"""The rules of normative documents (行政规范性文件, statutory.md §1): pure functions over
dates and text, no database; the settings hold the local practice.

- 统一登记、统一编号、统一发布: a 统一编号 follows ``NORMATIVE_NUMBER_FORMAT`` (e.g.
  ``渝民规〔{year}〕{sequence}号`` or ``HFGS-{year}-{sequence}``).
- Effective by default ``NORMATIVE_EFFECTIVE_AFTER_DAYS`` (30) days after publication.
- Valid for ``NORMATIVE_VALIDITY_YEARS`` (5) years from the effective date; titles with
  暂行/试行 ``NORMATIVE_PROVISIONAL_YEARS`` (2); genres in ``NORMATIVE_GENRE_YEARS`` (通告:
  1); the shortest rule that applies wins. The last valid day is the day before the
  anniversary (有效期5年, 自2024年6月5日起施行 → 有效期至2029年6月4日).
- They **expire automatically**: 有效 turns 失效 the day after the last valid day. The
  validity is computed from the stored dates and today's date, never stored as a flag.
- 废止 and 已修改 are stored, with the document that repealed or amended it.
"""

from __future__ import annotations

import calendar
import re
import string
import unicodedata
from datetime import date, timedelta
from functools import cache

from django.conf import settings

from portal.models import Organization

VALID, EXPIRED, REPEALED, AMENDED = "有效", "失效", "废止", "已修改"
VALIDITIES = (VALID, EXPIRED, REPEALED, AMENDED)
# Stored values under which the dates decide (blank: a normative document is never blank).
DATE_DECIDES = ("", VALID)
EARLIEST_YEAR = 1949
MAX_NUMBER_LENGTH = 50

_OPENING, _CLOSING = "[(【〖〔", "])】〗〕"  # after NFKC: （［﹝ are ( [ 〔 already


# --- 统一编号 ---------------------------------------------------------------------------


@cache
def _number_pattern(number_format: str) -> re.Pattern:
    parts = []
    for literal, field, spec, _conversion in string.Formatter().parse(number_format):
        parts.append(re.escape(normalise_registration_number(literal)))
        if field == "year":
            parts.append(r"(?P<year>\d{4})")
        elif field == "sequence":
            width = re.fullmatch(r"0?(\d+)d", spec or "")
            parts.append(
                rf"(?P<sequence>\d{{{width.group(1)}}})" if width else r"(?P<sequence>\d{1,6})"
            )
        elif field is not None:
            raise ValueError(f"NORMATIVE_NUMBER_FORMAT: unknown field {{{field}}}")
    return re.compile("".join(parts))


def number_example(year: int, sequence: int = 3) -> str:
    """A number that follows the configured pattern, for help texts and messages."""
    return settings.NORMATIVE_NUMBER_FORMAT.format(year=year, sequence=sequence)


def normalise_registration_number(text: str) -> str:
    """The number as typed, in one canonical form: full-width letters and digits made
    half-width (NFKC), spaces removed, Latin letters upper case and, when the pattern
    uses 〔〕, any bracket around the year written 〔〕 ([2019], （2019）, 【2019】…)."""
    text = unicodedata.normalize("NFKC", text or "")
    text = unicodedata.normalize("NFKC", "".join(ch for ch in text if not ch.isspace()).upper())
    if "〔" in settings.NORMATIVE_NUMBER_FORMAT:
        text = text.translate(str.maketrans(_OPENING, "〔" * len(_OPENING)))
        text = text.translate(str.maketrans(_CLOSING, "〕" * len(_CLOSING)))
    return text


def registration_number_error(text: str, *, today: date) -> str:
    """Why ``text`` is not a 统一编号 of the configured pattern, in Chinese; "" if it is."""
    number = normalise_registration_number(text)
    example = f"应类似“{number_example(today.year)}”"
    if not number:
        return f"请填写统一编号，{example}。"
    if len(number) > MAX_NUMBER_LENGTH:
        return f"统一编号过长（最多 {MAX_NUMBER_LENGTH} 个字符），{example}。"
    match = _number_pattern(settings.NORMATIVE_NUMBER_FORMAT).fullmatch(number)
    if match is None:
        return f"统一编号格式不正确，{example}。"
    year = match.groupdict().get("year")
    if year is not None and not EARLIEST_YEAR <= int(year) <= today.year + 1:
        return f"统一编号中的年份“{year}”不合理，{example}。"
    sequence = match.groupdict().get("sequence")
    if sequence is not None and int(sequence) == 0:
        return f"统一编号的序号不能为 0，{example}。"
    return ""


# --- dates ------------------------------------------------------------------------------


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February falls on 1 March of a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def _genre_years() -> dict[str, int]:
    pairs = (
        item.split(":", 1) for item in settings.NORMATIVE_GENRE_YEARS.split(",") if ":" in item
    )
    return {name.strip(): int(years) for name, years in pairs}


def validity_years(*, title: str, genre_name: str) -> int:
    """The validity period in years: 5; 2 for 暂行/试行 titles; 1 for 通告 (the shortest
    rule that applies)."""
    years = [settings.NORMATIVE_VALIDITY_YEARS]
    if any(marker in (title or "") for marker in settings.NORMATIVE_PROVISIONAL_MARKERS):
        years.append(settings.NORMATIVE_PROVISIONAL_YEARS)
    if (genre := _genre_years().get(genre_name or "")) is not None:
        years.append(genre)
    return min(years)


def default_effective_on(published_on: date) -> date:
    return published_on + timedelta(days=settings.NORMATIVE_EFFECTIVE_AFTER_DAYS)


def default_expires_on(effective_on: date, *, title: str, genre_name: str) -> date:
    """The last valid day: the day before the period's anniversary."""
    years = validity_years(title=title, genre_name=genre_name)
    return add_years(effective_on, years) - timedelta(days=1)


def fill_dates(document, *, published_on: date | None, genre_name: str) -> None:
    """Put the default 生效日期 and 有效期至 on a normative ``document`` whose fields are
    blank, once its publication date is known; dates typed by the clerk are kept."""
    if not document.is_normative or published_on is None:
        return
    if document.effective_on is None:
        document.effective_on = default_effective_on(published_on)
    if document.expires_on is None:
        document.expires_on = default_expires_on(
            document.effective_on, title=document.title, genre_name=genre_name
        )


def validity_on(*, stored: str, is_normative: bool, expires_on: date | None, today: date) -> str:
    """The 有效性 shown on ``today``: a normative document's 有效 (or blank) becomes 失效
    after its last valid day; 废止, 已修改 and a declared 失效 stay as stored. Other
    documents show what is stored (blank when they carry none)."""
    if not is_normative or stored not in DATE_DECIDES:
        return stored
    if expires_on is not None and today > expires_on:
        return EXPIRED
    return VALID


def alert_until(today: date) -> date:
    """Documents whose period ends by this day are due for evaluation (6 months ahead)."""
    index = today.month - 1 + settings.NORMATIVE_EXPIRY_ALERT_MONTHS
    year, month = today.year + index // 12, index % 12 + 1
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


# --- policy interpretation --------------------------------------------------------------


def needs_interpretation_default(
    *, is_normative: bool, genre_name: str, organization_kind: str
) -> bool:
    """ "谁起草、谁解读" (statutory.md §6): normative documents, and the policy genres
    (决定, 命令（令）, 意见, 通知, 通告) that the agency itself issues, need an interpretation
    unless the clerk says otherwise."""
    if is_normative:
        return True
    return (
        genre_name in settings.NEEDS_INTERPRETATION_GENRES
        and organization_kind == Organization.Kind.AGENCY
    )
