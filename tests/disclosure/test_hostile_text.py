"""Cause 1 of the hostile-input probe: a control character in a title broke every feed and
the XLSX export. Text is now cleaned once on every write path, and nothing that reads
stored text can fail on it."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from disclosure.models import Document
from tests.disclosure.factories import DocumentFactory
from tests.disclosure.test_admin import ADD, form_data, logged_in
from tests.disclosure.test_resources import csv_bytes, export, import_via_command, login, row

pytestmark = pytest.mark.django_db

HOSTILE_TITLES = [
    "通知\x01",
    "通知\x1b[31m",
    "通知\x85",
    "通知\u202e号21",
    "通\u200b知",
    "通知\x00",
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_the_admin_form_refuses_a_hostile_title_with_a_chinese_field_error(agency, client, title):
    response = logged_in(client, agency.clerk).post(ADD, form_data(agency, title=title))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["title"]
    assert "U+" in errors[0] and "请" in errors[0]
    assert not Document.objects.exists()


def test_the_admin_form_stores_a_title_normalised(agency, client):
    logged_in(client, agency.clerk).post(
        ADD, form_data(agency, title="  Cafe\u0301 通知\u3000", document_number=" 1号 ")
    )
    document = Document.objects.get()
    assert document.title == "Café 通知" and document.document_number == "1号"


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_the_import_refuses_a_hostile_title_naming_the_row_and_column(agency, tmp_path, title):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        _, err = import_via_command(tmp_path, csv_bytes([row(), row(title=title, number="2号")]))
    assert not Document.objects.exists()


def test_the_import_reports_the_hostile_cell(agency, tmp_path, capsys):
    from django.core.management import CommandError

    path = tmp_path / "hostile.csv"
    path.write_bytes(csv_bytes([row(number="渝民发\u202e号21")]))
    with pytest.raises(CommandError):
        from django.core.management import call_command

        call_command("import_documents", str(path))
    assert "发文字号含有不可见的格式字符 U+202E" in capsys.readouterr().err


def test_a_saved_model_never_stores_a_hostile_line():
    document = DocumentFactory.build(title="通知\x01")
    with pytest.raises(ValidationError):
        document.full_clean()
    with pytest.raises(ValidationError):
        DocumentFactory(title="通知\x01")  # a command that skips validation is refused too


def test_bodies_are_sanitised_of_control_characters(agency):
    document = DocumentFactory(body="<p>第一段\x01&#2;\u202e</p>", summary="概述\x07\r\n第二行")
    assert document.body == "<p>第一段</p>" and document.summary == "概述\n第二行"


FEEDS = ["disclosure:feed-documents", "disclosure:feed-documents-atom"]


def plant(title: str, **fields) -> Document:
    """A published document whose stored title predates today's rules."""
    document = DocumentFactory(published=True, **fields)
    Document.objects.filter(pk=document.pk).update(title=title, keywords="词\x02")
    return document


@pytest.mark.parametrize("name", FEEDS)
def test_no_feed_fails_on_a_stored_control_character(agency, client, name):
    document = plant("旧数据\x01\x0b标题\ufffe")
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "旧数据标题" in response.content.decode()
    for subtree in (
        reverse("disclosure:feed-category", args=[document.category_id]),
        reverse("disclosure:feed-organization-atom", args=[document.organization_id]),
    ):
        assert client.get(subtree).status_code == 200


def test_rss_titles_are_plain_text_escaped_exactly_once(agency, client):
    DocumentFactory(published=True, title="A & B <关于> “通知”")
    xml = client.get(reverse("disclosure:feed-documents")).content.decode()
    assert "<title>A &amp; B &lt;关于&gt; “通知”</title>" in xml
    assert "&amp;amp;" not in xml and "&amp;lt;" not in xml


def test_the_xlsx_export_does_not_fail_on_a_stored_control_character(agency, client):
    plant("旧数据\x01标题", organization=agency.bureau)
    response = export(login(client, agency.supervisor), file_format="1")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert "旧数据标题" in [cell.value for cell in next(sheet.iter_rows(min_row=2))]


def test_the_document_page_and_sitemap_show_a_stored_control_character_harmlessly(client):
    document = plant("旧数据\x01标题")
    assert client.get(document.get_absolute_url()).status_code == 200
    assert client.get("/sitemap.xml").status_code == 200
