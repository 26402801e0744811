"""The two statutory formats of the annual report, as data: section titles, table rows
and columns, verbatim; the hand-entered cells of each; and the grids (header cells with
their spans, then body rows) that the page, the DOCX and the XLSX all draw. Pure.

- ``LAYOUT_2021``: 国办公开办函〔2021〕30号, for reports on 2021 and later.
- ``LAYOUT_2019``: the trial format of 国办公开办函〔2019〕60号, for 2019 and 2020. It
  differs in table 二 (第（一）项 counts 本年新制作数量 / 本年新公开数量 / 对外公开总数量 of
  规章 and 规范性文件; 第（五）（六）（八）项 give 上一年项目数量 / 本年增/减 / 处理决定数量,
  with a row 其他对外管理服务事项; a 第（九）项 row 政府集中采购 with 采购项目数量 / 采购总金额)
  and in table 三, where （六）其他处理 has no sub-rows.

Keys are the contract's (``disclosure.applications.vocabularies``): applicant columns
``natural`` … ``other_org`` then ``total``; outcome leaves ``"1"`` … ``"6.3"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

LAYOUT_2021, LAYOUT_2019 = "2021", "2019"
LAYOUT_CHOICES = [
    (LAYOUT_2021, "2021年格式（国办公开办函〔2021〕30号）"),
    (LAYOUT_2019, "2019年试行格式（国办公开办函〔2019〕60号）"),
]


def default_layout(year: int) -> str:
    """Reports on 2019 and 2020 were written in the trial format; later ones in 2021's."""
    return LAYOUT_2019 if year <= 2020 else LAYOUT_2021


SECTIONS = {
    "one": "一、总体情况",
    "two": "二、主动公开政府信息情况",
    "three": "三、收到和处理政府信息公开申请情况",
    "four": "四、政府信息公开行政复议、行政诉讼情况",
    "five": "五、存在的主要问题及改进情况",
    "six": "六、其他需要报告的事项",
}

# --- table 三 -------------------------------------------------------------------------

