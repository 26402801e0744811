"""The admin works under the site's Content-Security-Policy (no blocked script or style)."""

import pytest

from tests.browser.test_publishing_workflow import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PAGES = [
    "/admin/disclosure/document/",
    "/admin/disclosure/document/add/",
    "/admin/disclosure/document/import/",
    "/admin/disclosure/topiccategory/",
    "/admin/portal/organization/",
    "/admin/portal/calendarday/",
]


def test_admin_pages_raise_no_console_errors(browser, demo_site):
    page = log_in(browser, demo_site, "admin")
    errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and errors.append((page.url, message.text)),
    )
    page.on("pageerror", lambda error: errors.append((page.url, str(error))))
    for path in PAGES:
        page.goto(demo_site + path)
        page.wait_for_load_state("networkidle")
    assert errors == []
    # The drag-and-drop tree is drawn by script: its rows carry the drag handles.
    page.goto(demo_site + "/admin/disclosure/topiccategory/")
    assert page.locator(".drag-handle").count() > 100
