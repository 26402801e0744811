"""One table of hostile inputs sent to the real endpoints: the mailbox letter form, the
disclosure application form, both tracking forms, search, the catalogue filters, the
admin's import and uploads. Every case ends in a clean 4xx or in a value stored but inert
(escaped on the page) — never a 500, never a traceback or a stored secret on the page.

Each row: the request to send (``send(client, world) -> response``), then what must hold
(``check(response, world)``). ``world`` holds the agency, the mailbox and the models'
state; the shared assertions (no 5xx, no leak) run for every row.
"""

import base64
import io
import re
import threading
from dataclasses import dataclass, field

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils.html import escape

from disclosure.applications.models import Application
from disclosure.models import Document
from mailbox.models import Letter, Mailbox
from portal import workflow
from portal.credentials import password_for
from portal.models import WorkflowEvent
from tests.disclosure.factories import DocumentFactory
from tests.disclosure.test_resources import HEADERS, IMPORT, csv_bytes, login, row
from tests.mailbox.conftest import submit as submit_letter

WRITE = reverse("mailbox:letter-create", kwargs={"slug": "director"})
LETTER_TRACK = reverse("mailbox:letter-track")
APPLY = reverse("applications:application-create")
APPLY_TRACK = reverse("applications:application-track")
SEARCH = reverse("search")
CATALOGUE = reverse("disclosure:document-list")

LEAKS = ("Traceback", "site-packages", 'File "', "psycopg", "IntegrityError", "DataError",
         "ProgrammingError", ".venv", "SECRET_KEY")  # fmt: skip
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RARE_NAME = "𠀀𪚥"  # CJK Extension B, outside the Basic Multilingual Plane
RTL_NAME = "张\u202eabc\u200b三"  # a right-to-left override and a zero-width space
BAD_CHECK_DIGIT = "110105194912310021"  # GB 11643's example with a wrong last digit
VALID_ID = "11010519491231002X"
FORMULA = "=cmd|' /C calc'!A0"


@dataclass
class World:
    agency: object
    mailbox: Mailbox
    settings: object
    secrets: list[str] = field(default_factory=list)  # never on any page


# --- the forms, filled as a citizen fills them ---------------------------------------------


def _token(client, url) -> str:
    page = client.get(url).content.decode()
    return re.search(r'name="submission_token" value="([^"]+)"', page).group(1)


def letter(client, **overrides) -> dict:
    return {
        "kind": "consult", "subject": "低保申请材料咨询", "body": "请问申请城乡低保需要哪些材料？谢谢。",
        "name": "李四", "phone": "139 8300 1234", "email": "", "consent": "yes",
        "captcha": "PASSED", "captcha_token": "", "submission_token": _token(client, WRITE),
        **overrides,
    }  # fmt: skip


def application(client, **overrides) -> dict:
    return {
        "applicant_kind": "natural", "organization_type": "", "name": "王小五",
        "contact_person": "", "id_type": "resident_id", "id_number": VALID_ID,
        "phone": "139 8300 1234", "address": "重庆市渝中区人民路1号", "postcode": "400010",
        "email": "", "info_title": "2025年城乡低保资金发放情况", "info_number": "",
        "description": "各区县的发放金额和人数。", "delivery_form": "paper",
        "delivery_method": "post", "captcha": "PASSED", "captcha_token": "",
        "submission_token": _token(client, APPLY), **overrides,
    }  # fmt: skip


def with_file(name, content, content_type="application/octet-stream"):
    return lambda client, world: client.post(
        WRITE, {**letter(client), "attachments": [SimpleUploadedFile(name, content, content_type)]}
    )


def page(response) -> str:
    return response.content.decode(errors="replace")


def refused(*phrases, status=400):
    def check(response, world):
        assert response.status_code == status
        assert not Letter.objects.exists() and not Application.objects.exists()
        for phrase in phrases:
            assert phrase in page(response), phrase

    return check


def stored_letter(**expected):
    def check(response, world):
        assert response.status_code == 200, page(response)
        stored = Letter.objects.get()
        for name, value in expected.items():
            assert getattr(stored, name) == value, name

    return check


def inert(marker="<script>alert"):
    """Accepted or refused, but the payload is never live markup on the page."""

    def check(response, world):
        assert response.status_code in (200, 400, 404), response.status_code
        assert marker not in page(response)

    return check


