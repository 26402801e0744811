"""The hash chain of the audit log, as pure functions: each row's hash covers its own
fields and the previous row's hash, so changing, inserting or removing a row breaks every
hash after it (GB/T 22239-2019 8.1.4.3 c: audit records protected against deletion,
modification and overwriting).

The canonical form is JSON with sorted keys and no spaces, times in UTC with
microseconds (what PostgreSQL's ``timestamptz`` keeps), so a row read back from the
database hashes to exactly what was written.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

# The fields the hash covers, in no particular order (the JSON sorts them). ``id`` is
# left out: the links between rows already fix their order.
HASHED_FIELDS = (
    "time", "actor_username", "actor_id", "actor_roles", "ip", "action", "object_type",
    "object_id", "object_repr", "result", "reason", "details",
)  # fmt: skip


def canonical(fields: dict, previous_hash: str) -> str:
    """The text the row's hash is computed over."""
    data = {name: plain_value(fields.get(name)) for name in HASHED_FIELDS}
    data["previous_hash"] = previous_hash
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def row_hash(fields: dict, previous_hash: str) -> str:
    return hashlib.sha256(canonical(fields, previous_hash).encode()).hexdigest()


def plain_value(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, tuple):
        return list(value)
    return value
