"""django-import-export formats that read uploads with ``portal.tabular``: within the
limits, in any of the encodings Excel writes, refusing a bad file with a Chinese message
before the resource sees a row. For the admin's import only; exports keep the library's
own formats (they encode CSV with a BOM for Excel)."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm

from portal.tabular import TableLimits, read_table


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
        table = read_table(
            data,
            file_format=self.file_format,
            limits=TableLimits.for_admin(),
            required_headers=self.required_headers,
        )
        table.dataset.source_encoding = table.encoding  # shown in the preview
        return table.dataset


class LimitedCSV(LimitedFormat, CSV):
    file_format = "csv"


class LimitedXLSX(LimitedFormat, XLSX):
    file_format = "xlsx"