def without_nul(model, *fields):
    """Refused, or stored with the NUL bytes gone (PostgreSQL text cannot hold them)."""

    def check(response, world):
        assert response.status_code in (200, 400), response.status_code
        for stored in model.objects.all():
            for name in fields:
                assert "\x00" not in getattr(stored, name), name
        assert model.objects.exists() == (response.status_code == 200)

    return check


def client_error(*statuses):
    def check(response, world):
        assert response.status_code in statuses, response.status_code

    return check


# --- cases that need more than one request ----------------------------------------------


def malformed_multipart(url):
    def send(client, world):
        body = b'--xyz\r\nContent-Disposition: form-data; name="subject"\r\n\r\nno end'
        return client.generic("POST", url, body, content_type="multipart/form-data; boundary=xyz")

    return send


def multipart_without_boundary(client, world):
    return client.generic("POST", WRITE, b"a=1", content_type="multipart/form-data")


def oversized_body(client, world):
    world.settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    return client.post(WRITE, letter(client, body="很长的正文" * 5_000))


def letter_tracking_enumeration(client, world):
    world.settings.MAILBOX_TRACK_FAILURES_PER_IP_HOUR = 5
    stored = submit_letter(world.mailbox, submission_token="enumerate")
    world.secrets.append(stored.phone)
    answers = [
        client.post(LETTER_TRACK, {"tracking_code": f"GUESS{n:07d}", "password": "AAAAAAAA"})
        for n in range(3)
    ]
    wrong_password = client.post(
        LETTER_TRACK, {"tracking_code": stored.tracking_code, "password": "AAAAAAAA"}
    )
    assert wrong_password.status_code == answers[0].status_code == 400
    assert _without_tokens(wrong_password) == _without_tokens(answers[0])
    client.post(LETTER_TRACK, {"tracking_code": "GUESS", "password": "X"})
    # Past the limit even the right code and password wait: enumeration gains nothing.
    return client.post(
        LETTER_TRACK,
        {"tracking_code": stored.tracking_code, "password": password_for("enumerate")},
    )


def application_tracking_enumeration(client, world):
    world.settings.APPLY_TRACK_FAILURES_PER_IP_HOUR = 3
    submitted = client.post(APPLY, application(client))
    code = re.search(r'id="tracking-code">([^<]+)<', page(submitted)).group(1)
    password = re.search(r'id="query-password">([^<]+)<', page(submitted)).group(1)
    world.secrets.extend(["王小五", VALID_ID, "13983001234"])
    wrong_password = client.post(APPLY_TRACK, {"tracking_code": code, "password": "AAAAAAAA"})
    wrong_code = client.post(APPLY_TRACK, {"tracking_code": "GUESS0000000", "password": "AAAAAAAA"})
    assert wrong_password.status_code == wrong_code.status_code == 400
    assert _without_tokens(wrong_password) == _without_tokens(wrong_code)
    client.post(APPLY_TRACK, {"tracking_code": "GUESS", "password": "AAAAAAAA"})
    # Past the limit even the right code and password wait.
    return client.post(APPLY_TRACK, {"tracking_code": code, "password": password})


def _without_tokens(response) -> str:
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page(response))
    return re.sub(r'name="tracking_code" value="[^"]+"', "", text)


def xlsx_bytes(rows) -> bytes:
    """A workbook whose cells openpyxl writes as typed: "=…" becomes a formula cell."""
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADERS)
    for values in rows:
        workbook.active.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def import_csv(rows, name="catalogue.csv", content=None, xlsx=None):
    def send(client, world):
        login(client, world.agency.clerk)
        if xlsx is not None:
            data = xlsx_bytes(xlsx)
        else:
            data = content if content is not None else csv_bytes(rows)
        upload = SimpleUploadedFile(name, data)
        file_format = "1" if name.endswith(".xlsx") else "0"
        return client.post(IMPORT, {"import_file": upload, "format": file_format, "resource": "0"})

    return send


def import_shows(*phrases):
    def check(response, world):
        assert response.status_code == 200
        assert response.context.get("confirm_form") is None  # nothing can be confirmed
        for phrase in phrases:
            assert phrase in page(response), phrase
        assert not Document.objects.exists()

    return check


