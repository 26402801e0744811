"""``manage.py restore FOLDER [--force]``: a backup written by ``manage.py backup`` back into
the configured database and MEDIA_ROOT (``portal.backup``)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, restore


class Command(BaseCommand):
    help = "从备份目录恢复数据库和上传文件；数据库非空时须加 --force。"

    def add_arguments(self, parser):
        parser.add_argument("folder", help="manage.py backup 写出的备份目录")
        parser.add_argument("--force", action="store_true", help="覆盖非空的数据库和上传文件目录")
        parser.add_argument("--database", help="恢复到同一服务器上的另一个数据库（演练恢复时用）")
        parser.add_argument("--media-root", help="恢复上传文件到另一个目录（演练恢复时用）")

    def handle(self, *args, **options):
        try:
            manifest = restore(
                folder=Path(options["folder"]),
                force=options["force"],
                database=options["database"],
                media_root=Path(options["media_root"]) if options["media_root"] else None,
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"恢复完成：{options['folder']}（备份于 {manifest['created']}）")
