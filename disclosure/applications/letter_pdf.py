"""The answer letter as a PDF (A4), with the CJK font embedded so that it reads the same
on any machine: ``settings.PDF_CJK_FONT`` names a TrueType file or collection (``make
fonts`` installs WenQuanYi Micro Hei). Only the glyphs the letter uses are embedded."""

import hashlib
import io
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from disclosure.applications.letters import TITLE, issued_text, paragraph_kind, split_letter

FONT_NAME = "PortalCJK"
BODY_SIZE = 12


@cache
def _register(path: str) -> str:
    """Register the font at ``path`` once per process; a collection (.ttc) gives its first
    face. A missing or unreadable file is a configuration error, said in Chinese."""
    if not path or not Path(path).is_file():
        raise ImproperlyConfigured(
            f"生成答复告知书 PDF 需要中文字体，但找不到字体文件“{path}”。"
            "请运行 make fonts 安装文泉驿微米黑，或将环境变量 PDF_CJK_FONT 设为已有的 TTF/TTC 字体路径。"
        )
    name = f"{FONT_NAME}-{hashlib.sha256(path.encode()).hexdigest()[:8]}"
    try:
        if path.lower().endswith(".ttc"):
            font = TTFont(name, path, subfontIndex=0)
        else:
            font = TTFont(name, path)
    except TTFError as error:
        raise ImproperlyConfigured(
            f"字体文件“{path}”无法用于生成 PDF（须为 TrueType 轮廓的 TTF/TTC 字体）：{error}"
        ) from error
    pdfmetrics.registerFont(font)
    return name


def _styles(font: str) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "body", fontName=font, fontSize=BODY_SIZE, leading=BODY_SIZE * 1.8,
        wordWrap="CJK", firstLineIndent=BODY_SIZE * 2, spaceAfter=BODY_SIZE * 0.6,
    )  # fmt: skip
    return {
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontSize=18,
            leading=28,
            alignment=TA_CENTER,
            firstLineIndent=0,
            spaceAfter=18,
        ),  # fmt: skip
        "body": body,
        "number": ParagraphStyle("number", parent=body, alignment=TA_CENTER, firstLineIndent=0),
        "salutation": ParagraphStyle("salutation", parent=body, firstLineIndent=0),
        "closing": ParagraphStyle("closing", parent=body, alignment=TA_RIGHT, firstLineIndent=0),
    }


def _markup(text: str) -> str:
    return "<br/>".join(escape(line) for line in text.split("\n"))


def render_pdf(answer_letter) -> bytes:
    """The letter the applicant receives, as PDF bytes."""
    font = _register(settings.PDF_CJK_FONT)
    styles = _styles(font)
    title, paragraphs, closing = split_letter(issued_text(answer_letter))
    story = [Paragraph(escape(title or TITLE), styles["title"])]
    story += [Paragraph(_markup(p), styles[paragraph_kind(p)]) for p in paragraphs]
    if closing:
        story += [
            Spacer(1, BODY_SIZE * 2),
            Paragraph(_markup("\n".join(closing)), styles["closing"]),
        ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=28 * mm, rightMargin=26 * mm,
        topMargin=37 * mm, bottomMargin=35 * mm,  # GB/T 9704 margins of official documents
        title=title or TITLE, author=answer_letter.application.organization.name,
        subject=f"申请编号 {answer_letter.application.number}",
    )  # fmt: skip
    document.build(story)
    return buffer.getvalue()
