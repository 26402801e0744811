"""A citizen looks up normative documents: the library, a repealed document and the one
that repealed it, on a desktop and on a phone, checked by axe-core (WCAG 2.1 AA)."""

import pytest

from tests.browser.conftest import accessibility_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_library_leads_from_a_repealed_document_to_its_replacement(page, demo_site):
    page.goto(demo_site + "/disclosure/")
    page.get_by_role("link", name="规范性文件库").first.click()
    page.wait_for_url("**/disclosure/normative/")
    assert page.get_by_role("heading", level=1).inner_text() == "规范性文件库"
    assert page.locator(".normative-table tbody tr").count() == 7
    assert accessibility_violations(page) == []

    page.locator(".facet", has=page.get_by_role("heading", name="有效性")).get_by_role(
        "link", name="废止"
    ).click()
    page.wait_for_url("**validity=*")
    rows = page.locator(".normative-table tbody tr")
    assert rows.count() == 1 and "渝民规〔2020〕3号" in rows.inner_text()

    rows.get_by_role("link").click()
    page.wait_for_url("**/disclosure/*/")
    notice = page.locator(".validity-notice")
    assert "本文件已废止" in notice.inner_text()
    assert "渝民规〔2020〕3号" in page.locator("table.document-meta").inner_text()
    assert accessibility_violations(page) == []

    notice.get_by_role("link").click()
    page.wait_for_url("**/disclosure/*/")
    assert "本文件废止了" in page.locator(".relation-notice").inner_text()
    assert accessibility_violations(page) == []


def test_the_library_and_a_normative_document_fit_a_phone(phone, demo_site):
    from disclosure.models import Document

    phone.goto(demo_site + "/disclosure/normative/")
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert phone.locator(".validity-badge").first.is_visible()
    assert accessibility_violations(phone) == []

    expired = Document.objects.get(registration_number="渝民规〔2023〕1号")
    phone.goto(demo_site + expired.get_absolute_url())
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert "本文件已失效" in phone.locator(".validity-notice").inner_text()
    assert accessibility_violations(phone) == []
