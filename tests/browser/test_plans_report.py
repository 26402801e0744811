"""A supervisor opens the plan reports, reads the departments' table and its lights in
words, follows an overdue task to its history, in Chromium; axe-core WCAG 2.1 AA on the
report, the task page and the public task list at desktop and phone widths."""

import os
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from plans.models import Plan
from tests.browser.conftest import accessibility_violations, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PHONE = {"width": 375, "height": 740}


@pytest.fixture
def plans_site(demo_site):
    call_command("load_plans_demo", stdout=open(os.devnull, "w"))
    return demo_site


def this_years_plan() -> Plan:
    return Plan.objects.get(year=timezone.localdate().year, title__startswith="重庆市民政局")


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_supervisor_reads_the_report_and_follows_an_overdue_task(browser, plans_site):
    plan = this_years_plan()
    page = log_in(browser, plans_site, "supervisor")
    page.set_default_timeout(10_000)
    page.goto(plans_site + "/plans/")
    assert accessibility_violations(page) == []
    page.get_by_role("link", name=plan.title).click()
    page.wait_for_url(f"**/plans/{plan.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(plan.title)

    departments = page.locator("#department-table")
    expect(departments.get_by_role("rowheader", name="重庆市民政局办公室")).to_be_visible()
    lights = departments.locator(".light")
    expect(lights.first).to_contain_text(re.compile(r"[红黄绿]灯\s*\S+"))
    assert all(re.search(r"[红黄绿]灯 ?\S", text) for text in lights.all_inner_texts())
    expect(page.get_by_role("img", name="各部门任务完成进度（按权重）")).to_be_visible()
    expect(page.locator("#assessment-formula")).to_contain_text("得分 = (60 × 按期完成率")
    assert accessibility_violations(page) == []

    overdue = page.locator("#overdue-table tbody tr").first
    expect(overdue).to_contain_text("已超过完成时限")
    link = overdue.get_by_role("link")
    title = link.inner_text()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("heading", name="任务记录")).to_be_visible()
    expect(page.get_by_text("红灯")).to_be_visible()
    assert accessibility_violations(page) == []
    page.context.close()


def test_report_and_public_page_pass_axe_on_a_phone(browser, plans_site):
    plan = this_years_plan()
    page = log_in(browser, plans_site, "supervisor", viewport=PHONE)
    page.set_default_timeout(10_000)
    page.goto(f"{plans_site}/plans/{plan.pk}/")
    expect(page.locator("#department-table")).to_be_attached()
    assert no_sideways_scroll(page)
    assert accessibility_violations(page) == []
    page.context.close()


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE])
def test_the_public_task_list_passes_axe(browser, plans_site, viewport):
    plan = this_years_plan()
    assert plan.is_public
    context = browser.new_context(locale="zh-CN", viewport=viewport)
    page = context.new_page()
    page.goto(f"{plans_site}/")  # a citizen finds the lists from the footer
    page.get_by_role("link", name="政务公开工作方案任务清单").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("政务公开工作方案任务清单")
    assert no_sideways_scroll(page)
    assert accessibility_violations(page) == []
    page.get_by_role("link", name=plan.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{plan.title}任务清单")
    expect(page.get_by_role("region", name="任务清单表（可左右滚动）")).to_be_visible()
    assert no_sideways_scroll(page)
    assert accessibility_violations(page) == []
    context.close()
