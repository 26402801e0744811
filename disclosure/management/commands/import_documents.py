"""Import a catalogue from CSV or XLSX with the admin's resource, for migrating an
existing catalogue: ``manage.py import_documents FILE [--publish-as USERNAME]``.

Without --publish-as the rows land as drafts and the history names the system actor
(``portal.workflow.system_actor``), which may not change a live document."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from disclosure.resources import REQUIRED_HEADERS, DocumentResource, can_publish
from portal import audit
from portal.import_errors import clerk_message, error_rows
from portal.tabular import TableFileError, TableLimits, read_table
from portal.workflow import system_actor


class Command(BaseCommand):
    help = "从 CSV 或 XLSX 导入政府信息公开目录；有任何错误行则全部不写入。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--publish-as",
            metavar="USERNAME",
            help="立即发布，并在流程记录中记为该发布员的迁移操作（保留原发布日期）。"
            "不指定时导入为草稿，流程记录中的操作人为“系统导入”。",
        )

    def handle(self, *args, file: Path, publish_as: str | None, **options):
        publisher = self._publisher(publish_as) if publish_as else None
        if publisher is None:
            try:
                system_actor()  # refused here, before any row is read, if it is unsafe
            except PermissionDenied as error:
                raise CommandError(str(error)) from error
        dataset = self._read(file)
        resource = DocumentResource(publish_as=publisher)
        result = resource.import_data(
            dataset, dry_run=False, use_transactions=True, rollback_on_validation_errors=True
        )
        failed = result.has_errors() or result.has_validation_errors()
        for line in self._errors(result):
            self.stderr.write(line)
        totals = result.totals
        audit.record(
            "import",
            result="failure" if failed else "success",
            actor=publisher or system_actor(),
            object_type="disclosure.document",
            reason=f"命令行导入 {file.name}" + ("（已回滚）" if failed else ""),
            details={"file": file.name, "new": totals["new"], "update": totals["update"],
                     "error_rows": error_rows(result) if failed else 0},
        )  # fmt: skip
        if failed:
            self.stdout.write(f"导入失败，未写入任何数据：错误 {error_rows(result)} 行。")
            raise CommandError("导入有错误，已全部回滚。", returncode=1)
        self.stdout.write(
            f"导入完成：新增 {totals['new']}，更新 {totals['update']}，未变 {totals['skip']}，错误 0。"
        )

    def _publisher(self, username: str):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在。")
        if not can_publish(user):
            raise CommandError(f"用户 {username} 不是发布员，不能以其名义发布。")
        return user

    def _read(self, file: Path):
        if not file.is_file():
            raise CommandError(f"文件不存在：{file}")
        suffix = file.suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            raise CommandError("只支持 .csv（UTF-8 或 GBK/GB18030）和 .xlsx 文件。")
        limits = TableLimits.for_command()
        if file.stat().st_size > limits.max_bytes:  # before reading it into memory
            raise CommandError(
                f"文件过大：{filesizeformat(file.stat().st_size)}，上限为"
                f"{filesizeformat(limits.max_bytes)}（IMPORT_MAX_BYTES）。"
            )
        try:
            table = read_table(
                file.read_bytes(),
                file_format=suffix,
                limits=limits,
                required_headers=REQUIRED_HEADERS,
            )
        except TableFileError as error:
            raise CommandError("；".join(error.messages)) from error
        if table.encoding:
            self.stdout.write(f"文件编码：{table.encoding}，{table.row_count} 行数据。")
        return table.dataset

    def _errors(self, result):
        for error in result.base_errors:
            yield f"文件错误：{clerk_message(error)}"
        for number, errors in result.row_errors():
            for error in errors:
                yield f"数据第 {number} 行：{clerk_message(error)}"
        for invalid in result.invalid_rows:
            for field, messages in invalid.error_dict.items():
                label = self._label(field)
                for message in messages:
                    yield f"数据第 {invalid.number} 行 {label}：{message}"

    @staticmethod
    def _label(field: str) -> str:
        resource_field = DocumentResource.fields.get(field)
        return resource_field.column_name if resource_field else field
