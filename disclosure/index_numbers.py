"""索引号 generation: ``<credit code>/<year>-<five-digit sequence>`` (国办秘函〔2009〕6号).

The sequence counter is bumped with one ``INSERT … ON CONFLICT … DO UPDATE … RETURNING``,
which PostgreSQL serialises per (code, year) row, so concurrent creations never draw the
same number. A number already taken (an imported legacy 索引号 that happens to match the
pattern) is skipped rather than reused.
"""

from collections import Counter, defaultdict, deque
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from disclosure.models import Document, IndexNumberSequence
from portal.models import Organization

# Legacy numbers that happen to match the pattern are skipped; this many in a row means
# the configured format cannot produce fresh numbers at all.
MAX_SKIPS = 1000


def format_index_number(code: str, year: int, sequence: int) -> str:
    return settings.INDEX_NUMBER_FORMAT.format(code=code, year=year, sequence=sequence)


def allocate_index_number(organization: Organization, year: int) -> str:
    """The next free 索引号 for ``organization`` in ``year``."""
    code = organization.index_code()
    if not code:
        raise ValidationError(
            {
                "organization": f"“{organization}”及其上级机构都没有统一社会信用代码，无法生成索引号。"
            }
        )
    for _ in range(MAX_SKIPS):
        (number,) = _draw_block(code, year, 1)
        if not Document.objects.filter(index_number=number).exists():
            return number
    raise ValidationError(
        f"索引号序列 {code}/{year} 连续 {MAX_SKIPS} 个号码已被占用，请检查 INDEX_NUMBER_FORMAT。"
    )


def index_codes() -> dict[int, str]:
    """Every organization's 索引号 prefix (its own credit code or its nearest ancestor's),
    from one query: for bulk work, where ``Organization.index_code`` per row would not do."""
    organizations = {o.pk: o for o in Organization.objects.only("pk", "parent_id", "credit_code")}

    def code_of(organization) -> str:
        while organization is not None and not organization.credit_code:
            organization = organizations.get(organization.parent_id)
        return organization.credit_code if organization else ""

    return {pk: code_of(organization) for pk, organization in organizations.items()}


class IndexNumberPool:
    """Free 索引号 for many documents at once: one counter update per (code, year) pair
    draws a block of sequence numbers, then one query drops any a legacy record already
    holds and draws replacements. An import forecasts its new documents' (organization, year)
    from the whole file and draws for all of them with its first batch, so that numbering
    the later batches needs no query: each would wait behind the writes already queued
    (``portal.bulk.pipelined``). A document the forecast missed is drawn for when taken;
    a forecast that is too large leaves a gap in the sequence, as a refused document does."""

    def __init__(self, forecast: Iterable[tuple[int, int]] = (), *, codes=None):
        """``forecast``: (organization id, year) per document expected; ``codes``: the
        organizations' 索引号 prefixes (``index_codes``), when the caller has them."""
        self._numbers: dict[tuple[str, int], deque[str]] = defaultdict(deque)
        forecast = list(forecast)
        if forecast:
            codes = codes if codes is not None else index_codes()
            wanted = Counter((codes.get(pk), year) for pk, year in forecast)
            self._draw({key: count for key, count in wanted.items() if key[0]})

    def take(self, codes: list[tuple[str, int]]) -> list[str]:
        """One number per (code, year) pair, in order."""
        short = {
            key: count - len(self._numbers[key])
            for key, count in Counter(codes).items()
            if count > len(self._numbers[key])
        }
        self._draw(short)
        return [self._numbers[key].popleft() for key in codes]

    def _draw(self, wanted: dict[tuple[str, int], int]) -> None:
        for (code, year), count in wanted.items():
            numbers = _draw_block(code, year, count)
            taken = _taken(numbers)
            while taken:
                numbers = [n for n in numbers if n not in taken]
                extra = _draw_block(code, year, len(taken))
                taken = _taken(extra)
                numbers.extend(extra)
            self._numbers[(code, year)].extend(numbers)


def _taken(numbers: list[str]) -> set[str]:
    found = Document.objects.filter(index_number__in=numbers).values_list("index_number", flat=True)
    return set(found)


def _draw_block(code: str, year: int, count: int) -> list[str]:
    table = IndexNumberSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (code, year, last_value) VALUES (%s, %s, %s)
            ON CONFLICT (code, year) DO UPDATE SET last_value = {table}.last_value + EXCLUDED.last_value
            RETURNING last_value
            """,
            [code, year, count],
        )
        last = cursor.fetchone()[0]
    return [
        format_index_number(code, year, sequence) for sequence in range(last - count + 1, last + 1)
    ]
