"""The answer letter as a Word document (DOCX) the applicant or the office can print. Word
picks a run's Chinese glyphs from its East Asian font (``w:eastAsia``), not from its name,
so both are set on every run."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from disclosure.applications.letters import TITLE, issued_text, paragraph_kind, split_letter

BODY_FONT = "仿宋"  # GB/T 9704: 仿宋 for the body of official documents
TITLE_FONT = "黑体"


def _run(paragraph, text: str, *, font: str, size: float, bold: bool = False):
    run = paragraph.add_run(text)
    run.font.name = font
    run.font.size = Pt(size)
    run.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), font)
    return run


def _lines(paragraph, text: str, *, font: str, size: float):
    for index, line in enumerate(text.split("\n")):
        run = _run(paragraph, line, font=font, size=size)
        if index < text.count("\n"):
            run.add_break()


def render_docx(answer_letter) -> bytes:
    """The letter the applicant receives, as DOCX bytes."""
    title, paragraphs, closing = split_letter(issued_text(answer_letter))
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    core = document.core_properties
    core.title = title or TITLE
    core.author = answer_letter.application.organization.name
    core.subject = f"申请编号 {answer_letter.application.number}"

    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(heading, title or TITLE, font=TITLE_FONT, size=18, bold=True)
    for text in paragraphs:
        paragraph = document.add_paragraph()
        kind = paragraph_kind(text)
        if kind == "number":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "body":
            paragraph.paragraph_format.first_line_indent = Pt(16 * 2)
        _lines(paragraph, text, font=BODY_FONT, size=16)
    if closing:
        document.add_paragraph()
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _lines(paragraph, "\n".join(closing), font=BODY_FONT, size=16)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
