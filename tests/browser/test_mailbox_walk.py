"""A citizen writes to the 局长信箱, tracks the letter, and after a clerk's reply (made
through the services) reads the answer and rates it, in Chromium; axe-core WCAG 2.1 AA
on the public mailbox pages at desktop and phone widths."""

import os
import re

import pytest
from django.core.management import call_command

from mailbox import services
from mailbox.models import Letter
from tests.browser.conftest import accessibility_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def mailbox_site(demo_site, settings):
    settings.CAPTCHA_TEST_MODE = True
    call_command("load_mailbox_demo", stdout=open(os.devnull, "w"))
    return demo_site


def test_write_track_read_the_answer_and_rate_it(page, mailbox_site):
    from django.contrib.auth import get_user_model

    page.set_default_timeout(10_000)
    page.goto(mailbox_site + "/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="互动交流").click()
    page.wait_for_url("**/mailbox/")
    page.get_by_role("link", name=re.compile("我要写信.*局长信箱")).click()
    page.wait_for_url("**/mailbox/director/write/")

    page.get_by_label("建议").check()
    page.get_by_label("标题").fill("建议")  # too short: refused, text kept
    page.get_by_label("来信内容").fill(
        "建议在社区养老服务站增加助餐点，方便行动不便的老人就近用餐。"
    )
    page.get_by_label("姓名").fill("李秀英")
    page.get_by_label("联系电话").fill("13983001234")
    page.get_by_label("同意公开（个人信息将被隐去）").check()
    page.get_by_label("验证问题").fill("PASSED")
    page.get_by_role("button", name="提交来信").click()
    assert "标题太短" in page.get_by_role("alert").first.inner_text()
    assert page.get_by_label("来信内容").input_value().startswith("建议在社区养老服务站")
    assert accessibility_violations(page) == []

    page.get_by_label("标题").fill("建议增加社区助餐点")
    page.get_by_label("验证问题").fill("PASSED")
    page.get_by_role("button", name="提交来信").click()
    code = page.locator("#tracking-code").inner_text()
    password = page.locator("#query-password").inner_text()
    letter = Letter.objects.get(tracking_code=code)
    assert letter.subject == "建议增加社区助餐点"
    assert accessibility_violations(page) == []

    page.get_by_role("link", name="去查询办理进度").click()
    page.get_by_label("查询码").fill(code)
    page.get_by_label("查询密码").fill("WRONGPWD")
    page.get_by_role("button", name="查询").click()
    assert "查询码或查询密码不正确" in page.get_by_role("alert").inner_text()
    page.get_by_label("查询码").fill(code)
    page.get_by_label("查询密码").fill(password)
    page.get_by_role("button", name="查询").click()
    assert page.locator("#letter-status").inner_text() == "待受理"

    users = get_user_model().objects.in_bulk(["clerk", "reviewer"], field_name="username")
    letter = services.letter_accept(letter=letter, by=users["clerk"])
    letter = services.letter_reply(
        letter=letter, by=users["clerk"], text="感谢您的建议，已纳入今年助餐点布点规划。"
    )
    services.letter_approve_reply(letter=letter, by=users["reviewer"])

    page.goto(mailbox_site + "/mailbox/track/")
    page.get_by_label("查询码").fill(code)
    page.get_by_label("查询密码").fill(password)
    page.get_by_role("button", name="查询").click()
    assert page.locator("#letter-status").inner_text() == "已办结"
    assert "已纳入今年助餐点布点规划" in page.locator("#reply-text").inner_text()
    assert accessibility_violations(page) == []
    page.get_by_label("满意", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    assert "感谢您的评价" in page.get_by_role("status").first.inner_text()
    assert page.locator("#letter-satisfaction").inner_text() == "满意"
    assert Letter.objects.get(pk=letter.pk).satisfaction == "satisfied"


@pytest.mark.parametrize("width", [1280, 375])
def test_the_public_mailbox_pages_pass_axe_at_both_widths(browser, mailbox_site, width):
    from mailbox.models import Reply

    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    reply = Reply.objects.filter(is_live=True).select_related("mailbox").first()
    for path in ["/mailbox/", "/mailbox/director/write/", "/mailbox/track/", "/mailbox/mayor/",
                 "/mailbox/mayor/?q=低保", reply.get_absolute_url(), "/mailbox/stats/"]:  # fmt: skip
        response = page.goto(mailbox_site + path)
        assert response.status == 200, path
        assert accessibility_violations(page) == [], path
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    context.close()
