"""Property-based: arbitrary Unicode (controls, surrogates escaped in the form encoding,
Extension B, very long strings) sent into every text field of the document form, the
import (CSV and XLSX) and the search box never gets a 5xx, and whatever was stored renders
on the public page, in the feeds and in the export."""

import csv
import io
from urllib.parse import quote

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from disclosure.models import Document, Genre, TopicCategory
from portal.plaintext import xml_safe
from tests.disclosure.test_admin import ADD, INLINE
from tests.disclosure.test_resources import HEADERS, export, row

pytestmark = pytest.mark.django_db
EXAMPLES = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HOSTILE_PIECES = [
    "\x00", "\x01", "\x0b", "\x1b", "\x7f", "\x85", "\x9f", "\u2028", "\u202e", "\u2066",
    "\u200b", "\ufeff", "\ud800", "\udfff", "\ufffe", "𠀀", "𪚥", "&amp;", "<script>", "'=1+1",
    "_x0001_", "\t", "\r\n", " ", "\u3000", "〔2025〕", "%", "\\",
]  # fmt: skip
pieces = st.sampled_from(HOSTILE_PIECES)
hostile_text = st.one_of(
    st.lists(st.one_of(st.characters(), pieces), max_size=40).map("".join),
    st.lists(pieces, max_size=12).map("".join),
    st.text(st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF), min_size=1),
    st.text(st.sampled_from("低保救助养老\x01\u202e"), min_size=300, max_size=5000),
)
# Ordinary text too, so that many examples are stored and then rendered.
plain_text = st.text(st.characters(categories=["Lo", "Nd", "Zs", "Po"]), min_size=1, max_size=60)
mostly_plain = st.one_of(plain_text, plain_text, plain_text, hostile_text)


def form_body(fields: dict) -> bytes:
    """An urlencoded body as a browser would send it, lone surrogates escaped in UTF-8."""
    return "&".join(
        f"{name}={quote(str(value).encode('utf-8', 'surrogatepass'), safe='')}"
        for name, value in fields.items()
    ).encode("ascii")


def assert_renders_everywhere(client, supervisor, document):
    assert client.get(document.get_absolute_url()).status_code == 200
    for name in ("disclosure:feed-documents", "disclosure:feed-documents-atom"):
        assert client.get(reverse(name)).status_code == 200
    client.force_login(supervisor)
    assert export(client, file_format="1").status_code == 200
    assert export(client, file_format="0").status_code == 200
    client.logout()


@EXAMPLES
@given(
    title=mostly_plain,
    number=hostile_text,
    keywords=hostile_text,
    summary=hostile_text,
    body=hostile_text,
)
def test_the_document_form_never_fails_on_hostile_text(
    agency, client, title, number, keywords, summary, body
):
    from portal import workflow

    fields = {
        "title": title, "document_number": number, "keywords": keywords, "summary": summary,
        "body": body, "organization": agency.bureau.pk, "written_on": "2024-05-06",
        "category": TopicCategory.objects.get(name="社会福利").pk,
        "genre": Genre.objects.get(name="通知").pk, **INLINE,
        "needs_interpretation": "no",  # not held for an interpretation: hostile text is the point
    }  # fmt: skip
    client.force_login(agency.clerk)
    before = set(Document.objects.values_list("pk", flat=True))
    response = client.post(
        ADD, data=form_body(fields), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (200, 302, 400)
    client.logout()
    created = Document.objects.exclude(pk__in=before).first()
    event("form stored" if created else "form refused")
    if created is None:
        return
    for step, by, note in (("submit", agency.clerk, ""), ("approve", agency.reviewer, "同意"),
                           ("publish", agency.publisher, "")):  # fmt: skip
        created = workflow.perform(created, step=step, by=by, note=note)
    assert_renders_everywhere(client, agency.supervisor, created)


def csv_file(cells: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerow(cells)
    return buffer.getvalue().encode("utf-8", "surrogatepass")


def xlsx_file(cells: list[str]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADERS)
    # What openpyxl cannot write, a sheet cannot hold; "_x0001_" escapes still come through.
    workbook.active.append([ILLEGAL_CHARACTERS_RE.sub("", xml_safe(c)) for c in cells])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@EXAMPLES
@given(
    title=mostly_plain,
    number=mostly_plain,
    keywords=mostly_plain,
    body=mostly_plain,
    validity=st.one_of(hostile_text, st.sampled_from(["有效", "失效", ""])),
    written=st.one_of(hostile_text, st.dates().map(str)),
    as_xlsx=st.booleans(),
)
def test_the_import_never_fails_on_hostile_text(
    agency, client, tmp_path, title, number, keywords, body, validity, written, as_xlsx
):
    cells = row(
        title=title, number=number, **{"关键词": keywords, "正文": body, "有效性": validity,
                                        "成文日期": written},
    )  # fmt: skip
    name = "hostile.xlsx" if as_xlsx else "hostile.csv"
    content = (xlsx_file if as_xlsx else csv_file)(cells)
    client.force_login(agency.clerk)
    preview = client.post(
        reverse("admin:disclosure_document_import"),
        {"import_file": io.BytesIO(content), "format": "1" if as_xlsx else "0", "resource": "0"},
    )
    assert preview.status_code == 200 and "Traceback" not in preview.content.decode()
    client.logout()
    path = tmp_path / name
    path.write_bytes(content)
    before = set(Document.objects.values_list("pk", flat=True))
    try:
        call_command(
            "import_documents", str(path), "--publish-as", "publisher",
            stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip
    except CommandError:
        event("import refused")
        return  # refused as a whole, with its reasons
    stored = Document.objects.exclude(pk__in=before)
    event("import stored")
    for document in stored:
        assert_renders_everywhere(client, agency.supervisor, document)


@EXAMPLES
@given(query=hostile_text, page=hostile_text)
def test_the_search_box_never_fails_on_hostile_text(client, query, page):
    encoded = {k: quote(v.encode("utf-8", "surrogatepass"), safe="") for k, v in
               {"q": query, "page": page}.items()}  # fmt: skip
    response = client.get(f"{reverse('search')}?q={encoded['q']}&page={encoded['page']}")
    assert response.status_code in (200, 302, 400)
