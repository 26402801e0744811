"""The body's rich-text editor in the admin: formatted with the keyboard only, an image
uploaded with its alternative text, stored as sanitised HTML, accessible at 1280 and 375 px."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from disclosure.models import Document, Genre, TopicCategory
from tests.browser.conftest import WCAG_21_AA
from tests.browser.conftest import log_in as shared_log_in
from tests.disclosure.factories import DocumentFactory
from tests.portal.test_editor import png

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
TITLE = "关于做好冬季救助工作的通知"


def log_in(browser, base, username, viewport=None):
    return shared_log_in(browser, base, username, password="secret-password", viewport=viewport)


def open_editor(page, url):
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.goto(url)
    page.wait_for_selector(".rich-text-editor[data-ready]")
    return problems


def focused_label(page) -> str:
    return page.evaluate("document.activeElement.getAttribute('aria-label') || ''")


def press_toolbar_button(page, label):
    """From the text: Alt+F10 to the toolbar, arrow keys to the button, Enter."""
    page.keyboard.press("Alt+F10")
    for _ in range(40):
        if focused_label(page).startswith(label):
            page.keyboard.press("Enter")
            return
        page.keyboard.press("ArrowRight")
    raise AssertionError(f"no toolbar button {label!r}")


def test_a_clerk_formats_the_body_with_the_keyboard_and_saves_it(browser, live_server, agency):
    page = log_in(browser, live_server.url, "clerk")
    problems = open_editor(page, f"{live_server.url}/admin/disclosure/document/add/")
    page.fill("#id_title", TITLE)
    page.select_option("#id_organization", str(agency.bureau.pk))
    page.select_option("#id_category", str(TopicCategory.objects.get(name="社会福利").pk))
    page.select_option("#id_genre", str(Genre.objects.get(name="通知").pk))

    # Tab from the summary reaches the toolbar (one tab stop), then the text.
    page.focus("#id_summary")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('[role=toolbar]') !== null")
    assert focused_label(page).startswith("二级标题")
    page.keyboard.press("Enter")  # a heading, and the focus moves into the text
    page.keyboard.type(TITLE)
    press_toolbar_button(page, "居中")
    page.keyboard.press("End")  # the caret stays where it was
    page.keyboard.press("Enter")  # the new paragraph keeps the alignment, as in Word
    press_toolbar_button(page, "左对齐")
    page.keyboard.type("各区县民政局：请")
    press_toolbar_button(page, "加粗")
    page.keyboard.type("认真落实")
    bold = page.locator('button[data-name="bold"]')
    assert bold.get_attribute("aria-pressed") == "true"
    page.keyboard.press("Control+b")
    assert bold.get_attribute("aria-pressed") == "false"
    page.keyboard.type("本通知。")
    page.keyboard.press("Alt+F10")
    page.keyboard.press("Escape")  # back to the text
    expect(page.locator("#id_body_editor")).to_be_focused()

    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r"/admin/disclosure/document/$"))
    assert Document.objects.get(title=TITLE).body == (
        f'<h2 class="align-center">{TITLE}</h2>'
        "<p>各区县民政局：请<strong>认真落实</strong>本通知。</p>"
    )
    assert problems == []


def test_an_image_is_uploaded_with_its_alternative_text_and_stored(
    browser, live_server, agency, tmp_path
):
    document = DocumentFactory(title=TITLE, organization=agency.office, by=agency.clerk)
    page = log_in(browser, live_server.url, "clerk")
    problems = open_editor(
        page, f"{live_server.url}/admin/disclosure/document/{document.pk}/change/"
    )
    page.locator("#id_body_editor").click()
    page.keyboard.type("流程如下：")
    page.locator('button[data-name="image"]').click()
    dialog = page.get_by_role("dialog", name="插入图片")
    image = tmp_path / "流程图.png"
    image.write_bytes(png(4, 3))
    dialog.get_by_label("图片文件").set_input_files(str(image))
    dialog.get_by_role("button", name="上传并插入").click()
    assert "请填写替代文字" in dialog.get_by_role("alert").inner_text()

    dialog.get_by_label("替代文字（必填）").fill("救助申请办理流程图")
    dialog.get_by_role("button", name="上传并插入").click()
    inserted = page.locator("#id_body_editor").get_by_role("img", name="救助申请办理流程图")
    inserted.wait_for()
    assert inserted.get_attribute("alt") == "救助申请办理流程图"
    assert page.evaluate("document.querySelector('#id_body_editor img[src]').naturalWidth") == 4

    page.click("input[name=_continue]")
    page.wait_for_selector(".rich-text-editor[data-ready]")
    body = Document.objects.get(pk=document.pk).body
    assert re.fullmatch(
        r'<p>流程如下：<img src="/uploads/images/[0-9a-f]{32}\.png" alt="救助申请办理流程图"></p>',
        body,
    ), body
    assert problems == []


def test_a_refused_upload_is_explained_in_the_dialog(browser, live_server, agency, tmp_path):
    document = DocumentFactory(title=TITLE, organization=agency.office, by=agency.clerk)
    page = log_in(browser, live_server.url, "clerk")
    open_editor(page, f"{live_server.url}/admin/disclosure/document/{document.pk}/change/")
    page.locator('button[data-name="image"]').click()
    dialog = page.get_by_role("dialog", name="插入图片")
    fake = tmp_path / "伪装.png"
    fake.write_bytes(b"%PDF-1.7\n%%EOF")
    dialog.get_by_label("图片文件").set_input_files(str(fake))
    dialog.get_by_label("替代文字（必填）").fill("图")
    dialog.get_by_role("button", name="上传并插入").click()
    error = dialog.get_by_role("alert")
    error.filter(has_text="不支持的文件类型").wait_for()  # the server's refusal, in Chinese
    assert page.locator("#id_body_editor img[src]").count() == 0


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 375, "height": 740}]
)
def test_the_editor_on_the_change_form_passes_axe(browser, live_server, agency, viewport):
    document = DocumentFactory(
        title=TITLE,
        organization=agency.office,
        by=agency.clerk,
        body=(
            '<h2 class="align-center">一、总体要求</h2><p>正文<strong>加粗</strong></p>'
            "<table><tbody><tr><th><p>项目</p></th><td><p>标准</p></td></tr></tbody></table>"
        ),
    )
    page = log_in(browser, live_server.url, "clerk", viewport=viewport)
    open_editor(page, f"{live_server.url}/admin/disclosure/document/{document.pk}/change/")
    # The rest of the admin page is Django's (and the attachment inline's) business.
    assert violations(page, ".field-body") == []
    toolbar = page.get_by_role("toolbar", name="正文格式工具栏")
    expect(toolbar.get_by_role("button", name=re.compile("^加粗"))).to_be_visible()
    assert page.locator(".rich-text-editor").bounding_box()["width"] <= viewport["width"]
    page.locator("#id_body_editor td p").click()  # the table tools appear inside a table
    expect(page.get_by_role("button", name="删除表格")).to_be_visible()  # shown after the click
    assert violations(page, ".field-body") == []
    page.locator('button[data-name="image"]').click()
    assert violations(page, ".rich-text-image-dialog") == []


def violations(page, selector) -> list[str]:
    results = Axe().run(
        page,
        context={"include": [[selector]]},
        options={"runOnly": {"type": "tag", "values": WCAG_21_AA}},
    )
    return [
        f"{violation['id']}: {violation['help']} — "
        + "; ".join(str(node["target"][0]) for node in violation["nodes"][:3])
        for violation in results.response["violations"]
    ]


WORD_PASTE = (
    "<!--StartFragment--><p class=MsoNormal><span lang=EN-US>各区县民政局：</span></p>"
    "<p class=MsoNormal align=center style='text-align:center;"
    "mso-line-height-rule:exactly'><b><span lang=EN-US style='font-size:22.0pt;"
    "font-family:方正小标宋简体'>关于做好救助工作的通知<o:p></o:p></span></b></p>"
    "<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><![if !supportLists]><span "
    "style='mso-list:Ignore'>1.</span><![endif]><font face=仿宋 color=red>摸清底数</font></p>"
    "<p><img src='file:///C:/Users/clerk/AppData/Local/Temp/msohtmlclip1/01/clip_image001.png'>"
    "<a href='javascript:alert(1)'>坏链接</a></p><!--EndFragment-->"
)


def test_text_pasted_from_word_is_cut_down_to_the_editors_schema(browser, live_server, agency):
    document = DocumentFactory(title=TITLE, organization=agency.office, by=agency.clerk)
    page = log_in(browser, live_server.url, "clerk")
    problems = open_editor(
        page, f"{live_server.url}/admin/disclosure/document/{document.pk}/change/"
    )
    page.locator("#id_body_editor").click()
    page.evaluate(
        """html => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", "关于做好救助工作的通知");
            document.querySelector("#id_body_editor").dispatchEvent(
                new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        WORD_PASTE,
    )
    # The first and last pasted paragraphs merge into the one the caret is in (ProseMirror
    # keeps that paragraph's own attributes); those between keep theirs.
    page.locator("#id_body_editor strong").filter(has_text="关于做好救助工作的通知").wait_for()
    value = page.locator("#id_body").input_value()
    assert '<p class="align-center"><strong>关于做好救助工作的通知</strong></p>' in value
    assert "摸清底数" in value and "坏链接" in value
    for residue in [
        "mso",
        "Mso",
        "lang=",
        "<span",
        "<font",
        "style=",
        "file:",
        "<img",
        "javascript:",
    ]:
        assert residue not in value, residue
    assert problems == []
