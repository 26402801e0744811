"""``insert_many``: ``bulk_create`` for the import's hot path, without the ORM's per-value
SQL compilation; and ``pipelined``, which lets the database write one batch while Python
prepares the next.

Django's ``bulk_create`` prepares each value through the field's expression checks and
``get_db_prep_save`` and builds the statement placeholder by placeholder: for an import
of 10,000 documents, with their index entries and history rows, that was about a third of
the whole import (``make bench``). Here every field's ``pre_save`` still runs (so
``LineField``'s last line of defence and ``auto_now`` hold), values of types the database
driver adapts as they are skip the preparation, and each row is rendered once: by
psycopg2 in C as an ``INSERT``, or, inside a pipeline, as a line of ``COPY``'s text
format, which costs Python less than quoting (values are data, never SQL) and spares the
server parsing megabytes of literals.

Only for new rows of one model with a database-generated primary key, no expressions
and no multi-table inheritance; the statement goes through Django's cursor (or the
pipeline's, logged alike), so query logging and counting see it."""

from __future__ import annotations

import io
import operator
import queue
import sys
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from typing import TypeVar

import psycopg2
from django.db import connection, transaction
from django.db.models import DateField, DateTimeField, Field

T = TypeVar("T")

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


# ``pre_save`` methods that only read the attribute unless the field is ``auto_now``.
_PLAIN_PRE_SAVES = frozenset({Field.pre_save, DateField.pre_save, DateTimeField.pre_save})


def _column_writers(model, *, with_key: bool) -> list[tuple[str, object, bool, str | None]]:
    """(column, value-of(obj), as-is, plain attribute) for every concrete column; the
    primary key only when the instances carry one (``reserve_keys``). As-is: the value is
    the Python value itself, not an adapter the driver must render. Plain attribute: the
    attribute's name when the value is read as it is, with no ``pre_save`` to run."""
    writers = []
    for field in model._meta.concrete_fields:
        if (field.primary_key and not with_key) or getattr(field, "generated", False):
            continue
        kind = (field.target_field if field.is_relation else field).get_internal_type()
        custom_pre_save = (
            type(field).pre_save not in _PLAIN_PRE_SAVES
            or getattr(field, "auto_now_add", False)
            or getattr(field, "auto_now", False)
        )
        as_is = kind in _AS_IS

        def value_of(obj, field=field, custom_pre_save=custom_pre_save, as_is=as_is):
            value = field.pre_save(obj, True) if custom_pre_save else getattr(obj, field.attname)
            return value if as_is else field.get_db_prep_save(value, connection)

        plain = field.attname if as_is and not custom_pre_save else None
        writers.append((field.column, value_of, as_is, plain))
    return writers


def insert_many(objs: Sequence, *, batch_size: int = 1000) -> list:
    """Insert unsaved instances of one model and return them. Instances with a primary key
    already (``reserve_keys``: all of them or none) keep it. Inside ``pipelined()`` the
    statements run on the pipeline's thread: rows of plain values go by ``COPY``, with
    keys reserved first; the others get their keys only once the pipeline has drained."""
    objs = list(objs)
    if not objs:
        return objs
    model = type(objs[0])
    pipeline = _pipeline.get()
    if pipeline is not None:
        keyed_writers = _column_writers(model, with_key=True)
        if all(as_is for _, _, as_is, _ in keyed_writers):
            reserve_keys(objs)
            _copy_many(pipeline, objs, keyed_writers, batch_size)
            return objs
    keyed = objs[0].pk is not None
    writers = _column_writers(model, with_key=keyed)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column, *_ in writers)
    row_template = "(" + ", ".join(["%s"] * len(writers)) + ")"
    returning = "" if keyed else f" RETURNING {quote(model._meta.pk.column)}"
    with connection.cursor() as cursor:
        # The driver renders a row in C; in a pipeline with a connection of its own, as
        # the transaction's connection is busy on the pipeline's thread.
        mogrify = pipeline.mogrify if pipeline else cursor.cursor.mogrify
        for start in range(0, len(objs), batch_size):
            batch = objs[start : start + batch_size]
            rows = b",".join(
                mogrify(row_template, [value_of(obj) for _, value_of, *_ in writers])
                for obj in batch
            ).decode()
            sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES {rows}{returning}"
            if pipeline is not None:
                pipeline.submit(sql, batch, returning=bool(returning))
                continue
            cursor.execute(sql)
            _saved(batch, cursor.fetchall() if returning else None, connection.alias)
    return objs


