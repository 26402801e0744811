"""The report as a Word document (python-docx, real tables with merged cells) and as a
workbook (openpyxl, one sheet per table). Text from the report is written as values,
never as formulas: a text cell starting with = + - @ gets a leading apostrophe, so a
spreadsheet program never evaluates it (formula injection)."""

from __future__ import annotations

import io

from docx import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from disclosure.annual_reports import layouts
from disclosure.annual_reports.models import AnnualReport
from disclosure.annual_reports.presentation import introduction, report_sections

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def render_docx(report: AnnualReport) -> bytes:
    document = WordDocument()
    heading = document.add_heading(report.title, level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(introduction(report))
    for section in report_sections(report):
        document.add_heading(section.title, level=2)
        for paragraph in section.text.split("\n"):
            if paragraph.strip():
                document.add_paragraph(paragraph.strip())
        for grid in section.grids:
            document.add_paragraph(grid.caption)
            rows = len(grid.head) + len(grid.body)
            table = document.add_table(rows=rows, cols=grid.width)
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for r, c, cell in layouts.placed(grid):
                target = table.cell(r, c)
                if cell.rowspan > 1 or cell.colspan > 1:
                    target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
                target.text = cell.text
                if cell.numeric:
                    target.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
                if cell.header:
                    for run in target.paragraphs[0].runs:
                        run.bold = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _safe(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def render_xlsx(report: AnnualReport) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="center")
    for section in report_sections(report):
        for grid in section.grids:
            sheet = workbook.create_sheet(grid.name)
            sheet.cell(row=1, column=1, value=_safe(f"{report.title} {section.title}"))
            sheet.cell(row=2, column=1, value=_safe(grid.caption))
            offset = 3
            for r, c, cell in layouts.placed(grid):
                target = sheet.cell(row=r + offset, column=c + 1)
                if cell.numeric:
                    # Numbers stay numbers (a reader can sum them); never a formula.
                    target.value = cell.value
                    target.alignment = Alignment(horizontal="right")
                else:
                    target.value = _safe(cell.text)
                    target.alignment = wrap
                if cell.header:
                    target.font = bold
                if cell.rowspan > 1 or cell.colspan > 1:
                    sheet.merge_cells(
                        start_row=r + offset,
                        start_column=c + 1,
                        end_row=r + offset + cell.rowspan - 1,
                        end_column=c + cell.colspan,
                    )
            sheet.column_dimensions["A"].width = 24
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
