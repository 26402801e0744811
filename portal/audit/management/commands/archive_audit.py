"""``manage.py archive_audit --before DATE``: move audit rows older than the retention
period and DATE into a verified gzip archive under AUDIT_ARCHIVE_DIR."""

from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.audit.archive import archive_before


class Command(BaseCommand):
    help = (
        "将早于 --before 且超过保留期的审计日志归档为 gzip 文件（含哈希链），校验后从数据库移出。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--before", required=True, help="日期，YYYY-MM-DD（当地时间零点之前的记录）"
        )

    def handle(self, *args, before, **options):
        try:
            day = datetime.strptime(before, "%Y-%m-%d").date()
        except ValueError as error:
            raise CommandError("--before 应为 YYYY-MM-DD 格式的日期。") from error
        cutoff = timezone.make_aware(datetime.combine(day, time.min))
        try:
            archived = archive_before(before=cutoff)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        if not archived.count:
            self.stdout.write("没有需要归档的审计记录。")
            return
        self.stdout.write(
            f"已归档 {archived.count} 条审计记录：{archived.path}（SHA-256 {archived.sha256}）"
        )
