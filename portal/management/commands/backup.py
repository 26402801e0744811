"""``manage.py backup [--to DIR]``: the database and the uploaded files (``portal.backup``)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库（pg_dump）和上传文件到一个带时间戳的目录。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            default=str(Path(settings.BASE_DIR) / "var" / "backups"),
            help="备份存放目录（默认 var/backups）",
        )

    def handle(self, *args, **options):
        try:
            folder = backup(destination=Path(options["to"]))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"备份完成：{folder}")
