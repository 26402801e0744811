"""Reading an uploaded table (CSV or XLSX) into a ``tablib.Dataset``, refusing bad files
with a message for the clerk before any real work.

A 2 KB XLSX can declare a million rows and Excel on Chinese Windows saves CSV in GBK.
``read_table`` checks the size, then (XLSX) the zip's central directory and the sheet's
declared dimension, then streams rows and stops at the first limit breached. Row numbers
in messages are the spreadsheet's (header = row 1).

Settings, read with ``getattr`` (default in brackets):

- ``IMPORT_MAX_BYTES`` (20 MiB): largest file accepted.
- ``IMPORT_MAX_ROWS`` (200_000): data rows, header excluded, for ``manage.py import_documents``.
- ``IMPORT_ADMIN_MAX_ROWS`` (5_000): data rows for the admin, whose import runs in a web worker.
- ``IMPORT_MAX_COLUMNS`` (50): columns holding anything.
- ``IMPORT_MAX_CELL_CHARS`` (100_000): characters in one cell.
- ``IMPORT_MAX_UNCOMPRESSED_BYTES`` (200 MiB): XLSX, all zip members unpacked.
- ``IMPORT_MAX_COMPRESSION_RATIO`` (100): XLSX, unpacked size over packed size.
"""

from __future__ import annotations

import csv
import io
import posixpath
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing, suppress
from dataclasses import dataclass
from itertools import islice
from xml.etree import ElementTree

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

MiB = 1024 * 1024
# Templates often keep formatted blank rows below the data; this many are read past the
# row limit before the file is refused (the cap that stops a cell at row 1,048,576).
BLANK_TAIL_ROWS = 1_000
# UTF-8 first: GBK text is almost never valid UTF-8. GBK is Excel's "CSV" on Chinese
# Windows (code page 936); GB18030 adds what GBK lacks (e.g. 𠮷) and decodes GBK alike.
CSV_ENCODINGS = (("utf-8", "UTF-8"), ("gbk", "GBK"), ("gb18030", "GB18030"))
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
# What openpyxl and zipfile raise on a damaged or foreign file (XML errors are SyntaxErrors).
BROKEN_XLSX = (zipfile.BadZipFile, zlib.error, KeyError, ValueError, TypeError, IndexError,
               SyntaxError, OSError, EOFError, InvalidFileException)  # fmt: skip
MESSAGES = {
    "format": "只支持 CSV 和 XLSX 文件。",
    "empty": "文件是空的。",
    "too_large": "文件过大：{size}，上限为 {limit}。",
    "encoding": "无法识别文件编码：CSV 应为 UTF-8 或 GBK/GB18030 编码（Excel 中另存为“CSV UTF-8”或“CSV（逗号分隔）”）。",
    "csv": "第 {row} 行无法按 CSV 读取（单元格超过 {max_cell_chars} 字，或引号不成对）。",
    "not_xlsx": "不是有效的 XLSX 文件；.xls 或 WPS 表格请先另存为 .xlsx。",
    "unpacked": "XLSX 文件解压后有 {size}，超过上限 {limit}。",
    "ratio": "XLSX 文件压缩比异常（{ratio:.0f} 倍，上限 {max_compression_ratio} 倍），已拒绝。",
    "dimension": "工作表的使用范围 {ref} 有 {rows} 行数据、{columns} 列，超出上限（{max_rows} 行、{max_columns} 列）。请删除多余的行列（包括只有格式的空行空列）；数据确实较多时，{hint}",
    "too_many_rows": "文件有 {count} 行以上数据，超过{row_limit}；{hint}",
    "blank_tail": "第 {max_rows} 行数据以下还有超过 {blanks} 行空行或只有格式的行，超过{row_limit}；请删除末尾多余的行后再导入。",
    "too_many_columns": "第 {row} 行第 {column} 列有内容，超过列数上限 {max_columns} 列。",
    "unnamed_column": "第 {row} 行第 {column} 列有内容，但第一行没有这一列的列名。",
    "no_headers": "第 1 行是空的。第一行应为列名。",
    "blank_header": "第 1 行第 {column} 列没有列名。",
    "duplicate_headers": "列名“{name}”重复：第 {first} 列和第 {column} 列。",
    "missing_headers": "文件缺少必需的列：{names}。第一行应为列名。",
    "nul": "第 {row} 行第 {column} 列{label}含有空字符（NUL），请删除后再导入。",
    "cell_too_long": "第 {row} 行第 {column} 列{label}过长：{length} 字，上限 {max_cell_chars} 字。",
}
ADMIN_HINT = "请分批导入，或由管理员在服务器上运行 manage.py import_documents 导入。"


class TableFileError(ValidationError):
    """A file refused as a whole, with a message for the clerk."""


def _error(code: str, limits: TableLimits | None = None, **params) -> TableFileError:
    """The refusal ``code`` in Chinese, formatted here: as ValidationError params, cell text
    with a % in it would be formatted again."""
    if limits is not None:
        where = "后台导入" if limits.is_admin else "导入"
        hint = ADMIN_HINT if limits.is_admin else "请分批导入。"
        params.update(vars(limits), row_limit=f"{where}上限 {limits.max_rows} 行", hint=hint)
    return TableFileError(MESSAGES[code].format(**params), code=code)


