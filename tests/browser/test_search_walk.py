"""A citizen searches from the header, narrows by a facet and opens a result, in Chromium."""

import re

import pytest

from tests.browser.conftest import accessibility_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_citizen_searches_narrows_and_opens_a_document(page, demo_site):
    page.goto(demo_site + "/")
    page.get_by_role("searchbox", name="站内检索").fill("政务公开")
    page.get_by_role("search").get_by_role("button", name="检索").click()
    page.wait_for_url(re.compile(r"/search/\?q="))
    summary = page.get_by_role("status").inner_text()
    assert "找到" in summary
    assert page.locator(".search-result mark").count() > 0
    assert accessibility_violations(page) == []

    genre_facet = page.locator(".facet", has=page.get_by_role("heading", name="体裁分类"))
    genre_facet.get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"genre="))
    assert page.locator(".active-filters").is_visible()
    assert accessibility_violations(page) == []

    first = page.locator(".search-result__title a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/disclosure/\d+/"))
    assert page.get_by_role("heading", level=1).inner_text() == title


def test_a_document_number_typed_with_square_brackets_opens_the_document(page, demo_site):
    page.goto(demo_site + "/search/?q=" + "渝民办[2019]97号")
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "重庆市民政局办公室关于印发2019年政务公开工作方案的通知"
    )


def test_the_search_page_fits_a_phone(phone, demo_site):
    phone.goto(demo_site + "/search/?q=低保")
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert accessibility_violations(phone) == []
