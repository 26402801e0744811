"""The answer letter of each 条例 Art 36 type, and its PDF and DOCX."""

import io
from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured
from docx import Document
from pypdf import PdfReader

from disclosure.applications.letter_docx import render_docx
from disclosure.applications.letter_pdf import render_pdf
from disclosure.applications.letters import REMEDY, issued_text, letter_text, split_letter
from tests.applications.factories import AnswerLetterFactory, ApplicationFactory
from tests.portal.factories import OrganizationFactory

ON = date(2026, 11, 30)
pytestmark = pytest.mark.django_db


@pytest.fixture
def application():
    return ApplicationFactory(
        organization=OrganizationFactory(name="重庆市民政局"),
        number="YSQ-2026-00042",
        received_on=date(2026, 11, 2),
        info_title="2025年城乡低保资金发放情况",
        info_number="渝民发〔2025〕12号",
        description="包括各区县的发放金额\n和人数。",
    )


def letter(application, **fields):
    return AnswerLetterFactory.build(application=application, **{"body": "", **fields})


def text(application, **fields):
    return letter_text(letter(application, **fields), on=ON)


def test_every_letter_has_the_number_receipt_information_remedy_organization_and_date(
    application,
):
    body = text(application, letter_type="disclose", outcome="1")
    assert body.startswith("政府信息公开申请答复告知书")
    assert "申请编号：YSQ-2026-00042" in body
    assert "2026年11月2日收到" in body
    assert "“2025年城乡低保资金发放情况”（文号：渝民发〔2025〕12号）" in body
    assert "包括各区县的发放金额和人数。" in body
    assert REMEDY in body
    assert body.endswith("重庆市民政局\n2026年11月30日")


def test_already_public_says_where(application):
    body = text(application, letter_type="already_public", outcome="1",
                published_where="本局门户网站“政府信息公开—财政资金”栏目")  # fmt: skip
    assert "已经主动公开" in body
    assert "第三十六条第一项" in body
    assert "本局门户网站“政府信息公开—财政资金”栏目" in body


def test_disclose_provides_the_information_in_the_form_asked(application):
    application.delivery_form, application.delivery_method = "paper", "post"
    body = text(application, letter_type="disclose", outcome="1")
    assert "决定予以公开" in body and "第三十六条第二项" in body
    assert "以纸质形式随本告知书通过邮政寄送向您提供" in body


def test_disclose_on_site_invites_the_applicant_to_read_it(application):
    application.delivery_form, application.delivery_method = "on_site", "on_site"
    body = text(application, letter_type="disclose", outcome="1")
    assert "现场查阅" in body


def test_partial_gives_what_can_be_disclosed_and_the_reasons_for_the_rest(application):
    body = text(application, letter_type="partial", outcome="2",
                reasons="名单中含有个人身份信息", legal_basis="条例第十五条")  # fmt: skip
    assert "第三十七条" in body and "部分公开" in body
    assert "名单中含有个人身份信息" in body and "条例第十五条" in body


def test_partial_has_no_made_up_reason_when_none_was_given(application):
    # The service refuses a partial answer without reasons (条例 Art 37); the template
    # itself never invents one.
    body = text(application, letter_type="partial", outcome="2", reasons="")
    assert "依法不应当公开。" not in body


def test_refuse_states_the_ground_reasons_and_legal_basis(application):
    body = text(application, letter_type="refuse", outcome="3.1",
                reasons="该文件经定密为秘密级", legal_basis="《中华人民共和国保守国家秘密法》第二条")  # fmt: skip
    assert "属于国家秘密" in body
    assert "决定不予公开" in body and "第三十六条第三项" in body
    assert "该文件经定密为秘密级" in body
    assert "《中华人民共和国保守国家秘密法》第二条" in body
    assert body.count("该文件经定密为秘密级") == 1  # not repeated as a note


def test_not_exist_says_the_information_does_not_exist(application):
    body = text(application, letter_type="not_exist", outcome="4.1")
    assert "该政府信息不存在" in body and "第三十六条第四项" in body


def test_information_that_would_have_to_be_made_cites_article_38(application):
    body = text(application, letter_type="not_exist", outcome="4.2")
    assert "加工、分析" in body and "第三十八条" in body


def test_not_ours_names_the_other_agency_and_its_contact(application):
    body = text(application, letter_type="not_ours", outcome="4.1",
                other_agency_name="重庆市财政局", other_agency_contact="023-67575000",
                reasons="该资金由财政部门拨付")  # fmt: skip
    assert "不属于本机关负责公开" in body and "第三十六条第五项" in body
    assert "重庆市财政局" in body and "023-67575000" in body
    assert "具体说明：该资金由财政部门拨付" in body