@dataclass(frozen=True)
class TableLimits:
    max_bytes: int
    max_rows: int
    max_columns: int
    max_cell_chars: int
    max_uncompressed_bytes: int
    max_compression_ratio: float
    is_admin: bool = False  # the admin's row limit points the clerk to the command line

    @classmethod
    def from_settings(cls, *, is_admin: bool) -> TableLimits:
        rows = ("IMPORT_ADMIN_MAX_ROWS", 5_000) if is_admin else ("IMPORT_MAX_ROWS", 200_000)
        return cls(
            max_bytes=getattr(settings, "IMPORT_MAX_BYTES", 20 * MiB),
            max_rows=getattr(settings, *rows),
            max_columns=getattr(settings, "IMPORT_MAX_COLUMNS", 50),
            max_cell_chars=getattr(settings, "IMPORT_MAX_CELL_CHARS", 100_000),
            max_uncompressed_bytes=getattr(settings, "IMPORT_MAX_UNCOMPRESSED_BYTES", 200 * MiB),
            max_compression_ratio=getattr(settings, "IMPORT_MAX_COMPRESSION_RATIO", 100),
            is_admin=is_admin,
        )

    @classmethod
    def for_admin(cls) -> TableLimits:
        return cls.from_settings(is_admin=True)

    @classmethod
    def for_command(cls) -> TableLimits:
        return cls.from_settings(is_admin=False)


@dataclass(frozen=True)
class Table:
    dataset: tablib.Dataset
    encoding: str | None  # how a CSV was decoded, for the clerk; None for XLSX
    row_count: int


def read_table(
    data: bytes, *, file_format: str, limits: TableLimits, required_headers: Sequence[str] = ()
) -> Table:
    """The header and data rows of a CSV or XLSX file (first worksheet). TableFileError in
    Chinese when the file breaks a limit, cannot be read, or lacks a required column."""
    file_format = file_format.lower().lstrip(".")
    if file_format not in ("csv", "xlsx"):
        raise _error("format")
    if len(data) > limits.max_bytes:
        size, limit = filesizeformat(len(data)), filesizeformat(limits.max_bytes)
        raise _error("too_large", size=size, limit=limit)
    if not data:
        raise _error("empty")
    encoding = None
    if file_format == "csv":
        text, encoding = _decode(data)
        headers, rows = _collect(_csv_rows(text, limits), limits, required_headers)
    else:
        headers, rows = _read_xlsx(data, limits, required_headers)
    dataset = tablib.Dataset(*rows, headers=headers)
    return Table(dataset=dataset, encoding=encoding, row_count=len(rows))


def _decode(data: bytes) -> tuple[str, str]:
    bom = data.startswith(b"\xef\xbb\xbf")
    for codec, label in (("utf-8-sig", "UTF-8（带 BOM）"),) if bom else CSV_ENCODINGS:
        with suppress(UnicodeDecodeError):
            return data.decode(codec), label
    raise _error("encoding")


def _csv_rows(text: str, limits: TableLimits) -> Iterator[list[str]]:
    # The csv module refuses fields past a process-wide limit (131,072 by default); raise
    # it only, never lower it, so that max_cell_chars is the limit that speaks.
    if csv.field_size_limit() <= limits.max_cell_chars:
        csv.field_size_limit(limits.max_cell_chars + 1)
    number = 0
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            number += 1
            yield row
    except csv.Error as exc:
        raise _error("csv", limits, row=number + 1) from exc


def _read_xlsx(data: bytes, limits: TableLimits, required_headers: Sequence[str]):
    _check_archive(data, limits)
    options = {"read_only": True, "data_only": True, "keep_links": False}
    try:
        with closing(load_workbook(io.BytesIO(data), **options)) as workbook:
            sheet = workbook.worksheets[0]
            # A dimension that lies must not truncate the read (rows are counted as they
            # come); one column past the limit shows whether anything is there, and without
            # max_col openpyxl pads each row to its widest cell (XFD is column 16,384).
            sheet.reset_dimensions()
            rows = sheet.iter_rows(max_col=limits.max_columns + 1, values_only=True)
            return _collect(rows, limits, required_headers)
    except BROKEN_XLSX as exc:
        raise _error("not_xlsx") from exc


