"""Whole-column work on encrypted personal data, in batches of raw SQL: the data
migrations that encrypt rows stored before encryption (and decrypt them when the
migration is reversed), and the re-encryption under a new key after a rotation
(``manage.py reencrypt_personal_data``).

Raw SQL, not models: the rows read here are plaintext or tokens under an old key, which
the encrypted fields would refuse to load. Historical migrations import
``encrypt_columns_operation`` by name: its behaviour must not change.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import migrations
from django.db.backends.base.base import BaseDatabaseWrapper

from portal.encryption import (
    TOKEN_PREFIX,
    UndecryptableError,
    blind_index,
    decrypt,
    encrypt,
    rotate,
)

BATCH = 500


def _is_token(value: str) -> bool:
    if not value.startswith(TOKEN_PREFIX):
        return False
    try:
        decrypt(value)
    except UndecryptableError:
        return False
    return True


def _rewrite(
    connection: BaseDatabaseWrapper,
    table: str,
    columns: list[str],
    change: Callable[[str], str],
    digests: dict[str, tuple[str, str]] | None = None,
) -> int:
    """Apply ``change`` to every non-empty value of ``columns`` in ``table``, BATCH rows
    at a time by primary key, and recompute each digest column from the new plaintext
    (``digests``: digest column → (source column, purpose)). Returns the rows changed."""
    quote = connection.ops.quote_name
    digests = digests or {}
    selected = ", ".join(quote(c) for c in ["id", *columns])
    assigned = ", ".join(f"{quote(c)} = %s" for c in [*columns, *digests])
    changed, last = 0, 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT {selected} FROM {quote(table)} WHERE id > %s ORDER BY id LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                return changed
            updates = []
            for pk, *values in rows:
                new = [change(v) if v else v for v in values]
                if new != values:
                    plain = dict(zip(columns, values, strict=True))
                    for source, _purpose in digests.values():
                        value = plain[source]
                        plain[source] = decrypt(value) if value and _is_token(value) else value
                    extra = [
                        blind_index(plain[source], purpose=purpose) if plain[source] else ""
                        for source, purpose in digests.values()
                    ]
                    updates.append([*new, *extra, pk])
            if updates:
                cursor.executemany(f"UPDATE {quote(table)} SET {assigned} WHERE id = %s", updates)
                changed += len(updates)
            last = rows[-1][0]


def encrypt_columns(connection, table, columns, digests=None) -> int:
    """Encrypt the plaintext values (tokens are left as they are: safe to run twice)."""
    return _rewrite(
        connection, table, columns, lambda v: v if _is_token(v) else encrypt(v), digests
    )


def decrypt_columns(connection, table, columns) -> int:
    """Back to plaintext (reversing the encryption migration)."""
    return _rewrite(connection, table, columns, lambda v: decrypt(v) if _is_token(v) else v)


def reencrypt_columns(connection, table, columns, digests=None) -> int:
    """Every token rewritten under the first key of ``PII_ENCRYPTION_KEYS``, and the
    blind-index ``digests`` recomputed (under a new ``PII_INDEX_KEY`` too)."""
    return _rewrite(connection, table, columns, rotate, digests)


def encrypted_columns() -> list[tuple[str, list[str], dict[str, tuple[str, str]]]]:
    """(table, encrypted columns, blind-index digests) of every installed model with
    encrypted fields; the tables are keyed by ``id`` (the project's BigAutoField)."""
    from django.apps import apps

    from portal.encryption import BlindIndexField, EncryptedMixin

    found = []
    for model in apps.get_models():
        fields = model._meta.local_fields
        columns = [f.column for f in fields if isinstance(f, EncryptedMixin)]
        digests = {
            f.column: (model._meta.get_field(f.source).column, f.purpose)
            for f in fields
            if isinstance(f, BlindIndexField)
        }
        if columns and not model._meta.proxy:
            found.append((model._meta.db_table, columns, digests))
    return found


def encrypt_columns_operation(
    table: str, columns: list[str], digests: dict[str, tuple[str, str]] | None = None
) -> migrations.RunPython:
    """A data migration encrypting ``columns`` of ``table`` that were stored in clear
    and filling their blind-index ``digests``; reversing decrypts them."""

    def forward(apps, schema_editor):
        encrypt_columns(schema_editor.connection, table, columns, digests)

    def backward(apps, schema_editor):
        decrypt_columns(schema_editor.connection, table, columns)

    return migrations.RunPython(forward, backward, elidable=False)
