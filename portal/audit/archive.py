"""Moving audit rows past their retention into a file (never silently deleting them).

Without the chain's lock (which every audited action waits for): the rows older than the
cut-off (a prefix of the table: time runs with the chain) are verified and written to a
gzip JSON lines file with their hashes, and the file is read back and its chain verified.
Then, in one short transaction under the lock, the prefix is checked to be as it was (no
other archive in between), an ``archive`` event records the file's name, SHA-256, the
rows' range and the boundary hash, and, only through the trigger's guarded path, the rows
are deleted. ``verify``
accepts a table that starts at the recorded boundary, and ``verify_archive`` checks a file
on its own.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from portal.audit.chain import plain_value
from portal.audit.models import Action, AuditEvent
from portal.audit.recorder import _ARCHIVE_SEAL, CHAIN_LOCK, record
from portal.audit.verification import READ_FIELDS, archive_boundary, verify_rows, verify_table


@dataclass(frozen=True)
class Archived:
    path: Path
    count: int
    sha256: str
    event: AuditEvent | None


def archive_before(*, before: datetime, by=None, now: datetime | None = None) -> Archived:
    """Archive the rows older than both ``before`` and the retention period."""
    now = now or timezone.now()
    retention_start = now - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    if before > retention_start:
        raise ValidationError(
            f"只能归档保留期（{settings.AUDIT_RETENTION_DAYS} 天）以前的记录，"
            f"即 {timezone.localtime(retention_start):%Y-%m-%d %H:%M} 之前。"
        )
    # The slow part (verifying and writing the rows) runs without the chain's lock, which
    # every audited action waits for: the rows up to ``through_id`` are fixed (append-only),
    # only another archive could remove them, and that is re-checked under the lock.
    boundary = archive_boundary()
    through_id = (
        AuditEvent.objects.filter(time__lt=before)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    if through_id is None:
        return Archived(Path(), 0, "", None)
    outcome = verify_table(through_id=through_id)
    if not outcome.intact:
        raise ValidationError(
            f"审计日志哈希链已断开（id={outcome.broken_id}），不能归档；请先调查。"
        )
    rows = list(AuditEvent.objects.filter(id__lte=through_id).order_by("id").values(*READ_FIELDS))
    path = _write(rows, now=now)
    sha256 = _sha256(path)
    count, last_hash = verify_archive(path)
    if count != len(rows) or last_hash != rows[-1]["hash"]:
        path.unlink(missing_ok=True)
        raise ValidationError("归档文件校验失败，未删除任何记录。")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        if archive_boundary() != boundary or _ends(rows) != _ends(_current(through_id)):
            path.unlink(missing_ok=True)
            raise ValidationError("另一次归档已先完成，本次未删除任何记录；请重新执行。")
        event = record(
            Action.ARCHIVE,
            actor=by,
            seal=_ARCHIVE_SEAL,
            reason=f"归档 {count} 条审计记录至 {path.name}",
            details={"file": path.name, "sha256": sha256, "count": count,
                     "first_id": rows[0]["id"], "through_id": through_id,
                     "first_previous_hash": rows[0]["previous_hash"],
                     "through_hash": last_hash, "before": before.isoformat()},
        )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('audit.archive_event', %s, true)", [str(event.pk)])
            cursor.execute("DELETE FROM audit_auditevent WHERE id <= %s", [through_id])
            cursor.execute("SELECT set_config('audit.archive_event', '', true)")
    return Archived(path, count, sha256, event)


def _current(through_id: int) -> list[dict]:
    """The first and last rows up to ``through_id`` as they are now."""
    rows = AuditEvent.objects.filter(id__lte=through_id).values("id", "hash")
    return [row for row in (rows.order_by("id").first(), rows.order_by("-id").first()) if row]


def _ends(rows: list[dict]) -> list[tuple]:
    return [(row["id"], row["hash"]) for row in (rows[:1] + rows[-1:])] if rows else []


def _write(rows: list[dict], *, now: datetime) -> Path:
    directory = Path(settings.AUDIT_ARCHIVE_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    name = f"audit-{rows[0]['id']}-{rows[-1]['id']}-{timezone.localtime(now):%Y%m%d%H%M%S}.jsonl.gz"
    path = directory / name
    partial = path.with_suffix(".partial")
    with gzip.open(partial, "wt", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps({k: plain_value(v) for k, v in row.items()}, ensure_ascii=False,
                                    sort_keys=True) + "\n")  # fmt: skip
        handle.flush()
        os.fsync(handle.fileno())
    partial.rename(path)
    return path


def verify_archive(path: Path) -> tuple[int, str]:
    """An archive file's row count and last hash, after verifying its chain (from its own
    first row's link); ValidationError when broken."""
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            row["time"] = datetime.fromisoformat(row["time"].replace("Z", "+00:00"))
            rows.append(row)
    if not rows:
        return 0, ""
    outcome = verify_rows(rows, start_hash=rows[0]["previous_hash"])
    if not outcome.intact:
        raise ValidationError(f"归档文件 {path.name} 的哈希链在 id={outcome.broken_id} 处断开。")
    return outcome.count, rows[-1]["hash"]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