def _copy_many(pipeline: _Pipeline, objs: list, writers: list, batch_size: int) -> None:
    model = type(objs[0])
    # Plain attributes first, read together in C; then those with a ``pre_save``.
    plain = [writer for writer in writers if writer[3]]
    prepared = [writer for writer in writers if not writer[3]]
    read_plain = operator.attrgetter(*[attname for *_, attname in plain])
    if len(plain) == 1:  # attrgetter of one name returns the value, not a tuple
        read_one = read_plain
        read_plain = lambda obj: (read_one(obj),)  # noqa: E731
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column, *_ in plain + prepared)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"

    def line(obj) -> str:
        values = [*read_plain(obj), *[value_of(obj) for _, value_of, *_ in prepared]]
        return "\t".join(map(_copy_text, values))

    for start in range(0, len(objs), batch_size):
        batch = objs[start : start + batch_size]
        pipeline.submit(sql, batch, returning=False, data="\n".join(map(line, batch)) + "\n")


def _copy_text(value) -> str:
    """A value as ``COPY``'s text format writes it; the server reads it by the column's
    type, as it reads a literal. The exact types come first: this runs for every value."""
    kind = type(value)
    if kind is str or isinstance(value, str):
        if "\x00" in value:  # as psycopg2 refuses it: PostgreSQL text cannot hold NUL
            raise ValueError("A string literal cannot contain NUL (0x00) characters.")
        if "\\" in value or "\n" in value or "\r" in value or "\t" in value:
            # Four scans and replacements in C: many times faster than a pattern or
            # str.translate on Chinese text, which go character by character.
            return (
                value.replace("\\", "\\\\")
                .replace("\n", "\\n")
                .replace("\r", "\\r")
                .replace("\t", "\\t")
            )
        return value
    if value is None:
        return "\\N"
    if kind is int:
        return str(value)
    if kind is bool:
        return "t" if value else "f"
    if kind is datetime or kind is date or isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def write(sql: str, params: Sequence) -> None:
    """A write whose result nobody reads (an upsert of counters): inside ``pipelined()``
    queued behind the inserts before it, else executed now."""
    if (pipeline := _pipeline.get()) is not None:
        pipeline.submit(pipeline.mogrify(sql, params).decode(), [], returning=False)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def gathered(key: str, factory: Callable[[], T], flush: Callable[[T], None]) -> T | None:
    """Inside ``pipelined()``: one object per ``key`` for the whole block (made by
    ``factory``), handed to ``flush`` once at its end, e.g. counter deltas summed over an
    import and written as its last statement, so that the counters' rows are not locked
    against every other writer for as long as the import runs. None outside a pipeline:
    the caller writes at once. A writer whose block may roll back a savepoint of its own
    calls ``flush_gathered`` before that."""
    pipeline = _pipeline.get()
    if pipeline is None:
        return None
    if key not in pipeline.gathered:
        pipeline.gathered[key] = (factory(), flush)
    return pipeline.gathered[key][0]


def flush_gathered() -> None:
    """Hand what ``gathered`` collected to its ``flush`` now (queued like any write)."""
    if (pipeline := _pipeline.get()) is not None:
        while pipeline.gathered:
            _key, (value, flush) = pipeline.gathered.popitem()
            flush(value)


