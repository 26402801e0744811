"""Checking the chain: every row's hash recomputed, every link to the row before it.

After an archive (``portal.audit.archive``) the table starts at the boundary the latest
``archive`` event recorded: the first remaining row must link to that event's
``through_hash``. Anything else that is missing, added or changed breaks a link or a hash.

The end of the chain is checked against ``ChainHead``, which the database moves forward
with every insert, in the inserting transaction, and never back (migration 0003). Rows
removed at the end, or a log emptied, leave the chain short of the head and fail. (The
id sequence could not serve: a rolled-back insert advances it too.) The head is read
first and the rows up to it after, so writers committing meanwhile cannot look like a
gap.

Archive files named by ``archive`` events are checked against their recorded SHA-256
when they are in ``AUDIT_ARCHIVE_DIR``; a file that is absent is only a warning, since
archives are expected to be moved off the host to long-term storage.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings

from portal.audit.chain import HASHED_FIELDS, row_hash
from portal.audit.models import Action, AuditEvent, ChainHead, Result

READ_FIELDS = ("id", "previous_hash", "hash", *HASHED_FIELDS)


@dataclass(frozen=True)
class Outcome:
    count: int
    broken_id: int | None = None
    broken_time: datetime | None = None
    problem: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def intact(self) -> bool:
        return self.broken_id is None


def verify_rows(rows: Iterable[dict], *, start_hash: str = "") -> Outcome:
    """Walk ``rows`` (dicts of ``READ_FIELDS``, in id order) from ``start_hash``."""
    expected, count = start_hash, 0
    for row in rows:
        if row["previous_hash"] != expected:
            return Outcome(
                count, row["id"], row["time"], "与前一条记录的链接断开（有记录被删除、插入或修改）"
            )
        if row_hash(row, row["previous_hash"]) != row["hash"]:
            return Outcome(count, row["id"], row["time"], "记录内容与哈希不符（记录被修改）")
        expected = row["hash"]
        count += 1
    return Outcome(count)


def archive_boundary() -> tuple[int, str]:
    """The last archived row's id and hash (0 and "" before any archive)."""
    archive = (
        AuditEvent.objects.filter(action=Action.ARCHIVE, result=Result.SUCCESS)
        .filter(details__has_key="through_id")
        .order_by("-id")
        .values_list("details", flat=True)
        .first()
    )
    if not archive:
        return 0, ""
    return int(archive["through_id"]), str(archive["through_hash"])


def verify_table(*, through_id: int | None = None) -> Outcome:
    """The whole table up to its head, and the archive files at hand (or, with
    ``through_id``, only the rows up to it: the archive's own check)."""
    head = None if through_id is not None else ChainHead.objects.filter(pk=1).first()
    boundary_id, boundary_hash = archive_boundary()
    rows = AuditEvent.objects.order_by("id").values(*READ_FIELDS)
    limit = through_id if through_id is not None else (head.last_id if head else None)
    if limit is not None:
        rows = rows.filter(id__lte=limit)
    first_id = AuditEvent.objects.order_by("id").values_list("id", flat=True).first()
    start = boundary_hash if first_id is not None and first_id > boundary_id else ""
    outcome = verify_rows(rows.iterator(chunk_size=2000), start_hash=start)
    if through_id is not None or not outcome.intact:
        return outcome
    last = rows.order_by("-id").values("id", "hash").first()
    if head is None and last is not None:
        return Outcome(outcome.count, last["id"], None, "审计日志链头记录缺失（链头被删除）")
    if head is not None and (
        last is None or (last["id"], last["hash"]) != (head.last_id, head.last_hash)
    ):
        return Outcome(outcome.count, head.last_id, None,
                       f"哈希链止于 id={last['id'] if last else '（空表）'}，短于链头 id={head.last_id}"
                       "（末尾的记录被删除或日志被清空）")  # fmt: skip
    problem, warnings = _check_archive_files()
    if problem:
        return Outcome(outcome.count, problem[0], None, problem[1], warnings)
    return Outcome(outcome.count, warnings=warnings)


def _check_archive_files() -> tuple[tuple[int, str] | None, tuple[str, ...]]:
    """The first archive file whose checksum differs (event id, message), and warnings for
    the files not at hand."""
    directory = Path(settings.AUDIT_ARCHIVE_DIR)
    warnings = []
    archives = AuditEvent.objects.filter(action=Action.ARCHIVE, result=Result.SUCCESS)
    for event_id, details in archives.order_by("id").values_list("id", "details"):
        name = Path(str(details.get("file", ""))).name
        if not name:
            continue
        path = directory / name
        if not path.exists():
            warnings.append(f"归档文件 {name} 不在 {directory}（可能已移至离线存储），未校验。")
            continue
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != details.get("sha256"):
            return (
                event_id,
                f"归档文件 {name} 的 SHA-256 与归档记录不符（文件被替换或修改）",
            ), tuple(warnings)
    return None, tuple(warnings)