APPLICANT_COLUMNS = [
    ("natural", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("public_welfare", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other_org", "其他"),
]
COLUMN_KEYS = [key for key, _ in APPLICANT_COLUMNS]
TOTAL = "total"
ALL_COLUMNS = [*COLUMN_KEYS, TOTAL]
THREE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

OUTCOME_GROUPS = [
    ("1", "（一）予以公开", [("1", "")]),
    ("2", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", [("2", "")]),
    ("3", "（三）不予公开", [
        ("3.1", "1.属于国家秘密"),
        ("3.2", "2.其他法律行政法规禁止公开"),
        ("3.3", "3.危及“三安全一稳定”"),
        ("3.4", "4.保护第三方合法权益"),
        ("3.5", "5.属于三类内部事务信息"),
        ("3.6", "6.属于四类过程性信息"),
        ("3.7", "7.属于行政执法案卷"),
        ("3.8", "8.属于行政查询事项"),
    ]),
    ("4", "（四）无法提供", [
        ("4.1", "1.本机关不掌握相关政府信息"),
        ("4.2", "2.没有现成信息需要另行制作"),
        ("4.3", "3.补正后申请内容仍不明确"),
    ]),
    ("5", "（五）不予处理", [
        ("5.1", "1.信访举报投诉类申请"),
        ("5.2", "2.重复申请"),
        ("5.3", "3.要求提供公开出版物"),
        ("5.4", "4.无正当理由大量反复申请"),
        ("5.5", "5.要求行政机关确认或重新出具已获取信息"),
    ]),
    ("6", "（六）其他处理", [
        ("6.1", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        ("6.2", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        ("6.3", "3.其他"),
    ]),
]  # fmt: skip
LEAVES = [leaf for _, _, leaves in OUTCOME_GROUPS for leaf, _ in leaves]
THREE_ROWS = {
    "new": "一、本年新收政府信息公开申请数量",
    "carried_in": "二、上年结转政府信息公开申请数量",
    "results": "三、本年度办理结果",
    "total": "（七）总计",
    "carried_out": "四、结转下年度继续办理",
}


def outcome_rows(layout: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Table 三's result rows in ``layout``: (group, label, [(row key, label)]). In the
    2019 format （六）其他处理 is one row, keyed "6" (the sum of 6.1–6.3)."""
    if layout == LAYOUT_2021:
        return OUTCOME_GROUPS
    return [*OUTCOME_GROUPS[:-1], ("6", "（六）其他处理", [("6", "")])]


def leaf_rows(layout: str) -> list[str]:
    """The row keys that carry numbers between 三 and （七）总计 in ``layout``."""
    return [key for _, _, leaves in outcome_rows(layout) for key, _ in leaves]


# --- table 二 and 四: hand-entered cells ---------------------------------------------


@dataclass(frozen=True)
class Block:
    """One 第二十条第（N）项 part of table 二: a header row, then rows × columns."""

    heading: str
    columns: list[tuple[str, str]]
    rows: list[tuple[str, str]]
    assembled: bool = False  # counted from the catalogue, not entered
    signed: frozenset[str] = field(default_factory=frozenset)  # columns that may be negative
    decimal: frozenset[str] = field(default_factory=frozenset)  # 万元, 4 decimals


_DECISION_ROWS_2019 = [("previous", "上一年项目数量"), ("change", "本年增/减"), ("decisions", "处理决定数量")]  # fmt: skip

TWO_BLOCKS = {
    LAYOUT_2021: [
        Block("第二十条第（一）项", [("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("valid", "现行有效件数")],
              [("rules", "规章"), ("normative", "行政规范性文件")], assembled=True),
        Block("第二十条第（五）项", [("decisions", "本年处理决定数量")], [("licensing", "行政许可")]),
        Block("第二十条第（六）项", [("decisions", "本年处理决定数量")],
              [("penalty", "行政处罚"), ("enforcement", "行政强制")]),
        Block("第二十条第（八）项", [("amount", "本年收费金额（单位：万元）")], [("fees", "行政事业性收费")],
              decimal=frozenset({"amount"})),
    ],
    LAYOUT_2019: [
        Block("第二十条第（一）项", [("made", "本年新制作数量"), ("published", "本年新公开数量"), ("total", "对外公开总数量")],
              [("rules", "规章"), ("normative", "规范性文件")], assembled=True),
        Block("第二十条第（五）项", _DECISION_ROWS_2019,
              [("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")],
              signed=frozenset({"change"})),
        Block("第二十条第（六）项", _DECISION_ROWS_2019,
              [("penalty", "行政处罚"), ("enforcement", "行政强制")], signed=frozenset({"change"})),
        Block("第二十条第（八）项", _DECISION_ROWS_2019[:2], [("fees", "行政事业性收费")],
              signed=frozenset({"change"})),
        # The trial format names no unit for 采购总金额; the portal keeps it in 万元 like fees.
        Block("第二十条第（九）项", [("projects", "采购项目数量"), ("amount", "采购总金额")],
              [("procurement", "政府集中采购")], decimal=frozenset({"amount"})),
    ],
}  # fmt: skip

FOUR_RESULTS = [
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
]
FOUR_GROUPS = [
    ("review", "行政复议"),
    ("direct", "未经复议直接起诉"),
    ("after_review", "复议后起诉"),
]


@dataclass(frozen=True)
class FigureSpec:
    key: str  # "licensing.decisions", "review.total"
    label: str
    decimal: bool = False
    signed: bool = False


def figure_specs(layout: str) -> list[FigureSpec]:
    """Every hand-entered cell of ``layout``: table 二 outside 第（一）项, then table 四."""
    specs = []
    for block in TWO_BLOCKS[layout]:
        if block.assembled:
            continue
        for row, row_label in block.rows:
            for column, column_label in block.columns:
                unit = "（万元）" if column in block.decimal and "万元" not in column_label else ""
                specs.append(
                    FigureSpec(
                        f"{row}.{column}",
                        f"{block.heading} {row_label}：{column_label}{unit}",
                        decimal=column in block.decimal,
                        signed=column in block.signed,
                    )
                )
    for group, group_label in FOUR_GROUPS:
        prefix = "行政复议" if group == "review" else f"行政诉讼 {group_label}"
        for result, result_label in FOUR_RESULTS:
            specs.append(FigureSpec(f"{group}.{result}", f"表四 {prefix}：{result_label}"))
    return specs


MAX_COUNT = 10_000_000
MAX_AMOUNT = Decimal("99999999.9999")


def figure_errors(layout: str, figures: dict) -> dict[str, str]:
    """Why each entered cell is not acceptable, by key (Chinese); {} when all are. Missing
    cells count as 0; unknown keys are refused (a layout change leaves none behind)."""
    specs = {spec.key: spec for spec in figure_specs(layout)}
    errors = {key: f"“{key}”不属于本年报格式的数据项。" for key in figures if key not in specs}
    for key, spec in specs.items():
        value = figures.get(key, 0)
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            errors[key] = f"{spec.label}应为数字。"
            continue
        if not number.is_finite():
            errors[key] = f"{spec.label}应为数字。"
        elif spec.decimal:
            if number < 0 or number > MAX_AMOUNT:
                errors[key] = f"{spec.label}应在0至{MAX_AMOUNT}之间。"
            elif -number.as_tuple().exponent > 4:
                errors[key] = f"{spec.label}最多保留4位小数（单位：万元）。"
        elif number != number.to_integral_value():
            errors[key] = f"{spec.label}应为整数。"
        elif abs(number) > MAX_COUNT or (number < 0 and not spec.signed):
            errors[key] = f"{spec.label}应为0至{MAX_COUNT}之间的整数。"
    return errors


def normalise_figures(layout: str, figures: dict) -> dict:
    """Valid figures as stored: counts as integers, amounts as text with 4 decimals (JSON
    has no decimal type). Every cell of the layout is present."""
    stored = {}
    for spec in figure_specs(layout):
        value = Decimal(str(figures.get(spec.key, 0)))
        stored[spec.key] = str(value.quantize(Decimal("0.0001"))) if spec.decimal else int(value)
    return stored


def figure_value(figures: dict, key: str, *, decimal: bool = False):
    value = figures.get(key, 0)
    return Decimal(str(value)) if decimal else int(value)


def format_number(value) -> str:
    """How a cell prints: integers as they are, amounts without trailing zeros."""
    if isinstance(value, Decimal):
        text = f"{value.quantize(Decimal('0.0001')).normalize():f}"
        return text
    return str(value)


# --- grids: what the page, the DOCX and the XLSX draw ---------------------------------


@dataclass(frozen=True)
class Cell:
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    scope: str = ""  # col, colgroup, row, rowgroup
    numeric: bool = False
    value: object = None  # the number itself, for the spreadsheet


@dataclass(frozen=True)
class Grid:
    name: str  # sheet name
    caption: str
    width: int
    head: list[list[Cell]]
    body: list[list[Cell]]


def placed(grid: Grid):
    """Each cell of ``grid`` with its (row, column) in the full rectangle, spans resolved."""
    taken: set[tuple[int, int]] = set()
    for row_index, row in enumerate([*grid.head, *grid.body]):
        column = 0
        for cell in row:
            while (row_index, column) in taken:
                column += 1
            yield row_index, column, cell
            for r in range(row_index, row_index + cell.rowspan):
                for c in range(column, column + cell.colspan):
                    taken.add((r, c))
            column += cell.colspan


def _th(text, scope, rowspan=1, colspan=1) -> Cell:
    return Cell(text, rowspan, colspan, header=True, scope=scope)


def _num(value, colspan=1) -> Cell:
    return Cell(format_number(value), colspan=colspan, numeric=True, value=value)


def two_grids(layout: str, *, catalogue: dict, figures: dict) -> list[Grid]:
    """Table 二 as one grid per 第二十条第（N）项 (one header per table reads better aloud
    than headers in the middle of one)."""
    grids = []
    for number, block in enumerate(TWO_BLOCKS[layout], start=1):
        width = 1 + len(block.columns)
        head = [[_th("信息内容", "col"), *(_th(label, "col") for _, label in block.columns)]]
        body = []
        for row, label in block.rows:
            cells = [_th(label, "row")]
            for column, _ in block.columns:
                if block.assembled:
                    value = int(catalogue.get(row, {}).get(column, 0))
                else:
                    value = figure_value(
                        figures, f"{row}.{column}", decimal=column in block.decimal
                    )
                cells.append(_num(value))
            body.append(cells)
        grids.append(
            Grid(f"表二-{number}", f"主动公开政府信息情况：{block.heading}", width, head, body)
        )
    return grids


def three_grid(layout: str, matrix: dict) -> Grid:
    """Table 三 with the format's merged header and label cells; ``matrix`` maps a row key
    (``new``, ``carried_in``, the layout's leaves, ``total``, ``carried_out``) to
    {column: n} for ``ALL_COLUMNS``."""

    def values(row):
        numbers = matrix.get(row, {})
        return [_num(int(numbers.get(column, 0))) for column in ALL_COLUMNS]

    head = [
        [_th(THREE_NOTE, "", rowspan=3, colspan=3), _th("申请人情况", "colgroup", colspan=7)],
        [_th("自然人", "col", rowspan=2), _th("法人或其他组织", "colgroup", colspan=5),
         _th("总计", "col", rowspan=2)],
        [_th(label, "col") for _, label in APPLICANT_COLUMNS[1:]],
    ]  # fmt: skip
    body = [
        [_th(THREE_ROWS["new"], "row", colspan=3), *values("new")],
        [_th(THREE_ROWS["carried_in"], "row", colspan=3), *values("carried_in")],
    ]
    groups = outcome_rows(layout)
    result_rows = sum(len(leaves) for _, _, leaves in groups) + 1
    first = True
    for _, group_label, leaves in groups:
        for index, (key, leaf_label) in enumerate(leaves):
            cells = []
            if first:
                cells.append(_th(THREE_ROWS["results"], "rowgroup", rowspan=result_rows))
                first = False
            if leaf_label:
                if index == 0:
                    cells.append(_th(group_label, "rowgroup", rowspan=len(leaves)))
                cells.append(_th(leaf_label, "row"))
            else:
                cells.append(_th(group_label, "row", colspan=2))
            body.append([*cells, *values(key)])
    body.append([_th(THREE_ROWS["total"], "row", colspan=2), *values("total")])
    body.append([_th(THREE_ROWS["carried_out"], "row", colspan=3), *values("carried_out")])
    return Grid("表三", "收到和处理政府信息公开申请情况", 10, head, body)


def four_grid(figures: dict) -> Grid:
    head = [
        [_th("行政复议", "colgroup", colspan=5), _th("行政诉讼", "colgroup", colspan=10)],
        [*(_th(label, "col", rowspan=2) for _, label in FOUR_RESULTS),
         _th("未经复议直接起诉", "colgroup", colspan=5), _th("复议后起诉", "colgroup", colspan=5)],
        [_th(label, "col") for _ in range(2) for _, label in FOUR_RESULTS],
    ]  # fmt: skip
    body = [
        [
            _num(figure_value(figures, f"{group}.{result}"))
            for group, _ in FOUR_GROUPS
            for result, _ in FOUR_RESULTS
        ]
    ]
    return Grid("表四", "政府信息公开行政复议、行政诉讼情况", 15, head, body)
