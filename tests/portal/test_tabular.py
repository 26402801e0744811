import csv
import dataclasses
import io
import re
import zipfile
from datetime import datetime

import openpyxl
import pytest

from portal import tabular
from portal.tabular import TableFileError, TableLimits, read_table

SHEET = "xl/worksheets/sheet1.xml"
HEADERS = ["标题", "发布机构", "正文"]


def _limits(**changes) -> TableLimits:
    return dataclasses.replace(TableLimits.for_command(), **changes)


def _xlsx(rows, *, cells=None) -> bytes:
    """An XLSX written by openpyxl (inline strings, which openpyxl reads slower than
    Excel's shared strings); ``cells`` maps coordinates to values."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for coordinate, value in (cells or {}).items():
        sheet[coordinate] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _rezip(data: bytes, name: str, change) -> bytes:
    """The same archive with one member's bytes passed through ``change``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == name:
                content = change(content)
            target.writestr(info.filename, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _with_dimension(data: bytes, ref: str) -> bytes:
    return _rezip(
        data,
        SHEET,
        lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), xml),
    )


def _csv(rows, encoding="utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def _refusal(data: bytes, file_format: str, limits: TableLimits, **kwargs) -> str:
    with pytest.raises(TableFileError) as info:
        read_table(data, file_format=file_format, limits=limits, **kwargs)
    return info.value.messages[0]


def _build(file_format: str, rows) -> bytes:
    return _xlsx(rows) if file_format == "xlsx" else _csv(rows)


@pytest.fixture
def forbid_openpyxl(monkeypatch):
    def load_workbook(*args, **kwargs):
        raise AssertionError("openpyxl must not open this file")

    monkeypatch.setattr(tabular, "load_workbook", load_workbook)


# --- reading good files -------------------------------------------------------------------


def test_a_normal_xlsx_keeps_its_values_and_types():
    published = datetime(2024, 3, 1, 9, 30)
    data = _xlsx([["标题", "数量", "比例", "发布日期", "备注"], ["通知", 3, 1.5, published, None]])

    table = read_table(data, file_format="xlsx", limits=_limits(), required_headers=["标题"])

    assert table.dataset.headers == ["标题", "数量", "比例", "发布日期", "备注"]
    assert list(table.dataset[0]) == ["通知", 3, 1.5, published, ""]
    assert (table.row_count, table.encoding) == (1, None)


def test_a_normal_csv_keeps_every_cell_as_written():
    data = _csv([HEADERS, [" 通知 ", "民政局", "第一段\n第二段"], ["", "", "只有正文"]])

    table = read_table(data, file_format="csv", limits=_limits(), required_headers=HEADERS)

    assert table.dataset.dict == [
        {"标题": " 通知 ", "发布机构": "民政局", "正文": "第一段\n第二段"},
        {"标题": "", "发布机构": "", "正文": "只有正文"},
    ]
    assert (table.row_count, table.encoding) == (2, "UTF-8")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_blank_rows_inside_are_kept_and_trailing_ones_dropped(file_format):
    rows = [HEADERS, ["甲", "", ""], ["", "", ""], ["乙", "", ""], ["", "", ""], ["", "", ""]]

    table = read_table(_build(file_format, rows), file_format=file_format, limits=_limits())

    assert [row[0] for row in table.dataset] == ["甲", "", "乙"]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_header_cells_are_stripped_of_spaces_and_a_bom(file_format):
    data = _build(file_format, [[" 标题 ", "\ufeff发布机构", "正文\t"], ["通知", "民政局", ""]])

    table = read_table(data, file_format=file_format, limits=_limits(), required_headers=HEADERS)

    assert table.dataset.headers == HEADERS


def test_a_sheet_whose_dimension_understates_it_is_still_read_whole():
    rows = [HEADERS, ["甲", "一", "1"], ["乙", "二", "2"]]
    data = _with_dimension(_xlsx(rows), "A1:A1")

    table = read_table(data, file_format="xlsx", limits=_limits())

    assert [list(row) for row in table.dataset] == rows[1:]


@pytest.mark.parametrize(
    ("encoding", "text", "label"),
    [
        ("utf-8", "民政局", "UTF-8"),
        ("utf-8-sig", "民政局", "UTF-8（带 BOM）"),
        ("gbk", "关于做好低保工作的通知", "GBK"),
        ("gb18030", "𠮷野家", "GB18030"),  # 𠮷 is not in GBK
    ],
)
def test_csv_in_utf8_gbk_and_gb18030_is_read_with_its_encoding_named(encoding, text, label):
    data = _csv([HEADERS, [text, "民政局", "正文"]], encoding)

    table = read_table(data, file_format="csv", limits=_limits())

    assert table.dataset.headers == HEADERS
    assert table.dataset[0][0] == text
    assert table.encoding == label


def test_the_limits_come_from_settings(settings):
    settings.IMPORT_MAX_ROWS = 300
    settings.IMPORT_ADMIN_MAX_ROWS = 30
    settings.IMPORT_MAX_COLUMNS = 7

    admin, command = TableLimits.for_admin(), TableLimits.for_command()

    assert (admin.max_rows, admin.is_admin, admin.max_columns) == (30, True, 7)
    assert (command.max_rows, command.is_admin) == (300, False)


def test_the_limits_have_defaults_when_settings_do_not_name_them(settings):
    for name in [
        "IMPORT_MAX_BYTES", "IMPORT_MAX_ROWS", "IMPORT_ADMIN_MAX_ROWS", "IMPORT_MAX_COLUMNS",
        "IMPORT_MAX_CELL_CHARS", "IMPORT_MAX_UNCOMPRESSED_BYTES", "IMPORT_MAX_COMPRESSION_RATIO",
    ]:  # fmt: skip
        delattr(settings, name)

    assert TableLimits.for_admin() == TableLimits(
        max_bytes=20 * 1024 * 1024,
        max_rows=5_000,
        max_columns=50,
        max_cell_chars=100_000,
        max_uncompressed_bytes=200 * 1024 * 1024,
        max_compression_ratio=100,
        is_admin=True,
    )
    assert TableLimits.for_command().max_rows == 200_000


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_ten_thousand_rows_are_read_whole(file_format):
    # Their speed is measured by ``make bench`` (the import figures), not asserted here.
    row = ["关于做好低保工作的通知", "民政局", "社会福利", "公告", 2024, 1.5] + ["正文" * 20] * 5
    data = _build(file_format, [[f"列{n}" for n in range(11)]] + [row] * 10_000)

    table = read_table(data, file_format=file_format, limits=_limits())

    assert table.row_count == 10_000


# --- refusing bad files -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: _xlsx([], cells={"XFD1048576": "x"}), "工作表的使用范围 XFD1048576:XFD1048576 有 1048575 行数据、16384 列，超出上限（5000 行、50 列）"),
        (lambda: _with_dimension(_xlsx([], cells={"XFD1048576": "x"}), "A1:A1"), "第 1 行是空的。第一行应为列名。"),
        (lambda: _with_dimension(_xlsx([HEADERS], cells={"XFD1048576": "x"}), "A1:A1"), "第 5000 行数据以下还有超过 1000 行空行或只有格式的行，超过后台导入上限 5000 行"),
    ],
    ids=["declared", "lying, no header", "lying, with header"],
)  # fmt: skip
def test_a_cell_at_xfd1048576_is_refused(settings, build, message):
    settings.IMPORT_ADMIN_MAX_ROWS = 5000
    data = build()

    refusal = _refusal(data, "xlsx", TableLimits.for_admin())

    assert refusal.startswith(message)


