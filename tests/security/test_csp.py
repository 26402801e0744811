"""Content-Security-Policy: no inline script without this request's nonce, and a nonce
that a stored page could replay never reaches the page cache."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from portal.middleware import content_security_policy

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
# Types a browser never runs (json_script, JSON-LD data blocks): CSP does not apply.
DATA_TYPES = re.compile(r"""type\s*=\s*["']application/(?:ld\+)?json["']""", re.I)
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.I | re.S)
EVENT_HANDLER = re.compile(r"""<[a-z][^>]*\son[a-z]+\s*=""", re.I | re.S)


def template_files() -> list[Path]:
    """Every template of the project: templates/ and any app's templates/ folder."""
    folders = [
        folder
        for folder in ROOT.rglob("templates")
        if folder.is_dir() and not {".venv", "var", "node_modules"} & set(folder.parts)
    ]
    return sorted(path for folder in folders for path in folder.rglob("*.html"))


def inline_scripts_without_nonce(text: str) -> list[str]:
    return [
        tag
        for tag in SCRIPT_TAG.findall(text)
        if "src=" not in tag and "nonce=" not in tag and not DATA_TYPES.search(tag)
    ]


def test_the_scan_finds_what_it_is_looking_for():
    assert inline_scripts_without_nonce("<script>alert(1)</script>")
    assert inline_scripts_without_nonce('<SCRIPT\n type="module">x</SCRIPT>')
    assert not inline_scripts_without_nonce('<script src="/static/js/a.js" defer></script>')
    assert not inline_scripts_without_nonce('<script nonce="{{ csp_nonce }}">x</script>')
    assert not inline_scripts_without_nonce('<script type="application/json">{}</script>')
    assert EVENT_HANDLER.search('<button onclick="go()">')


def test_no_template_has_an_inline_script_without_a_nonce_or_an_event_handler():
    files = template_files()
    assert len(files) > 50  # the scan reads the real templates, not an empty folder
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in files
        if (found := inline_scripts_without_nonce(text := path.read_text(encoding="utf-8")))
        or (found := EVENT_HANDLER.findall(text))
    }
    assert offenders == {}


def policy(response) -> dict[str, str]:
    return {
        name: value.strip()
        for name, _, value in (
            directive.strip().partition(" ")
            for directive in response["Content-Security-Policy"].split(";")
        )
    }


def test_a_page_that_writes_the_nonce_is_allowed_exactly_that_script(client, settings):
    settings.ROOT_URLCONF = "tests.security.nonce_urls"
    settings.PAGE_CACHE = True
    seen = set()
    for _ in range(2):
        response = client.get("/inline-script/")
        body = response.content.decode()
        nonce = re.search(r'nonce="([^"]+)"', body).group(1)
        assert policy(response)["script-src"] == f"'self' 'nonce-{nonce}'"
        assert policy(response)["style-src"] == f"'self' 'nonce-{nonce}'"
        assert len(nonce) >= 22  # 18 random bytes
        # Never stored (the second visit renders again, with a fresh nonce) and never
        # kept by a shared cache.
        assert not hasattr(response, "page_cache")
        assert response["Cache-Control"].startswith("private")
        seen.add(nonce)
    assert len(seen) == 2


def test_public_pages_use_no_nonce_so_a_cached_page_and_its_header_agree(client, settings):
    settings.PAGE_CACHE = True
    url = reverse("disclosure:document-list")
    first, second = client.get(url), client.get(url)
    assert (first.page_cache, second.page_cache) == ("miss", "hit")
    for response in (first, second):
        assert policy(response)["script-src"] == "'self'"
        assert policy(response)["style-src"] == "'self'"  # no inline style on public pages
        assert "nonce" not in response.content.decode()
    assert first["Content-Security-Policy"] == second["Content-Security-Policy"]


def test_the_admin_keeps_inline_styles_and_no_inline_script(client, agency):
    client.force_login(agency.clerk)  # staff without an administrator role: no TOTP step
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    directives = policy(response)
    assert directives["script-src"] == "'self'"
    # A nonce in style-src would make browsers ignore 'unsafe-inline'.
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert not inline_scripts_without_nonce(response.content.decode())


@pytest.mark.parametrize(
    "url",
    [
        "admin:disclosure_document_add",
        "admin:disclosure_document_changelist",
        "admin:password_change",
    ],
)
def test_admin_pages_with_widgets_have_no_inline_script(client, agency, url):
    """The rich-text editor, the tree and date widgets: all external scripts (with their
    settings in data attributes or JSON blocks), so the admin needs no nonce either."""
    client.force_login(agency.clerk)
    response = client.get(reverse(url))
    assert response.status_code == 200
    text = response.content.decode()
    assert "<script" in text  # the page does use scripts, all of them from files
    assert inline_scripts_without_nonce(text) == [] and not EVENT_HANDLER.search(text)


def test_the_admin_policy_never_mixes_a_nonce_into_its_inline_style_allowance():
    header = content_security_policy(settings.CONTENT_SECURITY_POLICY_ADMIN, nonce="abc")
    assert "script-src 'self' 'nonce-abc'" in header
    assert "style-src 'self' 'unsafe-inline'" in header and "'nonce-abc'; style" not in header
