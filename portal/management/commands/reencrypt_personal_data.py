"""``manage.py reencrypt_personal_data``: the second half of a key rotation.

Put the new key first in ``PII_ENCRYPTION_KEYS`` (keeping the old ones after it), restart,
run this command, and only then remove the old keys: every encrypted column of every
model is rewritten under the new key, in batches, each table in one transaction. The blind
indexes are recomputed too, so a new ``PII_INDEX_KEY`` takes effect in the same run.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from portal.encrypted_columns import encrypted_columns, reencrypt_columns
from portal.encryption import PersonalDataKeyError, UndecryptableError


class Command(BaseCommand):
    help = "用 PII_ENCRYPTION_KEYS 的第一个密钥重新加密全部个人信息（密钥轮换）。"

    def handle(self, *args, **options):
        for table, columns, digests in encrypted_columns():
            try:
                with transaction.atomic():
                    changed = reencrypt_columns(connection, table, columns, digests)
            except (PersonalDataKeyError, UndecryptableError) as error:
                raise CommandError(f"{table}：{error}") from error
            self.stdout.write(f"{table}：{changed} 行已用新密钥重新加密（{'、'.join(columns)}）。")
