"""The consistency checks of the report format (勾稽关系, 国办公开办函〔2021〕30号 table 三's
note and table 四's 总计), run before a report may be approved or published. Pure: they
take the table-三 matrix and the hand-entered figures, and return every failed cell in
Chinese, so the clerk sees all of them at once.

Table 三, for each of the seven columns (the six applicant types and 总计):
- 一 + 二 = （七）总计 + 四 (the note in the table's corner);
- （七）总计 = the sum of the result rows （一）…（六） (their leaves);
and for each row, 总计 = the sum of the six applicant columns.
Table 四: for 行政复议 and both 行政诉讼 groups, 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结.
"""

from __future__ import annotations

from disclosure.annual_reports import layouts
from disclosure.annual_reports.layouts import ALL_COLUMNS, COLUMN_KEYS, TOTAL

COLUMN_LABELS = {**dict(layouts.APPLICANT_COLUMNS), TOTAL: "总计"}


def _n(matrix: dict, row: str, column: str) -> int:
    return int(matrix.get(row, {}).get(column, 0))


def _row_label(layout: str, row: str) -> str:
    if row in layouts.THREE_ROWS:
        return layouts.THREE_ROWS[row]
    for _, group_label, leaves in layouts.outcome_rows(layout):
        for key, label in leaves:
            if key == row:
                return f"{group_label}{label}" if label else group_label
    return row


def balance_errors(layout: str, matrix: dict) -> list[str]:
    """一 + 二 = （七）总计 + 四, per column."""
    errors = []
    for column in ALL_COLUMNS:
        incoming = _n(matrix, "new", column) + _n(matrix, "carried_in", column)
        outgoing = _n(matrix, "total", column) + _n(matrix, "carried_out", column)
        if incoming != outgoing:
            errors.append(
                f"表三“{COLUMN_LABELS[column]}”列：一、二项之和（{incoming}）"
                f"不等于（七）总计与四项之和（{outgoing}）。"
            )
    return errors


def total_column_errors(layout: str, matrix: dict) -> list[str]:
    """总计 = the sum of the six applicant columns, per row."""
    errors = []
    rows = ["new", "carried_in", *layouts.leaf_rows(layout), "total", "carried_out"]
    for row in rows:
        parts = sum(_n(matrix, row, column) for column in COLUMN_KEYS)
        if parts != _n(matrix, row, TOTAL):
            errors.append(
                f"表三“{_row_label(layout, row)}”行：总计（{_n(matrix, row, TOTAL)}）"
                f"不等于六类申请人之和（{parts}）。"
            )
    return errors


def result_total_errors(layout: str, matrix: dict) -> list[str]:
    """（七）总计 = the sum of the result rows, per column."""
    errors = []
    for column in ALL_COLUMNS:
        leaves = sum(_n(matrix, row, column) for row in layouts.leaf_rows(layout))
        if leaves != _n(matrix, "total", column):
            errors.append(
                f"表三“{COLUMN_LABELS[column]}”列：（七）总计（{_n(matrix, 'total', column)}）"
                f"不等于（一）至（六）各项之和（{leaves}）。"
            )
    return errors


def four_errors(figures: dict) -> list[str]:
    """总计 = the four results, for each group of table 四."""
    errors = []
    for group, label in layouts.FOUR_GROUPS:
        parts = sum(
            layouts.figure_value(figures, f"{group}.{result}")
            for result, _ in layouts.FOUR_RESULTS
            if result != "total"
        )
        total = layouts.figure_value(figures, f"{group}.total")
        if parts != total:
            name = label if group == "review" else f"行政诉讼（{label}）"
            errors.append(f"表四“{name}”：总计（{total}）不等于四种结果之和（{parts}）。")
    return errors


def report_errors(layout: str, matrix: dict, figures: dict) -> list[str]:
    """Every failed check of a report, in the order of the tables."""
    entered = [f"{message}" for message in layouts.figure_errors(layout, figures).values()]
    if entered:
        return entered  # the sums mean nothing until every cell is a number
    return [
        *balance_errors(layout, matrix),
        *total_column_errors(layout, matrix),
        *result_total_errors(layout, matrix),
        *four_errors(figures),
    ]