def _check_archive(data: bytes, limits: TableLimits) -> None:
    """Refuses a zip bomb by its central directory, before anything is unpacked (zipfile
    never unpacks past a member's declared size, so these sizes bound what openpyxl reads)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
            packed = max(sum(member.compress_size for member in archive.infolist()), 1)
            if unpacked > limits.max_uncompressed_bytes:
                limit = filesizeformat(limits.max_uncompressed_bytes)
                raise _error("unpacked", size=filesizeformat(unpacked), limit=limit)
            if unpacked > packed * limits.max_compression_ratio:
                raise _error("ratio", limits, ratio=unpacked / packed)
            _check_dimension(archive, limits)
    except BROKEN_XLSX as exc:
        raise _error("not_xlsx") from exc


def _elements(archive: zipfile.ZipFile, name: str) -> Iterator[tuple[str, ElementTree.Element]]:
    """Local names and elements as their start tags stream in; the caller stops early."""
    with archive.open(name) as stream:
        for _event, element in ElementTree.iterparse(stream, events=("start",)):
            yield element.tag.rpartition("}")[2], element


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    """The part openpyxl reads as ``worksheets[0]``: workbook.xml's first sheet whose
    relationship is a worksheet (chartsheets are skipped, as openpyxl does)."""
    rels = _elements(archive, "xl/_rels/workbook.xml.rels")
    targets = {e.get("Id"): e.get("Target", "") for tag, e in rels if tag == "Relationship"
               and e.get("Type", "").endswith("/worksheet")}  # fmt: skip
    ids = (e.get(R_ID) for tag, e in _elements(archive, "xl/workbook.xml") if tag == "sheet")
    target = next(targets[sheet_id] for sheet_id in ids if sheet_id in targets)
    return target[1:] if target.startswith("/") else posixpath.normpath(f"xl/{target}")


def _check_dimension(archive: zipfile.ZipFile, limits: TableLimits) -> None:
    """Refuses a sheet whose declared <dimension> is past the limits, reading only the start
    of the sheet part. The bounds are the streamed read's, so only what it would refuse."""
    try:
        path = _first_sheet_path(archive)
    except (KeyError, StopIteration, ElementTree.ParseError):
        path = "xl/worksheets/sheet1.xml"
    elements = _elements(archive, path) if path in archive.NameToInfo else ()
    # <dimension> is optional and comes before <sheetData>: stop at whichever comes first.
    ref = next((e.get("ref") for tag, e in elements if tag in ("dimension", "sheetData")), None)
    try:
        _min_col, _min_row, max_col, max_row = range_boundaries(ref or "A1")
    except (ValueError, TypeError):
        return  # unreadable: the streamed count still applies
    rows, columns = (max_row or 1) - 1, max_col or 1
    if rows > limits.max_rows + BLANK_TAIL_ROWS or columns > limits.max_columns:
        raise _error("dimension", limits, ref=ref, rows=rows, columns=columns)


def _collect(rows: Iterable[Sequence], limits: TableLimits, required_headers: Sequence[str]):
    """Headers and data rows, checked as they stream in; blank rows inside are kept (row
    numbers stay the spreadsheet's), trailing ones dropped."""
    rows = iter(rows)
    headers = _headers(next(rows, ()), limits, required_headers)
    data, blanks = [], 0
    for number, cells in enumerate(rows, start=2):
        row = _cells(number, cells, headers, len(headers), limits)
        if row.count("") == len(row):
            blanks += 1
            if number - 1 > limits.max_rows + BLANK_TAIL_ROWS:
                raise _error("blank_tail", limits, blanks=BLANK_TAIL_ROWS)
            continue
        if number - 1 > limits.max_rows:
            raise _error("too_many_rows", limits, count=number - 1)
        row.extend([""] * (len(headers) - len(row)))  # a CSV line shorter than its header
        data.extend([""] * len(headers) for _ in range(blanks))
        blanks = 0
        data.append(row)
    return headers, data


def _headers(cells: Sequence, limits: TableLimits, required_headers: Sequence[str]) -> list[str]:
    cells = _cells(1, cells, (), limits.max_columns, limits)
    names = [str(value).strip().strip("\ufeff").strip() for value in cells]
    while names and not names[-1]:
        names.pop()
    if not names:
        raise _error("no_headers")
    seen = {}
    for column, name in enumerate(names, start=1):
        if not name:
            raise _error("blank_header", column=column)
        if name in seen:
            raise _error("duplicate_headers", name=name, first=seen[name], column=column)
        seen[name] = column
    missing = [name for name in required_headers if name not in seen]
    if missing:
        raise _error("missing_headers", names="、".join(missing))
    return names


def _cells(number: int, cells: Sequence, headers: Sequence[str], width: int, limits: TableLimits):
    """The row's first ``width`` values, None as "". Refuses content past them (past the
    column limit, or under no header), an over-long cell and a NUL."""
    for column, value in enumerate(islice(cells, width, None), start=width + 1):
        if value is not None and value != "":  # islice: a CSV row can have millions of cells
            code = "too_many_columns" if column > limits.max_columns else "unnamed_column"
            raise _error(code, limits, row=number, column=column)
    row = ["" if value is None else value for value in cells[:width]]
    for column, value in enumerate(row, start=1):
        if isinstance(value, str) and (len(value) > limits.max_cell_chars or "\x00" in value):
            label = f"（{headers[column - 1]}）" if column <= len(headers) else ""
            code = "nul" if "\x00" in value else "cell_too_long"
            raise _error(code, limits, row=number, column=column, label=label, length=len(value))
    return row
