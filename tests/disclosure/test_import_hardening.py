"""Causes 2 and 5 of the hostile-input probe, and the smaller import findings: files are
read within limits, every error is a Chinese message naming the row and column, and a
re-import never duplicates."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError

from disclosure.models import Document
from tests.disclosure.test_resources import (
    IMPORT,
    csv_bytes,
    import_via_command,
    login,
    row,
)

pytestmark = pytest.mark.django_db
LEAKS = ("Traceback", "site-packages", 'File "', "psycopg", "DataError", "IntegrityError", ".venv")


def admin_preview(client, user, content: bytes, name="catalogue.csv"):
    client = login(client, user)
    upload = SimpleUploadedFile(name, content)
    file_format = "1" if name.endswith(".xlsx") else "0"
    return client.post(IMPORT, {"import_file": upload, "format": file_format, "resource": "0"})


def assert_clean_chinese_page(response, *expected):
    html = response.content.decode()
    assert response.status_code == 200
    for text in expected:
        assert text in html, text
    for leak in LEAKS:
        assert leak not in html, leak
    assert response.context.get("confirm_form") is None


def test_reimporting_rows_without_index_number_or_document_number_finds_the_drafts(
    agency, tmp_path, client
):
    rows = [row(title=f"无号文件{n}", number="", **{"发布日期": ""}) for n in range(3)]
    import_via_command(tmp_path, csv_bytes(rows))
    out, _ = import_via_command(tmp_path, csv_bytes(rows))
    assert "新增 0" in out and Document.objects.count() == 3
    preview = admin_preview(client, agency.clerk, csv_bytes(rows))
    assert preview.context["result"].totals["new"] == 0


@pytest.mark.parametrize(
    "headers, missing",
    [
        (["标题", "正文"], "发布机构、主题分类、体裁分类"),
        (["title", "organization"], "标题、发布机构、主题分类、体裁分类"),
    ],
)
def test_a_csv_missing_required_columns_is_a_chinese_message_not_a_traceback(
    agency, client, headers, missing
):
    content = csv_bytes([["x"] * len(headers)], headers=headers)
    assert_clean_chinese_page(admin_preview(client, agency.clerk, content), missing)


def test_a_nul_in_a_cell_names_the_row_and_column(agency, client, tmp_path):
    content = csv_bytes([row(), row(title="第二\x00行", number="2号")])
    response = admin_preview(client, agency.clerk, content)
    assert_clean_chinese_page(response, "第 3 行第 2 列", "空字符")
    with pytest.raises(CommandError):
        import_via_command(tmp_path, content)
    assert not Document.objects.exists()


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_a_csv_saved_by_excel_on_chinese_windows_is_accepted(agency, client, encoding):
    text = csv_bytes([row()]).decode("utf-8")
    response = admin_preview(client, agency.clerk, text.encode(encoding))
    html = response.content.decode()
    assert "关于做好临时救助工作的通知" in html and "GB" in html
    assert response.context["confirm_form"] is not None


def test_a_gbk_csv_imports_from_the_command_line(agency, tmp_path):
    text = csv_bytes([row()]).decode("utf-8")
    out, _ = import_via_command(tmp_path, text.encode("gbk"))
    assert "新增 1" in out and Document.objects.get().title == "关于做好临时救助工作的通知"


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"成文日期": "0001-01-01"}, "成文日期"),
        ({"成文日期": "9999-12-31"}, "成文日期"),
        ({"发布日期": "0001-01-01"}, "发布日期"),
        ({"成文日期": "2025-03-06", "发布日期": "2025-03-05"}, "晚于发布日期"),
    ],
)
def test_implausible_dates_in_a_file_are_row_errors(agency, client, overrides, message):
    response = admin_preview(client, agency.clerk, csv_bytes([row(**overrides)]))
    assert_clean_chinese_page(response, message, "数据第 1 行")


def test_an_imported_index_number_is_kept_exactly_and_marked_legacy(agency, tmp_path):
    import_via_command(tmp_path, csv_bytes([row(**{"索引号": "01527918X-2020-153077"})]))
    document = Document.objects.get()
    assert document.index_number == "01527918X-2020-153077"
    assert document.has_legacy_index_number


def test_an_unexpected_error_shows_no_internals(agency, client, monkeypatch):
    from disclosure import resources

    def explode(self, *args, **kwargs):
        raise RuntimeError("/srv/portal/.venv/lib/python3.11/site-packages/x.py boom")

    monkeypatch.setattr(resources.DocumentResource, "import_instance", explode)
    response = admin_preview(client, agency.clerk, csv_bytes([row()]))
    assert_clean_chinese_page(response, "处理时出错（已记录）")
    assert "boom" not in response.content.decode()


def test_the_preview_shows_the_first_rows_and_a_summary(agency, client, settings):
    settings.IMPORT_PREVIEW_ROWS = 5
    rows = [row(title=f"批量文件{n}", number=f"渝民发〔2025〕{n}号") for n in range(12)]
    html = admin_preview(client, agency.clerk, csv_bytes(rows)).content.decode()
    assert "共 12 行数据：新增 12" in html
    assert "批量文件4" in html and "批量文件5" not in html


def test_a_file_over_the_admins_row_limit_points_to_the_command(agency, client, settings):
    settings.IMPORT_ADMIN_MAX_ROWS = 3
    rows = [row(title=f"文件{n}", number=f"{n}号") for n in range(5)]
    response = admin_preview(client, agency.clerk, csv_bytes(rows))
    assert_clean_chinese_page(response, "import_documents")
    assert not Document.objects.exists()


def xlsx_with_far_cell() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["XFD1048576"] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_sheet_with_one_far_away_cell_is_refused_at_once(agency, client, tmp_path):
    import time

    content = xlsx_with_far_cell()
    assert len(content) < 10_000
    started = time.monotonic()
    response = admin_preview(client, agency.clerk, content, name="far.xlsx")
    assert_clean_chinese_page(response)
    assert "列" in response.content.decode() or "行" in response.content.decode()
    with pytest.raises(CommandError):
        import_via_command(tmp_path, content, name="far.xlsx")
    assert time.monotonic() - started < 5


def test_two_notices_of_one_title_on_different_days_are_two_documents(agency, tmp_path):
    rows = [
        row(title="停水通知", number="", **{"发布日期": "2025-03-05"}),
        row(title="停水通知", number="", **{"发布日期": "2025-04-05"}),
    ]
    out, _ = import_via_command(tmp_path, csv_bytes(rows))
    assert "新增 2" in out
    with pytest.raises(CommandError):  # the same day twice is one document twice
        import_via_command(
            tmp_path,
            csv_bytes(
                [
                    rows[0],
                    row(title="停水通知", number="", **{"发布日期": "2025-03-05", "正文": "x"}),
                ]
            ),
        )


def test_an_attachment_is_parsed_once_per_upload(agency, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from disclosure import models
    from tests.disclosure.factories import DocumentFactory

    calls = []
    original = models.extract_text
    monkeypatch.setattr(models, "extract_text", lambda *a: calls.append(1) or original(*a))
    attachment = models.Attachment(
        document=DocumentFactory(), file=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")
    )
    attachment.full_clean()
    attachment.save()
    assert len(calls) == 1


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(agency, client, settings):
    settings.IMPORT_MAX_BYTES = 1000
    response = admin_preview(client, agency.clerk, csv_bytes([row()] * 20))
    assert_clean_chinese_page(response, "文件过大", "import_documents")
    assert response.context["form"].errors["import_file"]


def test_a_file_that_takes_too_long_to_read_is_refused_not_waited_for(
    agency, client, settings, monkeypatch
):
    import time

    from portal import import_formats

    settings.IMPORT_READ_SECONDS = 1

    def slow(*args):
        time.sleep(30)

    monkeypatch.setattr(import_formats, "_read_in_child", slow)
    started = time.monotonic()
    response = admin_preview(client, agency.clerk, csv_bytes([row()]))
    assert_clean_chinese_page(response, "限定的时间", "import_documents")
    assert time.monotonic() - started < 5
