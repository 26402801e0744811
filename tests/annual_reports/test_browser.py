"""A citizen reads the demo annual report: from the catalogue's column navigation to the
list and the report, on a desktop and on a phone, with a download; axe-core (WCAG 2.1 AA)
on both pages at both widths."""

import os

import pytest
from django.core.management import call_command

from tests.browser.conftest import (  # noqa: F401 - fixtures
    accessibility_violations,
    browser,
    demo_site,
    page,
    phone,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def report_site(demo_site):  # noqa: F811
    call_command("load_annual_report_demo", stdout=open(os.devnull, "w"))
    return demo_site


def test_a_citizen_reaches_the_report_and_downloads_it(page, report_site):  # noqa: F811
    page.goto(report_site + "/disclosure/")
    page.get_by_role("link", name="政府信息公开年报").first.click()
    page.wait_for_url("**/disclosure/annual-reports/")
    assert accessibility_violations(page) == []
    page.get_by_role("link", name="重庆市民政局2025年政府信息公开工作年度报告").click()
    page.wait_for_url("**/disclosure/annual-reports/*/")
    assert page.get_by_role(
        "heading", level=2, name="三、收到和处理政府信息公开申请情况"
    ).is_visible()
    table = page.get_by_role("table", name="收到和处理政府信息公开申请情况")
    assert table.get_by_role("rowheader", name="（七）总计").is_visible()
    assert accessibility_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Word 版（DOCX）").click()
    assert download.value.suggested_filename.endswith(".docx")


def test_the_list_and_the_report_fit_a_phone(phone, report_site):  # noqa: F811
    phone.goto(report_site + "/disclosure/annual-reports/")
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert accessibility_violations(phone) == []
    phone.get_by_role("link", name="重庆市民政局2025年政府信息公开工作年度报告").click()
    phone.wait_for_url("**/disclosure/annual-reports/*/")
    # The wide tables scroll inside their own focusable regions, not the page.
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert accessibility_violations(phone) == []
