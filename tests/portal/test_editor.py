"""The rich-text editor: what the sanitiser keeps (alignment, images, Word paste), the
form field and the Document admin's body (the upload endpoint: ``test_editor_uploads``)."""

import re
import struct
import unicodedata
import zlib
from html import escape as html_escape

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.editor import HELP_TEXT, RichTextFormField
from portal.richtext import ALIGNMENT_CLASSES, IMAGE_SOURCE, sanitize_html, to_html
from tests.disclosure.test_admin import ADD, INLINE, form_data

OWN_IMAGE = "/uploads/images/0123456789abcdef0123456789abcdef.png"
UPLOAD = reverse(
    "editor-image-upload", kwargs={"app_label": "disclosure", "model_name": "document"}
)


def png(width=2, height=1) -> bytes:
    """A valid PNG of ``width`` × ``height`` black pixels."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x00" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def upload_file(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="image/png")


# --- alignment ---------------------------------------------------------------------------


@pytest.mark.parametrize("alignment", ["center", "right", "justify"])
def test_an_alignment_class_is_kept(alignment):
    html = f'<p class="align-{alignment}">段落</p>'
    assert sanitize_html(html) == html


@pytest.mark.parametrize("level", [2, 3, 4, 5, 6])
def test_heading_alignment_is_kept(level):
    html = f'<h{level} class="align-center">标题</h{level}>'
    assert sanitize_html(html) == html


@pytest.mark.parametrize("alignment", ["center", "right", "justify"])
def test_a_pasted_text_align_style_becomes_the_class_the_public_pages_can_show(alignment):
    # The public pages' Content-Security-Policy refuses style attributes.
    assert (
        sanitize_html(f'<p style="text-align:{alignment.upper()} ;">段落</p>')
        == f'<p class="align-{alignment}">段落</p>'
    )


def test_every_alignment_class_kept_is_styled_on_the_public_pages_and_in_the_editor():
    site = (django_settings.BASE_DIR / "static/css/site.css").read_text()
    editor = (django_settings.BASE_DIR / "static/css/rich-text-editor.css").read_text()
    for name in ALIGNMENT_CLASSES:
        assert f".document__body .{name} {{ text-align: {name[6:]};" in site
        assert f".ProseMirror .{name} {{ text-align: {name[6:]}; }}" in editor


def test_left_alignment_is_no_class_since_text_runs_left_anyway():
    assert sanitize_html('<p style="text-align: left" class="align-left">x</p>') == "<p>x</p>"


def test_every_other_style_declaration_and_class_goes_with_the_alignment_kept():
    html = (
        '<p class="MsoNormal x" style="color:red; text-align:center; position:fixed; '
        'mso-line-height-rule:exactly">x</p>'
    )
    assert sanitize_html(html) == '<p class="align-center">x</p>'


def test_a_class_given_wins_over_a_style_and_the_last_alignment_wins():
    assert (
        sanitize_html('<h3 class="align-right align-justify" style="text-align:center">x</h3>')
        == '<h3 class="align-justify">x</h3>'
    )


@pytest.mark.parametrize(
    "style",
    [
        "color: red",
        "text-align: expression(alert(1))",
        "text-align: start",
        "text-align: center !important",
        "background: url(javascript:alert(1))",
        "",
    ],
)
def test_a_style_without_a_plain_alignment_is_dropped(style):
    assert sanitize_html(f'<p style="{style}">x</p>') == "<p>x</p>"


@pytest.mark.parametrize("tag", ["span", "td", "li", "table", "a", "strong", "div"])
def test_no_other_element_may_carry_a_style_or_class(tag):
    html = sanitize_html(f'<{tag} class="align-center" style="text-align:center">x</{tag}>')
    assert "style" not in html and "class" not in html


def test_the_legacy_align_attribute_of_paragraphs_is_kept_only_with_an_alignment():
    assert sanitize_html('<p align="CENTER">x</p>') == '<p align="center">x</p>'
    assert sanitize_html('<p align="javascript:x">x</p>') == "<p>x</p>"


# --- images ------------------------------------------------------------------------------


def test_an_image_served_from_our_upload_url_keeps_its_source_and_alt_text():
    html = f'<p><img src="{OWN_IMAGE}" alt="2026年救助流程图" onerror="alert(1)" title="t" style="width:9px"></p>'
    assert sanitize_html(html) == f'<p><img src="{OWN_IMAGE}" alt="2026年救助流程图"></p>'


@pytest.mark.parametrize(
    "source",
    [
        "https://evil.example/x.png",
        "http://portal.example.gov.cn/uploads/images/0123456789abcdef0123456789abcdef.png",
        "//evil.example/uploads/images/0123456789abcdef0123456789abcdef.png",
        "data:image/png;base64,iVBORw0KGgo=",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "file:///C:/Users/clerk/AppData/Local/Temp/msohtmlclip1/01/clip_image002.png",
        "/uploads/images/../../etc/passwd",
        "/uploads/images/0123456789abcdef0123456789abcdef.svg",
        "/uploads/images/0123456789abcdef0123456789abcdef.png?x=1",
        "/static/img/emblem.svg",
    ],
)
def test_an_image_from_anywhere_else_is_dropped_entirely(source):
    assert sanitize_html(f'<p>前<img src="{source}" alt="图">后</p>') == "<p>前后</p>"


def test_an_image_without_a_source_is_dropped_and_an_alt_with_quotes_does_not_fool_it():
    html = f'<img alt="a&quot; src=&quot;x"><img alt=\'x" src="{OWN_IMAGE}\'>'
    assert "<img" not in sanitize_html(html)


def test_image_dimensions_are_kept_only_as_numbers():
    html = f'<img src="{OWN_IMAGE}" alt="图" width="300" height="100%">'
    assert sanitize_html(html) == f'<img src="{OWN_IMAGE}" alt="图" width="300">'


# --- Word and WPS paste -------------------------------------------------------------------

WORD = """<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">
<head><meta http-equiv=Content-Type content="text/html; charset=utf-8">
<meta name=ProgId content=Word.Document><meta name=Generator content="Microsoft Word 15">
<!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View><w:Zoom>0</w:Zoom>
</w:WordDocument></xml><![endif]-->
<style><!-- /* Font Definitions */ p.MsoNormal {mso-style-parent:""; margin:0cm;
font-family:仿宋_GB2312;} @page WordSection1 {size:595.3pt 841.9pt;} --></style>
<!--[if gte mso 10]><style>table.MsoNormalTable {mso-style-name:普通表格;}</style><![endif]-->
</head>
<body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'>
<!--StartFragment-->
<div class=WordSection1 style='layout-grid:15.6pt'>
<p class=MsoNormal align=center style='text-align:center;line-height:28.0pt;mso-line-height-rule:exactly'><b><span
style='font-size:22.0pt;font-family:方正小标宋简体;mso-hansi-font-family:"Times New Roman"'>关于做好<span
lang=EN-US>2026</span>年冬季救助工作的通知<span lang=EN-US><o:p></o:p></span></span></b></p>
<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0'><span lang=EN-US
style='font-size:16.0pt'><font face="仿宋_GB2312" color="#ff0000">各区县民政局：</font><o:p>&nbsp;</o:p></span></p>
<p class=MsoListParagraph style='margin-left:18.0pt;text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span
lang=EN-US style='mso-list:Ignore'>1.<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp; </span></span><![endif]><span
style='font-family:仿宋_GB2312'>摸清困难群众底数<o:p></o:p></span></p>
<p class=MsoNormal><span lang=EN-US><!--[if gte vml 1]><v:shape id="图片_x0020_1" style='width:200pt;height:100pt'>
<v:imagedata src="file:///C:/Users/clerk/AppData/Local/Temp/msohtmlclip1/01/clip_image001.png" o:title=""/>
</v:shape><![endif]--><![if !vml]><img width=267 height=133
src="file:///C:/Users/clerk/AppData/Local/Temp/msohtmlclip1/01/clip_image002.jpg" v:shapes="图片_x0020_1"><![endif]></span></p>
<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;mso-yfti-tbllook:1184'>
<tr style='mso-yfti-irow:0'><td width=277 valign=top style='width:207.4pt;border:solid windowtext 1.0pt'><p class=MsoNormal>
<span style='font-family:黑体'>项目<o:p></o:p></span></p></td>
<td width=277 valign=top style='border:solid windowtext 1.0pt'><p class=MsoNormal><span lang=EN-US>500<o:p></o:p></span></p></td></tr>
</table>
<p class=MsoNormal><a href="https://www.gov.cn/zhengce/" target="_blank" style='color:blue'><span lang=EN-US>中国政府网</span></a>
<a href="javascript:alert(1)">坏链接</a></p>
<script>alert(1)</script>
</div>
<!--EndFragment-->
</body></html>"""


def test_word_paste_keeps_text_structure_and_alignment_and_drops_word_markup():
    html = sanitize_html(WORD)
    for text in [
        "关于做好",
        "2026",
        "年冬季救助工作的通知",
        "各区县民政局：",
        "摸清困难群众底数",
        "项目",
        "500",
    ]:
        assert text in html
    assert '<p align="center" class="align-center"><b>' in html
    assert html.count("class=") == 1  # that one alignment, no MsoNormal, MsoTableGrid…
    assert '<a href="https://www.gov.cn/zhengce/" rel="noopener noreferrer">' in html
    assert "<table>" in html and "<td><p>" in html
    for residue in [
        "mso-", "<o:p", "o:p>", "lang=", "<font", "face=", "color=", "style=", "<!--", "[if",
        "endif", "<xml", "w:WordDocument", "Font Definitions", "MsoNormal", "<v:", "file:",
        "<img", "javascript:", "<script", "alert", "target=", "width=", "valign", "<style",
        "<meta", "<html", "<body", "text-indent",
    ]:  # fmt: skip
        assert residue not in html, residue


def test_wps_paste_with_font_tags_and_spans_keeps_only_the_text():
    wps = (
        '<p style="margin-left:0pt;text-align:justify;"><font face="宋体" size="3">'
        '<span style="mso-spacerun:\'yes\';font-family:宋体;font-size:16pt" lang="EN-US">'
        "第一条</span></font><!--[if !supportAnnotations]-->x<!--[endif]--></p>"
    )
    assert sanitize_html(wps) == '<p class="align-justify"><span>第一条</span>x</p>'


# --- what the client's editor writes survives unchanged ----------------------------------

EDITOR_OUTPUT = (
    '<h2 class="align-center">一、总体要求</h2>'
    "<h3>（一）工作目标</h3>"
    '<p class="align-justify">正文<strong>加粗</strong><em>倾斜</em><u>下划线</u><s>删除</s>'
    'H<sub>2</sub>O m<sup>2</sup> <a href="https://www.gov.cn/" rel="noopener noreferrer">链接</a>'
    '<a href="/disclosure/1/" rel="noopener noreferrer">站内</a></p>'
    "<ul><li><p>甲</p></li></ul><ol><li><p>乙</p></li></ol>"
    "<blockquote><p>引用</p></blockquote><hr>"
    '<table><tbody><tr><th colspan="1" rowspan="1"><p>项目</p></th>'
    '<td colspan="1" rowspan="1"><p>标准</p></td></tr></tbody></table>'
    f'<img src="{OWN_IMAGE}" alt="流程图"><p>末段<br>换行</p>'
)


def test_everything_the_editor_writes_survives_the_sanitiser_unchanged():
    assert sanitize_html(EDITOR_OUTPUT) == EDITOR_OUTPUT


def test_the_editors_table_styling_is_dropped_without_losing_the_table():
    tiptap = (
        '<table style="min-width: 50px"><colgroup><col style="min-width: 25px"></colgroup>'
        '<tbody><tr><td colspan="1" rowspan="1"><p>x</p></td></tr></tbody></table>'
    )
    assert sanitize_html(tiptap) == (
        "<table><colgroup><col></colgroup>"
        '<tbody><tr><td colspan="1" rowspan="1"><p>x</p></td></tr></tbody></table>'
    )


# --- properties ---------------------------------------------------------------------------

ATTRIBUTES = st.sampled_from(
    [
        'style="text-align:center"', "style='mso-list:Ignore'", 'style="color:red"',
        'align="right"', 'lang="EN-US"', 'class="MsoNormal"', 'class="x align-right"',
        'onclick="alert(1)"',
        f'src="{OWN_IMAGE}"', 'src="https://evil.example/a.png"', 'src="data:image/png;base64,AA"',
        'src="javascript:alert(1)"', 'alt="图"', 'href="javascript:alert(1)"',
        'href="https://www.gov.cn/"', 'width="12"', 'title="t"', "",
    ]
)  # fmt: skip
TAGS = st.sampled_from(
    ["p", "h2", "h3", "span", "font", "o:p", "img", "a", "td", "b", "div", "h1", "script", "li"]
)
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


@st.composite
def word_like_html(draw):
    parts = []
    for _ in range(draw(st.integers(0, 8))):
        tag = draw(TAGS)
        attributes = " ".join(draw(st.lists(ATTRIBUTES, max_size=3)))
        choice = draw(st.integers(0, 3))
        if choice == 0:
            parts.append(f"<{tag} {attributes}>{draw(TEXT)}</{tag}>")
        elif choice == 1:
            parts.append(f"<!--[if gte mso 9]>{draw(TEXT)}<![endif]-->")
        elif choice == 2:
            parts.append(f"<{tag} {attributes}>")
        else:
            parts.append(draw(TEXT))
    return "".join(parts)


CLASS = re.compile(r'\sclass="([^"]*)"')
SOURCE = re.compile(r'\ssrc="([^"]*)"')


@settings(max_examples=300, deadline=None)
@given(word_like_html())
def test_whatever_is_pasted_only_alignment_classes_and_own_images_remain(markup):
    html = sanitize_html(markup)
    assert all(re.fullmatch(r"align-(center|right|justify)", c) for c in CLASS.findall(html))
    assert "style=" not in html
    assert all(IMAGE_SOURCE.fullmatch(s) for s in SOURCE.findall(html))
    assert html.count("<img") == len(SOURCE.findall(html))
    for residue in [
        "javascript:",
        "data:",
        "mso-",
        "lang=",
        "msonormal",
        "onclick",
        "<o:p",
        "<font",
        "<script",
    ]:
        assert residue not in html.lower()


def quoted(text):
    return text.replace('"', "&quot;")


# What a clerk types (NFC, no controls: clean_block's rules), escaped as the editor does.
SAFE_TEXT = st.text(
    alphabet=st.one_of(st.characters(categories=["L", "N", "P", "S"]), st.just(" ")), max_size=12
).map(lambda text: html_escape(unicodedata.normalize("NFC", text), quote=False))
ALIGN = st.sampled_from(["", ' class="align-center"', ' class="align-right"', ' class="align-justify"'])  # fmt: skip
INLINE_HTML = st.one_of(
    SAFE_TEXT,
    SAFE_TEXT.map(lambda text: f"<strong>{text}</strong>"),
    SAFE_TEXT.map(lambda text: f"<em>{text}</em>"),
    SAFE_TEXT.map(
        lambda text: f'<a href="https://www.gov.cn/" rel="noopener noreferrer">{text}</a>'
    ),
    SAFE_TEXT.map(lambda text: f'<img src="{OWN_IMAGE}" alt="{quoted(text) or "图"}">'),
)


@st.composite
def editor_html(draw):
    """Documents shaped as the editor writes them (its schema, well nested)."""
    blocks = []
    for _ in range(draw(st.integers(1, 5))):
        inline = "".join(draw(st.lists(INLINE_HTML, max_size=4)))
        kind = draw(st.sampled_from(["p", "h2", "h3", "h4", "ul", "table"]))
        if kind in {"ul"}:
            blocks.append(f"<ul><li><p>{inline}</p></li></ul>")
        elif kind == "table":
            blocks.append(
                f'<table><tbody><tr><td colspan="1" rowspan="1"><p>{inline}</p></td></tr></tbody></table>'
            )
        else:
            blocks.append(f"<{kind}{draw(ALIGN)}>{inline}</{kind}>")
    return "".join(blocks)


@settings(max_examples=300, deadline=None)
@given(editor_html())
def test_what_the_editor_writes_is_never_changed_by_the_sanitiser(markup):
    assert sanitize_html(markup) == markup


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT.filter(lambda line: "<" not in line), max_size=6))
def test_plain_text_still_becomes_one_paragraph_per_line(lines):
    html = to_html("\n".join(lines))
    assert html.count("<p>") == sum(1 for line in to_html_lines(lines))


def to_html_lines(lines):
    from portal.plaintext import clean_block

    return [line for line in clean_block("\n".join(lines)).splitlines() if line.strip()]


def test_plain_text_typed_in_the_body_becomes_paragraphs():
    assert to_html("第一段\n\n第二段 a<b") == "<p>第一段</p>\n<p>第二段 a&lt;b</p>"


# --- the form field -----------------------------------------------------------------------


def test_the_field_cleans_what_it_receives_as_the_model_stores_it():
    field = RichTextFormField(required=False)
    assert field.clean('<p style="color:red" onclick="x">正文</p>') == "<p>正文</p>"
    assert field.clean("第一段\n第二段") == "<p>第一段</p>\n<p>第二段</p>"


def test_the_field_sees_no_change_where_only_discarded_markup_differs():
    field = RichTextFormField(required=False)
    assert not field.has_changed("<p>正文</p>", '<p style="color:red" class="x">正文</p>')
    assert field.has_changed("<p>正文</p>", "<p><strong>正文</strong></p>")


@pytest.mark.parametrize("alt", ["", "   "])
def test_an_image_without_alternative_text_is_refused_in_chinese(alt):
    field = RichTextFormField(required=False)
    with pytest.raises(Exception) as refused:
        field.clean(f'<p><img src="{OWN_IMAGE}" alt="{alt}"></p>')
    assert "1 张图片缺少替代文字" in str(refused.value)


def test_an_image_with_alternative_text_is_accepted():
    field = RichTextFormField(required=False)
    html = f'<p><img src="{OWN_IMAGE}" alt="a&gt;b 流程图"></p>'
    assert field.clean(html) == html


# --- the Document admin -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_document_form_gives_the_body_the_editor_and_its_help_text(agency, client):
    client.force_login(agency.clerk)
    response = client.get(ADD)
    form = response.context["adminform"].form
    body = form.fields["body"]
    assert isinstance(body, RichTextFormField)
    assert body.help_text == HELP_TEXT and "Alt+F10" in HELP_TEXT
    assert body.widget.upload_url == UPLOAD
    html = response.content.decode()
    assert 'data-rich-text-editor="' in html and "django_prose_editor/editor.js" in html
    assert '<script src="/static/js/rich-text-editor.js" type="module"></script>' in html
    # Only the body: the summary stays a plain textarea.
    assert not isinstance(form.fields["summary"], RichTextFormField)


@pytest.mark.django_db
def test_a_body_saved_from_the_admin_is_stored_sanitised(agency, client):
    from disclosure.models import Document

    client.force_login(agency.clerk)
    body = '<h2 style="text-align: center">标题</h2><p>一个<strong>加粗</strong>的词<script>x</script></p>'
    response = client.post(ADD, {**form_data(agency, body=body), **INLINE})
    assert response.status_code == 302
    stored = Document.objects.get(title=form_data(agency)["title"]).body
    assert stored == '<h2 class="align-center">标题</h2><p>一个<strong>加粗</strong>的词</p>'


@pytest.mark.django_db
def test_a_body_with_an_image_without_alt_text_is_a_form_error(agency, client):
    client.force_login(agency.clerk)
    response = client.post(ADD, form_data(agency, body=f'<p><img src="{OWN_IMAGE}"></p>'))
    assert response.status_code == 200
    assert "缺少替代文字" in response.context["adminform"].form.errors["body"][0]
