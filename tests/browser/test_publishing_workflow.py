"""Clerk drafts, reviewer approves, publisher publishes, citizen reads: in Chromium."""

import re

import pytest

from disclosure.models import Genre, TopicCategory
from portal.models import Organization
from tests.browser.conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
TITLE = "关于开展2026年冬季困难群众走访慰问的通知"
CHANGE_PAGE = re.compile(r"/admin/disclosure/document/\d+/change/")


def open_document(page, base):
    page.goto(f"{base}/admin/disclosure/document/?q={TITLE}")
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_url(CHANGE_PAGE)


def take_step(page, label, note=None):
    page.get_by_role("link", name=label, exact=True).click()
    page.wait_for_url(re.compile(r"/step/"))
    if note is not None:
        page.fill("#id_note", note)
    page.get_by_role("button", name=f"确认{label}").click()
    page.wait_for_url(CHANGE_PAGE)


def test_a_document_goes_from_clerk_to_citizen(browser, demo_site):
    base = demo_site
    ids = {
        "organization": str(Organization.objects.get(name="重庆市民政局").pk),
        "category": str(TopicCategory.objects.get(name="社会福利").pk),
        "genre": str(Genre.objects.get(name="通知").pk),
    }

    clerk = log_in(browser, base, "clerk")
    clerk.goto(f"{base}/admin/disclosure/document/add/")
    clerk.fill("#id_title", TITLE)
    clerk.fill("#id_document_number", "渝民发〔2026〕88号")
    for field, value in ids.items():
        clerk.select_option(f"#id_{field}", value)
    clerk.fill("#id_written_on", "2026-11-20")
    # A notice of the agency needs an interpretation by default (同步); this one does not.
    clerk.select_option("#id_needs_interpretation", "no")
    clerk.locator("#id_body_editor").click()  # the rich-text editor replaces the textarea
    clerk.keyboard.type("请各区县民政局做好走访慰问工作。")
    clerk.click("input[name=_save]")
    clerk.wait_for_url(f"{base}/admin/disclosure/document/")
    open_document(clerk, base)
    take_step(clerk, "提交审核")
    assert "待审核" in clerk.locator(".workflow-status").inner_text()
    # The clerk cannot approve their own draft: no such button.
    assert clerk.get_by_role("link", name="审核通过", exact=True).count() == 0

    reviewer = log_in(browser, base, "reviewer")
    reviewer.goto(f"{base}/admin/disclosure/document/?queue=review")
    assert reviewer.get_by_role("link", name=TITLE).is_visible()
    open_document(reviewer, base)
    take_step(reviewer, "审核通过", note="经保密审查，不涉及国家秘密，同意公开。")
    assert "已审核" in reviewer.locator(".workflow-status").inner_text()

    citizen = browser.new_context(locale="zh-CN").new_page()
    citizen.goto(f"{base}/disclosure/")
    assert citizen.get_by_role("link", name=TITLE).count() == 0  # approved is not yet public

    publisher = log_in(browser, base, "publisher")
    open_document(publisher, base)
    take_step(publisher, "发布")
    assert "已发布" in publisher.locator(".workflow-status").inner_text()
    history = publisher.locator("#workflow-history").inner_text()
    for entry in ["创建", "提交审核", "审核通过", "经保密审查", "发布"]:
        assert entry in history

    citizen.goto(f"{base}/disclosure/")
    citizen.get_by_role("link", name=TITLE).click()
    citizen.wait_for_url("**/disclosure/*/")
    assert "渝民发〔2026〕88号" in citizen.locator("table.document-meta").inner_text()
    assert citizen.get_by_role("heading", level=1).inner_text() == TITLE
