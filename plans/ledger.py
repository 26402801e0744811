"""The XLSX 台账 of a plan: the report page's per-department table, then one row per task,
written with openpyxl (which the project has through tablib) from a built report.

Text that a spreadsheet would run as a formula (= + - @ …) is made plain, as in the
catalogue's export (``disclosure.resources.neutralise_formula``); characters XML cannot
carry are dropped.
"""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from disclosure.resources import neutralise_formula
from plans.models import Plan
from plans.reports import PlanReport, TaskRow
from portal.plaintext import xml_safe

DEPARTMENT_COLUMNS = [
    "牵头部门",
    "任务数",
    "已完成",
    "按期完成",
    "逾期",
    "完成进度（%）",
    "最近采纳进展",
    "状态",
    "状态说明",
]
TASK_COLUMNS = [
    "编号",
    "任务",
    "层级",
    "牵头部门",
    "配合部门",
    "完成时限",
    "报送频次",
    "权重",
    "状态",
    "进度（%）",
    "完成日期",
    "最近采纳进展",
    "提示",
    "提示说明",
]
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise_formula(xml_safe(value))
    return value


def department_rows(report: PlanReport) -> list[list]:
    """The per-department table as the report page shows it, one list per row."""
    rows = []
    for department in report.departments:
        light = department.light
        completion = department.completion
        rows.append([
            department.name,
            department.tasks,
            department.completed,
            department.on_time,
            department.overdue,
            None if completion is None else round(completion, 1),
            department.last_accepted_on,
            light.label if light else "—",
            light.reason if light else "无进行中的任务",
        ])  # fmt: skip
    return rows


def _task_row(row: TaskRow) -> list:
    task = row.task
    return [
        task.number,
        task.title,
        task.level + 1,
        str(task.lead_department) if task.lead_department else "",
        "、".join(str(org) for org in task.cooperating_departments.all()),
        task.due_on or "持续推进",
        task.get_frequency_display(),
        task.weight,
        row.status_label,
        row.progress,
        task.completed_on,
        row.last_accepted_on,
        row.light.label if row.light else "",
        row.light.reason if row.light else "",
    ]


def _sheet(workbook, title: str, heading: str, columns: list[str], rows: list[list]):
    sheet = workbook.create_sheet(title)
    sheet.append([_cell(heading)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(columns)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        sheet.append([_cell(value) for value in row])
    for column_cells in sheet.iter_cols(min_row=2, max_row=2):
        letter = column_cells[0].column_letter
        sheet.column_dimensions[letter].width = (
            40 if column_cells[0].value in ("任务", "提示说明", "状态说明") else 14
        )
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A3"
    return sheet


def ledger_xlsx(plan: Plan, report: PlanReport) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    heading = f"{plan}（统计日期 {report.today:%Y-%m-%d}）"
    _sheet(workbook, "各部门情况", heading, DEPARTMENT_COLUMNS, department_rows(report))
    _sheet(
        workbook,
        "任务台账",
        heading,
        TASK_COLUMNS,
        [_task_row(row) for row in report.task_rows],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
