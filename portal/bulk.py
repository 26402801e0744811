"""``insert_many``: ``bulk_create`` for the import's hot path, without the ORM's per-value
SQL compilation.

Django's ``bulk_create`` prepares each value through the field's expression checks and
``get_db_prep_save`` and builds the statement placeholder by placeholder: for an import
of 10,000 documents, with their index entries and history rows, that was about a third of
the whole import (``make bench``). Here every field's ``pre_save`` still runs (so
``LineField``'s last line of defence and ``auto_now`` hold), values of types the database
driver adapts as they are skip the preparation, and psycopg2 renders each row in C.

Only for new rows of one model with a database-generated primary key, no expressions
and no multi-table inheritance; the statement goes through Django's cursor, so query
logging and counting see it."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import Field

# Internal types whose prepared value is the Python value itself (for values of the
# field's own type), which psycopg2 adapts directly.
_AS_IS = frozenset(
    {
        "AutoField", "BigAutoField", "SmallAutoField", "BigIntegerField", "BooleanField",
        "CharField", "DateField", "DateTimeField", "IntegerField", "PositiveBigIntegerField",
        "PositiveIntegerField", "PositiveSmallIntegerField", "SmallIntegerField",
        "TextField", "SearchVectorField",
    }
)  # fmt: skip


def _column_writers(model) -> list[tuple[str, object]]:
    """(column, value-of(obj)) for every concrete column but the generated primary key."""
    writers = []
    for field in model._meta.concrete_fields:
        if field.primary_key or getattr(field, "generated", False):
            continue
        kind = (field.target_field if field.is_relation else field).get_internal_type()
        custom_pre_save = (
            type(field).pre_save is not Field.pre_save
            or getattr(field, "auto_now_add", False)
            or getattr(field, "auto_now", False)
        )

        def value_of(obj, field=field, custom_pre_save=custom_pre_save, as_is=kind in _AS_IS):
            value = field.pre_save(obj, True) if custom_pre_save else getattr(obj, field.attname)
            return value if as_is else field.get_db_prep_save(value, connection)

        writers.append((field.column, value_of))
    return writers


def insert_many(objs: Sequence, *, batch_size: int = 1000) -> list:
    """Insert unsaved instances of one model; sets their primary keys and returns them."""
    objs = list(objs)
    if not objs:
        return objs
    model = type(objs[0])
    meta = model._meta
    writers = _column_writers(model)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column, _ in writers)
    row_template = "(" + ", ".join(["%s"] * len(writers)) + ")"
    with connection.cursor() as cursor:
        mogrify = cursor.cursor.mogrify  # the driver's own cursor: renders a row in C
        for start in range(0, len(objs), batch_size):
            batch = objs[start : start + batch_size]
            rows = b",".join(
                mogrify(row_template, [value_of(obj) for _, value_of in writers]) for obj in batch
            ).decode()
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {rows} "
                f"RETURNING {quote(meta.pk.column)}"
            )
            for obj, (pk,) in zip(batch, cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding, obj._state.db = False, connection.alias
    return objs