def idle() -> bool:
    """Whether the current pipeline has run everything it was given (True outside one):
    a writer that batches its rows can hand over a smaller batch rather than let the
    database wait for a full one."""
    pipeline = _pipeline.get()
    return pipeline is None or pipeline.idle()


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
    query), so that rows referring to them can be prepared before they are written.
    Inside a pipeline the query goes by its side connection (a sequence stands outside
    transactions), so it does not wait for the batches queued before it."""
    objs = [obj for obj in objs if obj.pk is None]
    if not objs:
        return
    meta = type(objs[0])._meta
    sql = "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)"
    params = [meta.db_table, meta.pk.column, len(objs)]
    if (pipeline := _pipeline.get()) is not None:
        keys = pipeline.read_outside(sql, params)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            keys = cursor.fetchall()
    for obj, (key,) in zip(objs, keys, strict=True):
        obj.pk = key


class _Pipeline:
    """One thread that executes submitted writes in order on the caller's connection
    (psycopg2 lets threads share a connection; its lock serialises statements, and it
    releases the GIL while the server works). After the first failure it executes
    nothing more; ``drain`` waits for the queue and raises that failure."""

    def __init__(self):
        self._raw = connection.connection  # the driver's connection, inside the transaction
        self._alias = connection.alias
        self._wrap_errors = connection.wrap_database_errors  # Django's exception classes
        # A second connection, outside the transaction, so that no two threads ever use
        # one libpq connection at the same moment: for quoting (which needs a connection's
        # encoding) and for reads that need no transaction (``read_outside``).
        self._side = psycopg2.connect(**connection.get_connection_params())
        self._side.autocommit = True
        self.mogrify = self._side.cursor().mogrify
        self._queue: queue.Queue = queue.Queue(maxsize=4)  # bounds the rendered SQL held
        # Held while a queued statement runs. psycopg2's own lock covers a statement but
        # not the data of a COPY, which another statement would break off: the caller's
        # queries take turns through this one (``take_turn``).
        self._busy = threading.Lock()
        self._error: BaseException | None = None
        self.gathered: dict[str, tuple[object, Callable]] = {}  # see ``gathered``
        self._thread = threading.Thread(target=self._run, name="bulk-pipeline", daemon=True)
        self._thread.start()

    def submit(self, sql: str, batch: list, *, returning: bool, data: str | None = None) -> None:
        """Queue ``sql``; with ``data``, a ``COPY … FROM STDIN`` that reads it."""
        if self._error is not None:
            self.drain()
        # Logged like the connection's own queries when they are (DEBUG, query counts in
        # tests): the statement still belongs to the caller's work.
        log = connection.queries_log if connection.queries_logged else None
        self._queue.put((sql, data, batch, returning, log))

    def read_outside(self, sql: str, params: Sequence) -> list[tuple]:
        """Rows of a query that needs no transaction (a sequence's next values), read now
        by the side connection rather than after the queued writes."""
        with self._wrap_errors, self._side.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _run(self) -> None:
        cursor = self._raw.cursor()
        while (item := self._queue.get()) is not None:
            sql, data, batch, returning, log = item
            try:
                if self._error is None:
                    started = time.monotonic()
                    with self._busy, self._wrap_errors:
                        if data is None:
                            cursor.execute(sql)
                        else:
                            cursor.copy_expert(sql, io.StringIO(data), size=1 << 20)
                        keys = cursor.fetchall() if returning else None
                    _saved(batch, keys, self._alias)
                    if log is not None:
                        log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
            except BaseException as error:  # re-raised in the caller's thread by drain
                self._error = error
            finally:
                self._queue.task_done()
        self._queue.task_done()
        cursor.close()

    def idle(self) -> bool:
        return self._queue.unfinished_tasks == 0

    def take_turn(self, execute, sql, params, many, context):
        """The caller's own queries (a Django execute wrapper) run between queued ones."""
        with self._busy:
            return execute(sql, params, many, context)

    def drain(self) -> None:
        self._queue.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        self._side.close()


_pipeline: ContextVar[_Pipeline | None] = ContextVar("bulk_pipeline", default=None)

# How soon a busy thread hands the GIL over to one that waits for it. The pipeline's
# thread needs it for a moment after every statement (the result, the next chunk of COPY
# data); at Python's default of 5 ms, a caller busy preparing rows kept the database idle
# about a tenth of an import (``make bench``: 4.6 s against 4.1 s for 10,000 rows).
HANDOVER_INTERVAL = 0.0005
_handover_lock = threading.Lock()
_handovers = 0
_usual_interval = sys.getswitchinterval()


@contextmanager
def _prompt_handover():
    """The GIL handed over within ``HANDOVER_INTERVAL`` while any pipeline runs (the
    interval is the process's: pipelines in several threads share one setting)."""
    global _handovers, _usual_interval
    with _handover_lock:
        if _handovers == 0:
            _usual_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(_usual_interval, HANDOVER_INTERVAL))
        _handovers += 1
    try:
        yield
    finally:
        with _handover_lock:
            _handovers -= 1
            if _handovers == 0:
                sys.setswitchinterval(_usual_interval)


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
    with transaction.atomic(), _prompt_handover():
        connection.ensure_connection()
        pipeline = _Pipeline()
        token = _pipeline.set(pipeline)
        try:
            with connection.execute_wrapper(pipeline.take_turn):
                yield
                flush_gathered()
                pipeline.drain()
        finally:
            _pipeline.reset(token)
            try:
                pipeline.drain()  # on an error too: nothing may run once the rollback has
            except Exception:
                pass  # the block's own error, already on its way, is the one to report
            pipeline.close()