def test_repeat_is_not_handled_again(application):
    body = text(application, letter_type="repeat", outcome="5.2")
    assert "不予重复处理" in body and "第三十六条第六项" in body


def test_special_registry_follows_those_laws(application):
    body = text(application, letter_type="special_registry", outcome="6.3",
                legal_basis="《不动产登记暂行条例》第二十七条")  # fmt: skip
    assert "工商、不动产登记资料" in body and "第三十六条第七项" in body
    assert "依照有关法律、行政法规的规定办理" in body
    assert "依据：《不动产登记暂行条例》第二十七条" in body


@pytest.mark.parametrize(
    ("outcome", "sentence"),
    [("5.1", "信访、投诉、举报"), ("5.3", "公开出版物"), ("5.4", "第三十五条"),
     ("5.5", "确认或者重新出具")],
)  # fmt: skip
def test_no_handle_explains_each_case(application, outcome, sentence):
    body = text(application, letter_type="no_handle", outcome=outcome)
    assert sentence in body
    assert "不予处理" in body or "不作为政府信息公开申请处理" in body


@pytest.mark.parametrize(
    ("outcome", "sentence"),
    [("4.3", "仍不明确"), ("6.1", "逾期未补正"), ("6.2", "109号"), ("6.3", "撤回申请")],
)
def test_other_handling_explains_each_case(application, outcome, sentence):
    body = text(application, letter_type="other", outcome=outcome, reasons="您已撤回申请。")
    assert sentence in body


def test_issued_text_is_the_reviewed_body_when_there_is_one(application):
    answer = letter(application, letter_type="disclose", outcome="1", body="改写后的正文。")
    assert issued_text(answer) == "改写后的正文。"


def test_split_letter_separates_title_paragraphs_and_closing(application):
    title, paragraphs, closing = split_letter(
        text(application, letter_type="repeat", outcome="5.2")
    )
    assert title == "政府信息公开申请答复告知书"
    assert paragraphs[0] == "申请编号：YSQ-2026-00042"
    assert closing == ["重庆市民政局", "2026年11月30日"]


def test_the_pdf_embeds_the_cjk_font_and_carries_the_text(application):
    answer = letter(application, letter_type="refuse", outcome="3.4",
                    reasons="涉及第三方个人隐私", legal_basis="条例第十五条")  # fmt: skip
    data = render_pdf(answer)
    reader = PdfReader(io.BytesIO(data))
    assert reader.pages[0].mediabox.width == pytest.approx(595.27, abs=0.1)  # A4
    fonts = [
        font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()
    ]
    descriptors = [f["/DescendantFonts"][0].get_object()["/FontDescriptor"] if "/DescendantFonts" in f
                   else f.get("/FontDescriptor") for f in fonts]  # fmt: skip
    assert any(d is not None and "/FontFile2" in d.get_object() for d in descriptors)
    extracted = "".join(page.extract_text() for page in reader.pages)
    assert "重庆市民政局" in extracted
    assert "涉及第三方个人隐私" in extracted


def test_a_missing_font_is_a_clear_configuration_error(application, settings):
    settings.PDF_CJK_FONT = "/nonexistent/font.ttc"
    with pytest.raises(ImproperlyConfigured, match="中文字体"):
        render_pdf(letter(application, letter_type="disclose", outcome="1"))


def test_the_docx_carries_the_decision_with_an_east_asian_font(application):
    data = render_docx(letter(application, letter_type="not_exist", outcome="4.1"))
    document = Document(io.BytesIO(data))
    full = "\n".join(p.text for p in document.paragraphs)
    assert "该政府信息不存在" in full
    assert "重庆市民政局" in full
    run = document.paragraphs[1].runs[0]
    assert (
        run._element.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
        == "仿宋"
    )


def test_an_issued_letter_is_dated_the_day_it_was_issued(application):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    answer = letter(application, letter_type="disclose", outcome="1")
    answer.body = letter_text(answer, on=date(2026, 11, 20))  # drafted on the 20th
    answer.is_live = True
    answer.published_at = datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    text = issued_text(answer)
    assert text.endswith("重庆市民政局\n2026年11月24日")
    assert "2026年11月20日" not in text


def test_the_number_is_centred_the_addressee_flush_and_the_body_indented(application):
    from disclosure.applications.letters import paragraph_kind

    _title, paragraphs, _closing = split_letter(
        text(application, letter_type="repeat", outcome="5.2")
    )
    assert [paragraph_kind(p) for p in paragraphs[:3]] == ["number", "salutation", "body"]
