"""A citizen goes from a policy document to its interpretation and back, in Chromium,
with axe-core on every page at desktop and phone widths."""

import os

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import accessibility_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PLAN = "重庆市民政局办公室关于印发2019年政务公开工作方案的通知"
QA = "《重庆市民政局2019年政务公开工作方案》政策问答"


@pytest.fixture
def interpreted_site(demo_site):
    call_command("load_interpretation_demo", stdout=open(os.devnull, "w"))
    return demo_site


def test_from_the_document_to_its_interpretation_and_back(page, interpreted_site):
    page.goto(interpreted_site + "/disclosure/?year=2019")
    page.get_by_role("link", name=PLAN).click()
    page.wait_for_url("**/disclosure/*/")
    related = page.get_by_role("region", name="相关解读")
    assert QA in related.inner_text()
    assert accessibility_violations(page) == []

    related.get_by_role("link", name=QA).click()
    page.wait_for_url("**/interpretations/*/")
    assert page.get_by_role("heading", level=1).inner_text() == QA
    interpreted = page.get_by_role("region", name="解读的政策文件")
    assert "115000000092759914/2019-01946" in interpreted.inner_text()
    assert accessibility_violations(page) == []

    interpreted.get_by_role("link", name=PLAN).click()
    page.wait_for_url("**/disclosure/*/")
    assert page.get_by_role("heading", level=1).inner_text() == PLAN


def test_the_graphic_has_its_text_alternative_and_transcript(page, interpreted_site):
    page.goto(interpreted_site + "/interpretations/")
    page.get_by_role("link", name="一图读懂：重庆市民政局2019年政务公开工作方案").click()
    image = page.get_by_role(
        "img", name="一图读懂重庆市民政局2019年政务公开工作方案：四个方面的重点任务"
    )
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")  # served by the site
    page.get_by_text("文字稿：", exact=False).click()
    expect(page.get_by_text("拓宽渠道，推进平台建设", exact=False).first).to_be_visible()
    assert accessibility_violations(page) == []


@pytest.mark.parametrize("width", [1280, 375])
def test_the_interpretation_pages_pass_axe_at_both_widths(browser, interpreted_site, width):
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        for path in ["/interpretations/", "/interpretations/?kind=qa"]:
            page.goto(interpreted_site + path)
            assert accessibility_violations(page) == [], path
            assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        page.get_by_role("link", name=QA).click()
        page.wait_for_url("**/interpretations/*/")
        assert accessibility_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    finally:
        context.close()
