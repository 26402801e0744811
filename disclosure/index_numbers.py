"""索引号 generation: ``<credit code>/<year>-<five-digit sequence>`` (国办秘函〔2009〕6号).

The sequence counter is bumped with one ``INSERT … ON CONFLICT … DO UPDATE … RETURNING``,
which PostgreSQL serialises per (code, year) row, so concurrent creations never draw the
same number. A number already taken (an imported legacy 索引号 that happens to match the
pattern) is skipped rather than reused.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from portal.models import Organization

# Legacy numbers that happen to match the pattern are skipped; this many in a row means
# the configured format cannot produce fresh numbers at all.
MAX_SKIPS = 1000


def format_index_number(code: str, year: int, sequence: int) -> str:
    return settings.INDEX_NUMBER_FORMAT.format(code=code, year=year, sequence=sequence)


def allocate_index_number(organization: Organization, year: int) -> str:
    """The next free 索引号 for ``organization`` in ``year``."""
    from disclosure.models import Document

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


def allocate_index_numbers(codes: list[tuple[str, int]]) -> list[str]:
    """Free 索引号 for many documents at once (bulk import), one per (code, year) pair:
    one counter update per pair draws a block of sequence numbers, then one query drops
    any a legacy record already holds and draws replacements."""
    from disclosure.models import Document

    wanted: dict[tuple[str, int], int] = {}
    for key in codes:
        wanted[key] = wanted.get(key, 0) + 1
    pools: dict[tuple[str, int], list[str]] = {}
    for (code, year), count in wanted.items():
        pools[(code, year)] = _draw_block(code, year, count)
    for (code, year), numbers in pools.items():
        taken = set(
            Document.objects.filter(index_number__in=numbers).values_list("index_number", flat=True)
        )
        while taken:
            numbers[:] = [n for n in numbers if n not in taken]
            extra = _draw_block(code, year, len(taken))
            taken = set(
                Document.objects.filter(index_number__in=extra).values_list(
                    "index_number", flat=True
                )
            )
            numbers.extend(extra)
    return [pools[key].pop(0) for key in codes]


def _draw_block(code: str, year: int, count: int) -> list[str]:
    from disclosure.models import IndexNumberSequence

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