def formula_is_text(response, world):
    """Previewed as the text it is: imports store cell values, never evaluate them (and
    exports prefix a quote, tests/disclosure/test_resources.py)."""
    assert response.status_code == 200
    assert FORMULA in page(response) or escape(FORMULA) in page(response)
    assert not Document.objects.exists()  # a preview writes nothing


def stored_application(**expected):
    def check(response, world):
        assert response.status_code == 200, page(response)
        stored = Application.objects.get()
        for name, value in expected.items():
            assert getattr(stored, name) == value, name

    return check


def rare_name_shown_to_the_handler(url, build, model):
    """Submitted with a CJK Extension B name, then opened by the office's clerk, who handles
    it: the name must come back whole (stored as four-byte UTF-8, shown unmasked)."""

    def send(client, world):
        submitted = client.post(url, build(client))
        assert submitted.status_code == 200, page(submitted)
        stored = model.objects.get()
        assert stored.name == RARE_NAME
        client.force_login(world.agency.clerk)
        opts = model._meta
        return client.get(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[stored.pk])
        )

    return send


def shows_rare_name(response, world):
    assert response.status_code == 200
    assert RARE_NAME in page(response)


def post(url, build):
    return lambda client, world: client.post(url, build(client))


def get(url):
    return lambda client, world: client.get(url)


CASES = {
    # -- the mailbox letter form --
    "letter: script payload in subject and body": (
        post(WRITE, lambda c: letter(c, subject="低保" + SCRIPT[:40], body="正文" + SCRIPT)),
        inert(),
    ),
    "letter: CJK Extension B name is stored": (
        post(WRITE, lambda c: letter(c, name=RARE_NAME)),
        stored_letter(name=RARE_NAME),
    ),
    "letter: CJK Extension B name is shown to the handler": (
        rare_name_shown_to_the_handler(WRITE, lambda c: letter(c, name=RARE_NAME), Letter),
        shows_rare_name,
    ),
    "letter: RTL override and zero-width space in the name are refused by name": (
        post(WRITE, lambda c: letter(c, name=RTL_NAME)),
        refused("不可见的格式字符 U+202E"),
    ),
    "letter: NUL bytes": (
        post(WRITE, lambda c: letter(c, subject="低保\x00咨询", body="请问\x00" * 5)),
        without_nul(Letter, "subject", "body"),
    ),
    "letter: body over DATA_UPLOAD_MAX_MEMORY_SIZE": (oversized_body, client_error(400, 413)),
    "letter: SVG attachment": (
        with_file("图.svg", SVG, "image/svg+xml"),
        refused("不支持的文件类型"),
    ),
    "letter: SVG named .png": (with_file("图.png", SVG, "image/png"), refused("不支持的文件类型")),
    "letter: HTML attachment": (
        with_file("页.html", HTML, "text/html"),
        refused("不支持的文件类型"),
    ),
    "letter: executable renamed .pdf": (with_file("证明.pdf", EXE), refused("不支持的文件类型")),
    "letter: PDF named .png": (with_file("照片.png", PDF), refused("不符")),
    "letter: path-traversal file name": (
        with_file("../../etc/passwd.png", PNG, "image/png"),
        lambda response, world: (
            stored_letter()(response, world),
            _attachment_name_is_safe(Letter.objects.get().attachments.get()),
        ),
    ),
    "letter: malformed multipart": (malformed_multipart(WRITE), client_error(400)),
    "letter: multipart without boundary": (multipart_without_boundary, client_error(400)),
    "letter tracking: enumeration is throttled": (letter_tracking_enumeration, client_error(429)),
    "letter tracking: NUL and script in the code": (
        lambda c, w: c.post(LETTER_TRACK, {"tracking_code": "\x00" + SCRIPT, "password": "\x00"}),
        inert(),
    ),
    # -- the disclosure application form --
    "application: invalid ID check digit": (
        post(APPLY, lambda c: application(c, id_number=BAD_CHECK_DIGIT)),
        refused("身份证"),
    ),
    "application: CJK Extension B name is stored": (
        post(APPLY, lambda c: application(c, name=RARE_NAME)),
        stored_application(name=RARE_NAME),
    ),
    "application: CJK Extension B name is shown to the handler": (
        rare_name_shown_to_the_handler(
            APPLY, lambda c: application(c, name=RARE_NAME), Application
        ),
        shows_rare_name,
    ),
    "application: script payload in the description": (
        post(APPLY, lambda c: application(c, description=SCRIPT, info_title="低保" + SCRIPT)),
        inert(),
    ),
    "application: NUL bytes and zero-width characters": (
        post(APPLY, lambda c: application(c, info_title="低保\x00\u200b资金", address="\x00")),
        without_nul(Application, "info_title", "address"),
    ),
    "application: malformed multipart": (malformed_multipart(APPLY), client_error(400)),
    "application tracking: enumeration is throttled": (
        application_tracking_enumeration,
        client_error(429),
    ),
    # -- search and catalogue filters --
    "search: script payload": (get(SEARCH + "?q=" + SCRIPT), inert()),
    "search: NUL, RTL and zero-width": (
        get(SEARCH + "?q=%00%E2%80%AE%E2%80%8B低保"),
        client_error(200),
    ),
    "search: 10,000 characters": (get(SEARCH + "?q=" + "低保" * 5000), client_error(200, 400)),
    "search: CJK Extension B": (get(SEARCH + "?q=" + RARE_NAME), client_error(200)),
    "catalogue: impossible date and hostile filters": (
        get(CATALOGUE + "?year=2026-02-30&organization=../../etc&topic=%00&genre=" + SCRIPT),
        inert(),
    ),
    "catalogue: page number past any integer": (
        get(CATALOGUE + "?page=99999999999999999999999"),
        client_error(200, 404),
    ),
    # -- the admin's import --
    "import: formula cell is kept as text": (
        import_csv([row(title=FORMULA, number="")]),
        formula_is_text,
    ),
    # A formula cell is read as its cached value (none: never evaluated), so the row lacks
    # its title.
    "import: formula cell in an XLSX is never evaluated": (
        import_csv(None, name="catalogue.xlsx", xlsx=[row(title=FORMULA, number="")]),
        import_shows("数据第 1 行", "标题不能为空"),
    ),
    "import: impossible date": (
        import_csv([row(**{"成文日期": "2026-02-30"})]),
        import_shows("数据第 1 行", "成文日期“2026-02-30”不是有效日期"),
    ),
    "import: an executable renamed .xlsx": (
        import_csv(None, name="catalogue.xlsx", content=EXE),
        lambda response, world: (
            client_error(200, 400)(response, world),
            _no_documents(),
        ),
    ),
}


