"""Writing audit events: one function, ``record``, that every recorder goes through.

Rows are chained (``portal.audit.chain``): the insert takes a transaction-scoped advisory
lock, reads the chain's head under it and links the new row to it, so two writers can
never both link to the same head. The lock is held until the writer's transaction ends:
an event written inside a step's transaction commits or rolls back with the step.
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

from django.conf import settings
from django.core.cache import caches
from django.db import connection, connections, transaction
from django.utils import timezone

from portal.audit.chain import row_hash
from portal.audit.context import request_or_none
from portal.audit.models import Action, AuditEvent, Result
from portal.audit.network import client_ip
from portal.redaction import redact

# pg_advisory_xact_lock's key for the audit chain ("audit" in ASCII).
CHAIN_LOCK = 0x6175646974
DIGEST = re.compile(r"[0-9a-f]{64}")  # a SHA-256 in hex: its digit runs are no phone number
# Keys of ``details`` that would carry a secret: dropped whatever the caller passes.
SECRET_KEY = re.compile(r"passw|token|secret|otp|session|csrf|api_?key|private", re.IGNORECASE)
# Only ``portal.audit.archive`` writes ``archive`` events (the trigger lets the rows before
# the newest one be deleted): any other caller of ``record`` is refused.
_ARCHIVE_SEAL = object()


def record(
    action: str,
    *,
    result: str = Result.SUCCESS,
    obj=None,
    object_type: str = "",
    object_id="",
    object_repr: str = "",
    reason: str = "",
    details: dict | None = None,
    actor=None,
    username: str | None = None,
    request=None,
    seal: object = None,
    database: str | None = None,
) -> AuditEvent | None:
    """Append one event. The actor is ``actor`` (a user), else the request's user (the
    ``request`` given or the one being served); ``username`` names an actor without an
    account (a failed login's attempted name). Texts are masked (``portal.redaction``),
    and secrets in ``details`` dropped. An ``archive`` event needs the archive module's
    ``seal``. ``database``: another database on the same server (a restore's target),
    written through a connection of its own; nothing is returned then."""
    if Action(action) == Action.ARCHIVE and seal is not _ARCHIVE_SEAL:
        raise PermissionError("archive events are written by portal.audit.archive only")
    request = request if request is not None else request_or_none()
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if actor is not None and not actor.is_authenticated:
        actor = None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    fields = {
        "actor_username": actor.get_username()
        if actor is not None
        else _mask(username or "")[:150],
        "actor_id": actor.pk if actor is not None else None,
        "actor_roles": roles_of(actor),
        "ip": client_ip(request) if request is not None else "",
        "action": Action(action).value,
        "object_type": object_type[:100],
        "object_id": "" if object_id in (None, "") else str(object_id)[:64],
        "object_repr": _mask(object_repr)[:200],
        "result": Result(result).value,
        "reason": _mask(reason)[:500],
        "details": _clean_details(details or {}),
    }
    if database is not None:
        _append_elsewhere(database, fields)
        return None
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        head = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or ""
        fields["time"] = timezone.now()  # under the lock: time runs with the chain
        event = AuditEvent(previous_hash=head, hash=row_hash(fields, head), **fields)
        event.save(force_insert=True)
    return event


def _append_elsewhere(database: str, fields: dict) -> None:
    """The same chained insert in database ``database``, on a connection made for it (no
    alias of its own: the project's ``DATABASES`` stay as configured)."""
    default = connections["default"]
    other = type(default)({**default.settings_dict, "NAME": database}, alias=default.alias)
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
            cursor.execute("SELECT hash FROM audit_auditevent ORDER BY id DESC LIMIT 1")
            head = (cursor.fetchone() or [""])[0]
            fields["time"] = timezone.now()
            row = {**fields, "previous_hash": head, "hash": row_hash(fields, head)}
            values = [json.dumps(v) if isinstance(v, dict | list) else v for v in row.values()]
            cursor.execute(
                f"INSERT INTO audit_auditevent ({', '.join(row)}) "
                f"VALUES ({', '.join(['%s'] * len(row))})",
                values,
            )
            cursor.execute("COMMIT")
    finally:
        other.close()


def roles_of(user) -> list[str]:
    """The user's roles (group names) now, read once per user object."""
    if user is None:
        return []
    roles = getattr(user, "_audit_roles", None)
    if roles is None:
        roles = sorted(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            roles.append("超级用户")
        user._audit_roles = roles
    return list(roles)


def _mask(text: str) -> str:
    # NUL cannot be stored in PostgreSQL text or jsonb: an attacker's login name with one
    # must not turn its audit row into a 500.
    return redact(str(text or "").replace("\x00", ""))


def _clean_details(details: dict) -> dict:
    clean = {}
    for key, value in details.items():
        if SECRET_KEY.search(str(key)):
            continue
        if isinstance(value, str) and not DIGEST.fullmatch(value):
            value = _mask(value)[:500]
        elif isinstance(value, list | tuple):
            value = [_mask(item)[:200] if isinstance(item, str) else item for item in value]
        elif isinstance(value, dict):
            value = _clean_details(value)
        clean[_mask(key)[:100]] = value
    return clean


# --- recorders that need the request ---------------------------------------------------


def record_refusal(request, exception=None) -> None:
    """A 403: recorded once per request, whether the middleware or the error view sees it
    first."""
    if getattr(request, "_audit_refusal_recorded", False):
        return
    request._audit_refusal_recorded = True
    user = getattr(request, "user", None)
    if (user is None or not user.is_authenticated) and not _first_anonymous_refusal(request):
        return
    match = getattr(request, "resolver_match", None)
    record(
        Action.ACCESS_REFUSED,
        result=Result.FAILURE,
        request=request,
        reason=str(exception or "")[:200] or "没有访问权限",
        details={"path": _masked_path(request), "method": request.method,
                 "view": match.view_name if match else ""},
    )  # fmt: skip


# Anonymous 403s (a CSRF failure on a public form) cost nothing to send and each row takes
# the chain's lock: one per client address per minute is recorded, through the shared
# rate-limit cache so that every app server counts together.
ANONYMOUS_REFUSAL_WINDOW = 60  # seconds


def _first_anonymous_refusal(request) -> bool:
    alias = settings.RATELIMIT_CACHE
    cache = caches[alias if alias in settings.CACHES else "default"]
    return cache.add(f"audit-anonymous-refusal:{client_ip(request)}", 1, ANONYMOUS_REFUSAL_WINDOW)


def record_personal_data_view(request, obj, fields) -> None:
    """A staff member was shown a citizen's personal data (``fields``: which ones)."""
    record(
        Action.PERSONAL_DATA_VIEW,
        request=request,
        obj=obj,
        details={"fields": [str(field) for field in fields], "path": _masked_path(request)},
    )


def record_download(request, response) -> None:
    """A file downloaded from the admin: an export, an attachment, a generated letter."""
    request._audit_download_recorded = True
    disposition = response.get("Content-Disposition", "")
    match = re.search(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)", disposition)
    record(
        Action.EXPORT,
        request=request,
        details={"path": _masked_path(request),
                 "filename": unquote(match.group(1)) if match else "",
                 "view": request.resolver_match.view_name if request.resolver_match else ""},
    )  # fmt: skip


def _masked_path(request) -> str:
    """The path and query string, masked: a search for a telephone number stays out."""
    query = request.META.get("QUERY_STRING", "")
    path = request.path + (f"?{unquote(query)}" if query else "")
    return _mask(path)[:300]
