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


def format_index_number(code: str, year: int, sequence: int) -> str:
    return settings.INDEX_NUMBER_FORMAT.format(code=code, year=year, sequence=sequence)


def _next_sequence(code: str, year: int) -> int:
    from disclosure.models import IndexNumberSequence

    table = IndexNumberSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (code, year, last_value) VALUES (%s, %s, 1)
            ON CONFLICT (code, year) DO UPDATE SET last_value = {table}.last_value + 1
            RETURNING last_value
            """,
            [code, year],
        )
        return cursor.fetchone()[0]


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
    while True:
        number = format_index_number(code, year, _next_sequence(code, year))
        if not Document.objects.filter(index_number=number).exists():
            return number
