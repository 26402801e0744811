"""``insert_many``: ``bulk_create`` for the import's hot path, without the ORM's per-value
SQL compilation; and ``pipelined``, which lets the database write one batch while Python
prepares the next.

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

import queue
import threading
import time
from collections.abc import Sequence
from contextlib import contextmanager
from contextvars import ContextVar

import psycopg2
from django.db import connection, transaction
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


def _column_writers(model, *, with_key: bool) -> list[tuple[str, object]]:
    """(column, value-of(obj)) for every concrete column; the primary key only when the
    instances carry one (``reserve_keys``)."""
    writers = []
    for field in model._meta.concrete_fields:
        if (field.primary_key and not with_key) or getattr(field, "generated", False):
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
    """Insert unsaved instances of one model and return them. Instances with a primary key
    already (``reserve_keys``: all of them or none) keep it. Inside ``pipelined()`` the statements run on the
    pipeline's thread: the others get their keys only once the pipeline has drained."""
    objs = list(objs)
    if not objs:
        return objs
    model = type(objs[0])
    keyed = objs[0].pk is not None
    writers = _column_writers(model, with_key=keyed)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column, _ in writers)
    row_template = "(" + ", ".join(["%s"] * len(writers)) + ")"
    returning = "" if keyed else f" RETURNING {quote(model._meta.pk.column)}"
    pipeline = _pipeline.get()
    with connection.cursor() as cursor:
        # The driver renders a row in C; in a pipeline with a connection of its own, as
        # the transaction's connection is busy on the pipeline's thread.
        mogrify = pipeline.mogrify if pipeline else cursor.cursor.mogrify
        for start in range(0, len(objs), batch_size):
            batch = objs[start : start + batch_size]
            rows = b",".join(
                mogrify(row_template, [value_of(obj) for _, value_of in writers]) for obj in batch
            ).decode()
            sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES {rows}{returning}"
            if pipeline is not None:
                pipeline.submit(sql, batch, returning=bool(returning))
                continue
            cursor.execute(sql)
            _saved(batch, cursor.fetchall() if returning else None, connection.alias)
    return objs


def write(sql: str, params: Sequence) -> None:
    """A write whose result nobody reads (an upsert of counters): inside ``pipelined()``
    queued behind the inserts before it, else executed now."""
    if (pipeline := _pipeline.get()) is not None:
        pipeline.submit(pipeline.mogrify(sql, params).decode(), [], returning=False)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def drain() -> None:
    """Wait until everything the current pipeline was given has run (raising its error),
    e.g. before a savepoint is rolled back. Nothing to do outside a pipeline."""
    if (pipeline := _pipeline.get()) is not None:
        pipeline.drain()


def _saved(batch: list, keys, alias: str) -> None:
    for index, obj in enumerate(batch):
        if keys is not None:
            obj.pk = keys[index][0]
        obj._state.adding, obj._state.db = False, alias


def reserve_keys(objs: Sequence) -> None:
    """Give unsaved instances of one model their primary keys from its sequence (one
    query), so that rows referring to them can be prepared before they are written."""
    objs = [obj for obj in objs if obj.pk is None]
    if not objs:
        return
    meta = type(objs[0])._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        for obj, (key,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = key


class _Pipeline:
    """One thread that executes submitted INSERTs in order on the caller's connection
    (psycopg2 lets threads share a connection; its lock serialises statements, and it
    releases the GIL while the server works). After the first failure it executes
    nothing more; ``drain`` waits for the queue and raises that failure."""

    def __init__(self):
        self._raw = connection.connection  # the driver's connection, inside the transaction
        self._alias = connection.alias
        self._wrap_errors = connection.wrap_database_errors  # Django's exception classes
        # Quoting needs a connection (its encoding); a second one, so that no two threads
        # ever use one libpq connection at the same moment.
        self._quoting = psycopg2.connect(**connection.get_connection_params())
        self.mogrify = self._quoting.cursor().mogrify
        self._queue: queue.Queue = queue.Queue(maxsize=4)  # bounds the rendered SQL held
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="bulk-pipeline", daemon=True)
        self._thread.start()

    def submit(self, sql: str, batch: list, *, returning: bool) -> None:
        if self._error is not None:
            self.drain()
        # Logged like the connection's own queries when they are (DEBUG, query counts in
        # tests): the statement still belongs to the caller's work.
        log = connection.queries_log if connection.queries_logged else None
        self._queue.put((sql, batch, returning, log))

    def _run(self) -> None:
        cursor = self._raw.cursor()
        while (item := self._queue.get()) is not None:
            sql, batch, returning, log = item
            try:
                if self._error is None:
                    started = time.monotonic()
                    with self._wrap_errors:
                        cursor.execute(sql)
                    _saved(batch, cursor.fetchall() if returning else None, self._alias)
                    if log is not None:
                        log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
            except BaseException as error:  # re-raised in the caller's thread by drain
                self._error = error
            finally:
                self._queue.task_done()
        self._queue.task_done()
        cursor.close()

    def drain(self) -> None:
        self._queue.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        self._quoting.close()


_pipeline: ContextVar[_Pipeline | None] = ContextVar("bulk_pipeline", default=None)


@contextmanager
def pipelined():
    """Inside: ``insert_many`` (and ``write``) hand their statements to a second thread and
    return, so the database writes one batch while this thread prepares the next.

    The block is one transaction (opened here, or the caller's): everything submitted
    has run, or its error is raised, before it ends. A pipeline inside a pipeline is the
    outer one, with no savepoint of its own, since a savepoint could not delimit the
    statements still queued: an error anywhere fails the whole block.

    Only for writers that never read back what they have submitted but not drained (an
    import writes new rows and reads nothing of them): such a read may run first."""
    if _pipeline.get() is not None:
        yield
        return
    with transaction.atomic():
        connection.ensure_connection()
        pipeline = _Pipeline()
        token = _pipeline.set(pipeline)
        try:
            yield
            pipeline.drain()
        finally:
            _pipeline.reset(token)
            try:
                pipeline.drain()  # on an error too: nothing may run once the rollback has
            except Exception:
                pass  # the block's own error, already on its way, is the one to report
            pipeline.close()
