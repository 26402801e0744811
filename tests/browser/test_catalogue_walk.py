"""A citizen walks home → catalogue → filtered catalogue → document, in Chromium."""

import pytest

from tests.browser.conftest import accessibility_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_citizen_finds_the_2019_work_plan_through_the_catalogue(page, demo_site):
    page.goto(demo_site + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert accessibility_violations(page) == []

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="政务公开").click()
    page.wait_for_url("**/disclosure/")
    assert page.get_by_role("heading", level=1).inner_text() == "法定主动公开内容"
    assert accessibility_violations(page) == []

    page.locator(".facet", has=page.get_by_role("heading", name="发布年份")).get_by_role(
        "link", name="2019年"
    ).click()
    page.wait_for_url("**year=2019")
    page.locator(".facet", has=page.get_by_role("heading", name="主题分类")).get_by_role(
        "link", name="其他"
    ).first.click()
    page.wait_for_url("**category=*")
    assert "year=2019" in page.url
    assert accessibility_violations(page) == []

    page.get_by_role("link", name="重庆市民政局办公室关于印发2019年政务公开工作方案的通知").click()
    page.wait_for_url("**/disclosure/*/")
    table = page.locator("table.document-meta")
    assert "115000000092759914/2019-01946" in table.inner_text()
    assert "渝民办〔2019〕97号" in table.inner_text()
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "重庆市民政局办公室关于印发2019年政务公开工作方案的通知"
    )
    assert accessibility_violations(page) == []


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page, demo_site):
    page.goto(demo_site + "/disclosure/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到主要内容")
    assert skip.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize(
    "path", ["/", "/disclosure/", "/disclosure/?category=17", "/disclosure/guide/"]
)
def test_pages_fit_a_375_pixel_phone_without_sideways_scrolling(phone, demo_site, path):
    phone.goto(demo_site + path)
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert accessibility_violations(phone) == []


def test_a_document_page_fits_a_phone(phone, demo_site):
    from disclosure.models import Document

    document = Document.objects.get(index_number="115000000092759914/2019-01946")
    phone.goto(demo_site + document.get_absolute_url())
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert phone.locator("table.document-meta").is_visible()
    assert accessibility_violations(phone) == []


def test_the_accessibility_check_does_report_a_violation(page):
    page.set_content(
        '<html lang="zh-CN"><head><title>t</title></head><body><main><img src="x.png"><a href="/"></a></main></body></html>'
    )
    violations = accessibility_violations(page)
    assert any(line.startswith("image-alt") for line in violations)
    assert any(line.startswith("link-name") for line in violations)