def test_a_declared_dimension_past_the_limits_is_refused_before_openpyxl(forbid_openpyxl):
    data = _with_dimension(_xlsx([HEADERS]), "A1:C900000")

    refusal = _refusal(data, "xlsx", _limits(max_rows=5000, max_columns=200))

    assert refusal == (
        "工作表的使用范围 A1:C900000 有 899999 行数据、3 列，超出上限（5000 行、200 列）。"
        "请删除多余的行列（包括只有格式的空行空列）；数据确实较多时，请分批导入。"
    )


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_too_many_rows_in_the_admin_points_to_the_command_line(settings, file_format):
    settings.IMPORT_ADMIN_MAX_ROWS = 3
    data = _build(file_format, [HEADERS] + [["通知", "民政局", ""]] * 10)

    refusal = _refusal(data, file_format, TableLimits.for_admin())

    assert refusal == (
        "文件有 4 行以上数据，超过后台导入上限 3 行；"
        "请分批导入，或由管理员在服务器上运行 manage.py import_documents 导入。"
    )


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_too_many_rows_on_the_command_line_asks_for_batches(settings, file_format):
    settings.IMPORT_MAX_ROWS = 3
    data = _build(file_format, [HEADERS] + [["通知", "民政局", ""]] * 10)

    refusal = _refusal(data, file_format, TableLimits.for_command())

    assert refusal == "文件有 4 行以上数据，超过导入上限 3 行；请分批导入。"


