"""Checking the chain: every row's hash recomputed, every link to the row before it.

After an archive (``portal.audit.archive``) the table starts at the boundary the latest
``archive`` event recorded: the first remaining row must link to that event's
``through_hash``. Anything else that is missing, added or changed breaks a link or a hash.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from portal.audit.chain import HASHED_FIELDS, row_hash
from portal.audit.models import Action, AuditEvent, Result

READ_FIELDS = ("id", "previous_hash", "hash", *HASHED_FIELDS)


@dataclass(frozen=True)
class Outcome:
    count: int
    broken_id: int | None = None
    broken_time: datetime | None = None
    problem: str = ""

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
    """The whole table (or its rows up to ``through_id``)."""
    boundary_id, boundary_hash = archive_boundary()
    rows = AuditEvent.objects.order_by("id").values(*READ_FIELDS)
    if through_id is not None:
        rows = rows.filter(id__lte=through_id)
    first_id = AuditEvent.objects.order_by("id").values_list("id", flat=True).first()
    start = boundary_hash if first_id is not None and first_id > boundary_id else ""
    return verify_rows(rows.iterator(chunk_size=2000), start_hash=start)
