"""django-import-export formats that read uploads with ``portal.tabular``: within the
limits, in any of the encodings Excel writes, refusing a bad file with a Chinese message
before the resource sees a row. For the admin's import only; exports keep the library's
own formats (they encode CSV with a BOM for Excel).

The reading runs in a forked child with a time and memory budget (``IMPORT_READ_SECONDS``,
``ATTACHMENT_EXTRACT_MEMORY_BYTES``): an XLSX can be small, pass every declared limit and
still take openpyxl long to parse, and the web worker must not be the one waiting."""

from datetime import date, datetime

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm

from portal.forked_call import ChildFailed, ChildOutOfMemory, ChildTimeout, call_forked
from portal.tabular import TableLimits, read_table

TOO_SLOW = (
    "文件无法在限定的时间内读取（内容过多或结构过于复杂）。请分批导入，"
    "或由管理员在服务器上运行 manage.py import_documents 导入。"
)


class LimitedImportForm(ImportForm):
    """Refuses a file over the size limit as uploaded, before the library copies it into
    its temporary storage (which takes time that grows faster than the file)."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit = TableLimits.for_admin().max_bytes
        if upload.size > limit:
            raise ValidationError(
                f"文件过大：{filesizeformat(upload.size)}，上限为{filesizeformat(limit)}。"
                "请分批导入，或由管理员在服务器上运行 manage.py import_documents 导入。"
            )
        return upload


def _plain(value):
    """A cell as JSON can carry it back from the child (dates as the import parses them)."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _read_in_child(data: bytes, file_format: str, required_headers) -> dict:
    table = read_table(
        data, file_format=file_format, limits=TableLimits.for_admin(),
        required_headers=required_headers,
    )  # fmt: skip
    rows = [[_plain(value) for value in row] for row in table.dataset]
    return {"headers": list(table.dataset.headers), "rows": rows, "encoding": table.encoding}


class LimitedFormat:
    """Reads the raw bytes itself (so it can tell GBK from UTF-8): binary for the admin."""

    file_format = ""
    required_headers: tuple[str, ...] = ()

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream):
        data = in_stream if isinstance(in_stream, bytes) else bytes(in_stream)
        try:
            table = call_forked(
                _read_in_child, data, self.file_format, list(self.required_headers),
                seconds=settings.IMPORT_READ_SECONDS,
                memory_bytes=settings.ATTACHMENT_EXTRACT_MEMORY_BYTES,
            )  # fmt: skip
        except (ChildTimeout, ChildOutOfMemory, ChildFailed) as error:
            raise ValidationError(TOO_SLOW, code="too_slow") from error
        dataset = tablib.Dataset(*[tuple(row) for row in table["rows"]], headers=table["headers"])
        dataset.source_encoding = table["encoding"]  # shown in the preview
        return dataset


class LimitedCSV(LimitedFormat, CSV):
    file_format = "csv"


class LimitedXLSX(LimitedFormat, XLSX):
    file_format = "xlsx"