def test_the_admin_limit_of_5000_rows_is_named_in_its_message(settings):
    settings.IMPORT_ADMIN_MAX_ROWS = 5000
    data = _csv([HEADERS] + [["通知", "民政局", ""]] * 5001)

    refusal = _refusal(data, "csv", TableLimits.for_admin())

    assert refusal == (
        "文件有 5001 行以上数据，超过后台导入上限 5000 行；"
        "请分批导入，或由管理员在服务器上运行 manage.py import_documents 导入。"
    )


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exactly_the_row_limit_is_accepted_with_blank_rows_after_it(file_format):
    data = _build(file_format, [HEADERS] + [["通知", "民政局", ""]] * 3 + [["", "", ""]] * 5)

    table = read_table(data, file_format=file_format, limits=_limits(max_rows=3))

    assert table.row_count == 3


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([HEADERS + ["附件"]], "第 1 行第 4 列有内容，超过列数上限 3 列。"),
        ([HEADERS, ["通知", "", "", "", "多余"]], "第 2 行第 5 列有内容，超过列数上限 3 列。"),
    ],
)
def test_a_csv_cell_past_the_column_limit_is_refused(rows, message):
    assert _refusal(_csv(rows), "csv", _limits(max_columns=3)) == message


def test_an_xlsx_declaring_too_many_columns_is_refused_before_openpyxl(forbid_openpyxl):
    data = _xlsx([HEADERS + ["附件"]])

    refusal = _refusal(data, "xlsx", _limits(max_columns=3))

    assert refusal.startswith(
        "工作表的使用范围 A1:D1 有 0 行数据、4 列，超出上限（200000 行、3 列）"
    )


def test_an_xlsx_cell_past_the_column_limit_is_refused_when_the_dimension_lies():
    data = _with_dimension(_xlsx([HEADERS, ["通知", "", "", "多余"]]), "A1:C2")

    refusal = _refusal(data, "xlsx", _limits(max_columns=3))

    assert refusal == "第 2 行第 4 列有内容，超过列数上限 3 列。"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_cell_in_a_column_without_a_header_is_refused(file_format):
    data = _build(file_format, [["标题", "发布机构"], ["通知", "民政局", "无名"]])

    refusal = _refusal(data, file_format, _limits())

    assert refusal == "第 2 行第 3 列有内容，但第一行没有这一列的列名。"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_over_long_cell_is_refused_naming_row_column_and_header(file_format):
    data = _build(file_format, [HEADERS, ["通知", "民政局", "短"], ["通知", "民政局", "长" * 12]])

    refusal = _refusal(data, file_format, _limits(max_cell_chars=10))

    assert refusal == "第 3 行第 3 列（正文）过长：12 字，上限 10 字。"


def test_a_csv_cell_past_the_csv_modules_own_limit_is_refused_in_chinese():
    data = _csv([HEADERS, ["通知", "民政局", "长" * 200_000]])

    refusal = _refusal(data, "csv", _limits(max_cell_chars=100_000))

    assert refusal.startswith("第 2 行无法按 CSV 读取")


def test_a_nul_in_a_csv_cell_is_refused_naming_row_and_column():
    data = _csv([HEADERS, ["通知", "民政局", "正文"], ["通知", "民\x00政局", "正文"]])

    refusal = _refusal(data, "csv", _limits())

    assert refusal == "第 3 行第 2 列（发布机构）含有空字符（NUL），请删除后再导入。"


