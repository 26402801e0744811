"""A citizen applies for government information (依申请公开) from the main navigation,
tracks the application, and after the office's answer letter passes four-eyes review
(made through the services by three different users) reads it on the tracking page and
downloads its PDF, in Chromium; axe-core WCAG 2.1 AA on the form, success and tracking
pages at desktop and phone widths."""

import io

import pytest
from pypdf import PdfReader

from disclosure.applications import services
from disclosure.applications.models import Application
from tests.browser.conftest import accessibility_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
# The agency receives the applications (APPLY_ORGANIZATION unset: the first top-level
# body); the demo clerk of its office (重庆市民政局办公室) handles them, and the letter
# goes out in the agency's name.
AGENCY = "重庆市民政局"
OFFICE = "重庆市民政局办公室"
RESIDENT_ID = "11010519491231002X"  # GB 11643's own example


@pytest.fixture
def apply_site(demo_site, settings):
    settings.CAPTCHA_TEST_MODE = True
    settings.APPLY_ORGANIZATION = ""
    return demo_site


def check_page(page, label):
    assert accessibility_violations(page) == [], label
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, (label, overflow)


def track(page, base, code, password):
    page.goto(base + "/disclosure/apply/track/")
    page.get_by_label("查询码").fill(code)
    page.get_by_label("查询密码").fill(password)
    page.get_by_role("button", name="查询").click()


@pytest.mark.parametrize("width", [1280, 375])
def test_apply_track_and_read_the_answer_letter(browser, apply_site, width):
    from django.contrib.auth import get_user_model

    context = browser.new_context(
        locale="zh-CN", viewport={"width": width, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(apply_site + "/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="依申请公开").click()
    page.wait_for_url("**/disclosure/apply/")
    assert "20 个工作日" in page.locator("#rules-title + ul").inner_text()
    check_page(page, "form")

    page.get_by_label("自然人", exact=True).check()
    page.get_by_label("姓名或名称").fill("李秀英")
    page.get_by_label("身份证明类型").select_option("resident_id")
    page.get_by_label("证件号码").fill(RESIDENT_ID[:17] + "1")  # wrong check digit
    page.get_by_label("联系电话").fill("139 8300 1234")
    page.get_by_label("通信地址").fill("重庆市渝北区龙山路123号")
    page.get_by_label("所需信息名称").fill("2025年社区养老服务站助餐补贴发放名单")
    page.get_by_label("纸质", exact=True).check()
    page.get_by_label("邮政寄送", exact=True).check()
    page.get_by_label("验证问题").fill("PASSED")
    page.get_by_role("button", name="提交申请").click()
    assert "校验位不正确" in page.get_by_role("alert").first.inner_text()
    assert page.get_by_label("所需信息名称").input_value().startswith("2025年社区养老")
    assert Application.objects.count() == 0
    check_page(page, "form with errors")

    page.get_by_label("证件号码").fill(RESIDENT_ID)
    page.get_by_label("验证问题").fill("PASSED")
    page.get_by_role("button", name="提交申请").click()
    code = page.locator("#tracking-code").inner_text()
    password = page.locator("#query-password").inner_text()
    application = Application.objects.get(tracking_code=code)
    assert application.organization.name == AGENCY
    check_page(page, "success")

    page.get_by_role("link", name="去查询办理进度").click()
    page.get_by_label("查询码").fill(code)
    page.get_by_label("查询密码").fill(password)
    page.get_by_role("button", name="查询").click()
    assert page.locator("#application-status").inner_text() == "待确认"
    assert RESIDENT_ID not in page.content()
    check_page(page, "tracking, pending")

    users = get_user_model().objects.in_bulk(
        ["clerk", "reviewer", "publisher"], field_name="username"
    )
    application = services.application_confirm(application=application, by=users["clerk"])
    letter = services.application_answer(application=application, by=users["clerk"], outcome="1")
    letter = services.answer_letter_submit(letter=letter, by=users["clerk"])
    letter = services.answer_letter_approve(letter=letter, by=users["reviewer"], note="同意。")
    services.answer_letter_issue(letter=letter, by=users["publisher"])

    track(page, apply_site, code, password)
    assert page.locator("#application-status").inner_text() == "已答复（待送达）"
    text = page.locator("#letter-text").inner_text()
    assert "决定予以公开" in text and f"\n{AGENCY}\n" in text and "李秀英" not in text
    assert OFFICE not in text
    assert "作出答复" in page.locator("#timeline").inner_text()
    check_page(page, "tracking, answered")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF 文件").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    extracted = "".join(p.extract_text() for p in reader.pages)
    assert AGENCY in extracted and "决定予以公开" in extracted
    context.close()


def test_the_letter_cannot_be_downloaded_without_tracking(page, apply_site):
    response = page.goto(apply_site + "/disclosure/apply/track/letter.pdf")
    assert response.status == 403
    assert "请先查询" in page.content()