def _attachment_name_is_safe(attachment):
    assert ".." not in attachment.file.name and "passwd" not in attachment.file.name
    assert attachment.original_name == "passwd.png"


def _no_documents():
    assert not Document.objects.exists()


@pytest.fixture
def world(agency, settings):
    settings.CAPTCHA_TEST_MODE = True  # the forms' own CAPTCHA tests prove the real one
    settings.RATELIMIT_ENABLE = True
    settings.APPLY_ORGANIZATION = ""
    mailbox = Mailbox.objects.create(name="局长信箱", slug="director", organization=agency.office)
    return World(agency=agency, mailbox=mailbox, settings=settings)


@pytest.mark.django_db
@pytest.mark.parametrize(("send", "check"), CASES.values(), ids=CASES.keys())
def test_a_hostile_input_gets_a_clean_answer(client, world, send, check):
    client.raise_request_exception = False  # a crash must show as a 500, not stop here
    response = send(client, world)
    assert response.status_code < 500, page(response)
    text = page(response)
    for leak in [*LEAKS, *world.secrets]:
        assert leak not in text, leak
    check(response, world)


# --- concurrent double publish ------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_publishers_at_once_publish_a_document_exactly_once(agency):
    document = DocumentFactory(organization=agency.office)
    workflow.perform(document, step="submit", by=agency.clerk)
    workflow.perform(document, step="approve", by=agency.reviewer, note="同意")
    barrier = threading.Barrier(2)
    outcomes = []

    def publish():
        try:
            barrier.wait(timeout=10)
            workflow.perform(document, step="publish", by=agency.publisher)
            outcomes.append("published")
        except (ValidationError, PermissionDenied) as refusal:
            outcomes.append(getattr(refusal, "code", "") or "refused")
        except Exception as error:  # anything else would be a 500 in the admin
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["invalid_transition", "published"]
    events = WorkflowEvent.objects.filter(
        object_id=document.pk, action=WorkflowEvent.Action.PUBLISHED
    )
    assert events.count() == 1
    assert Document.objects.get(pk=document.pk).is_live