def test_bytes_in_no_accepted_encoding_are_refused_naming_the_encodings():
    data = "标题,发布机构\r\n".encode("utf-16")

    refusal = _refusal(data, "csv", _limits())

    assert "UTF-8 或 GBK/GB18030" in refusal


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_missing_required_headers_are_listed_in_order(file_format):
    data = _build(file_format, [["正文", "主题分类"], ["内容", "民政"]])

    refusal = _refusal(data, file_format, _limits(), required_headers=["标题", "发布机构", "正文"])

    assert refusal == "文件缺少必需的列：标题、发布机构。第一行应为列名。"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["标题", "正文", "标题"]], "列名“标题”重复：第 1 列和第 3 列。"),
        ([["标题", "", "正文"]], "第 1 行第 2 列没有列名。"),
        ([["", "", ""], ["通知", "", ""]], "第 1 行是空的。第一行应为列名。"),
    ],
)
def test_a_bad_header_row_is_refused(rows, message):
    assert _refusal(_csv(rows), "csv", _limits()) == message


def test_a_format_other_than_csv_or_xlsx_is_refused():
    assert _refusal(b"{}", "json", _limits()) == "只支持 CSV 和 XLSX 文件。"


@pytest.mark.parametrize(
    ("data", "limits", "message"),
    [
        (b"", _limits(), "文件是空的。"),
        (b"x" * 2048, _limits(max_bytes=1024), "文件过大："),
        (b"not a zip at all", _limits(), "不是有效的 XLSX 文件"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, _limits(), "不是有效的 XLSX 文件"),
    ],
    ids=["empty", "too large", "not a zip", "xls"],
)
def test_an_unreadable_or_oversized_file_is_refused(data, limits, message):
    assert _refusal(data, "xlsx", limits).startswith(message)


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")

    assert _refusal(out.getvalue(), "xlsx", _limits()).startswith("不是有效的 XLSX 文件")


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """A workbook whose sheet is 50 MB of one repeated row, packed about a thousandfold."""
    rows = b'<row r="2"><c r="A2"><v>1</v></c></row>' * (50_000_000 // 38)
    return _rezip(
        _xlsx([HEADERS]), SHEET, lambda xml: xml.replace(b"</sheetData>", rows + b"</sheetData>")
    )


def test_a_zip_bomb_is_refused_by_its_ratio_before_openpyxl(zip_bomb, forbid_openpyxl):
    refusal = _refusal(zip_bomb, "xlsx", _limits())

    assert refusal.startswith("XLSX 文件压缩比异常")


def test_a_workbook_unpacking_past_the_size_limit_is_refused_before_openpyxl(forbid_openpyxl):
    data = _xlsx([HEADERS] + [["通知", "民政局", f"正文{n}"] for n in range(100)])

    refusal = _refusal(data, "xlsx", _limits(max_uncompressed_bytes=1000))

    assert refusal.startswith("XLSX 文件解压后有")


@pytest.mark.parametrize("part", [SHEET, "xl/workbook.xml"])
def test_an_xml_entity_bomb_in_a_workbook_is_refused_not_expanded(part):
    """Billion laughs: ten entities, each ten of the one before (10^9 characters once
    expanded), declared in a part of an otherwise normal workbook."""
    entities = b'<!ENTITY e0 "laughlaugh">' + b"".join(
        b'<!ENTITY e%d "%s">' % (n, b"&e%d;" % (n - 1) * 10) for n in range(1, 10)
    )

    def bomb(xml: bytes) -> bytes:
        declaration = re.match(rb"<\?xml[^>]*\?>\s*", xml)
        head = declaration.group() if declaration else b""
        body = xml[len(head) :]
        root = re.match(rb"<([\w:]+)", body).group(1)
        doctype = b"<!DOCTYPE " + root + b" [" + entities + b"]>"
        return head + doctype + body.replace(b"</", b"&e9;</", 1)

    data = _rezip(_xlsx([["标题"], ["一"]]), part, bomb)
    assert "不是有效的 XLSX 文件" in _refusal(data, "xlsx", _limits())
