"""Rules for the catalogue's metadata that hold wherever a document is written (the admin
form, the import): pure functions, no database.

- 索引号 typed by hand follows the configured pattern (国办秘函〔2009〕6号:
  ``<统一社会信用代码>/<year>-<sequence>``) with a valid GB 32100 credit code; a number
  from an earlier catalogue is kept as it was and marked legacy instead.
- Dates are plausible: 成文日期 falls between the founding of the PRC (no document of a
  people's government is older) and a year from now, 发布日期 is not older either, and a
  document is written before it is published.
"""

import re
import string
from datetime import date, datetime, timedelta
from functools import cache

from django.conf import settings
from django.utils import timezone

from portal.credit_code import credit_code_error

EARLIEST_DATE = date(1949, 10, 1)
LATEST_AHEAD = timedelta(days=366)

_FIELD_PATTERNS = {
    "code": r"(?P<code>[0-9A-Z]{18})",
    "year": r"(?P<year>\d{4})",
    "sequence": r"(?P<sequence>\d{1,9})",
}


@cache
def _index_number_pattern(number_format: str) -> re.Pattern:
    parts = []
    for literal, field, _spec, _conversion in string.Formatter().parse(number_format):
        parts.append(re.escape(literal))
        if field:
            parts.append(_FIELD_PATTERNS[field])
    return re.compile("".join(parts))


def index_number_error(number: str, *, today: date) -> str:
    """Why a hand-typed 索引号 is not one the portal's pattern allows, or ""."""
    example = settings.INDEX_NUMBER_FORMAT.format(
        code="11500000MB1234567X", year=today.year, sequence=1
    )
    advice = (
        f"应为“统一社会信用代码/年份-序号”，例如 {example}；迁移的历史索引号请勾选“历史索引号”。"
    )
    match = _index_number_pattern(settings.INDEX_NUMBER_FORMAT).fullmatch(number)
    if match is None:
        return f"索引号格式不对：{advice}"
    if problem := credit_code_error(match["code"]):
        return f"索引号中的{problem}"
    if not EARLIEST_DATE.year <= int(match["year"]) <= today.year + 1:
        return f"索引号中的年份 {match['year']} 不合理。"
    if int(match["sequence"]) == 0:
        return f"索引号的序号不能为 0：{advice}"
    return ""


def date_errors(
    written_on: date | None, published_at: datetime | None, *, today: date, tz=None
) -> dict:
    """Field errors for implausible 成文日期 and 发布日期, keyed by field name. ``tz``: the
    time zone 发布日期 is read in, when the caller has it (an import, row after row)."""
    errors = {}
    latest = today + LATEST_AHEAD
    published_on = timezone.localtime(published_at, tz).date() if published_at else None
    if written_on is not None and not EARLIEST_DATE <= written_on <= latest:
        errors["written_on"] = (
            f"成文日期 {written_on:%Y-%m-%d} 不合理：应在 {EARLIEST_DATE:%Y-%m-%d} 至 {latest:%Y-%m-%d} 之间。"
        )
    # A publish date may lie far ahead (scheduled publication), never before the PRC.
    if published_on is not None and published_on < EARLIEST_DATE:
        errors["published_at"] = (
            f"发布日期 {published_on:%Y-%m-%d} 不合理：不能早于 {EARLIEST_DATE:%Y-%m-%d}。"
        )
    if not errors and written_on and published_on and written_on > published_on:
        errors["written_on"] = (
            f"成文日期 {written_on:%Y-%m-%d} 晚于发布日期 {published_on:%Y-%m-%d}：文件应先成文、后发布。"
        )
    return errors
