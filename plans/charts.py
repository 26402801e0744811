"""Charts of the report page as inline SVG, drawn here: no script, no chart library, no
CDN (the Content-Security-Policy allows neither). Presentation attributes only (``fill``,
``stroke``): the policy refuses ``style`` attributes.

Readable without colour: every bar carries its number and its status in words, each
status has its own pattern as well as its colour, and the SVG is one image
(``role="img"``) named by its ``<title>`` and described by a ``<desc>`` that states
every figure. The per-department table next to it holds the same numbers.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from plans.models import Task
from plans.reports import GREEN, RED, YELLOW, DepartmentRow, PlanReport

TaskStatus = Task.Status
INK, MUTED, TRACK = "#1f2328", "#555b62", "#e3e6ea"
# Fill and pattern per traffic light and per task status; each fill has at least 3:1
# contrast with the white page (WCAG 1.4.11) and each pattern differs in shape.
LIGHT_STYLES = {
    RED: ("#b5121b", "hatch"),
    YELLOW: ("#8a5a00", "dots"),
    GREEN: ("#1d6b32", "solid"),
    None: ("#5f6368", "lines"),
}
STATUS_STYLES = {
    TaskStatus.OVERDUE: ("#b5121b", "hatch"),
    TaskStatus.IN_PROGRESS: ("#0b4f9c", "dots"),
    TaskStatus.NOT_STARTED: ("#5f6368", "lines"),
    TaskStatus.COMPLETED: ("#1d6b32", "solid"),
    TaskStatus.SUSPENDED: ("#7a4f9a", "cross"),
}
PATTERN_NAMES = {
    "hatch": "斜线",
    "dots": "圆点",
    "lines": "横线",
    "solid": "实心",
    "cross": "网格",
}
# Narrow enough that a phone (343 px of page) shows the 14-unit text at about 12 px; the
# stylesheet caps the width on wide screens.
WIDTH = 400
NAME_CHARS = 27


def _attrs(**attrs) -> str:
    return "".join(
        f' {name.rstrip("_").replace("_", "-")}="{escape(value)}"' for name, value in attrs.items()
    )


def _text(x, y, content: str, **attrs) -> str:
    return f'<text x="{x}" y="{y}"{_attrs(**attrs)}>{escape(content)}</text>'


def _pattern(pattern_id: str, colour: str, shape: str) -> str:
    """A 8×8 tile: the colour underneath, white marks on top (none for ``solid``)."""
    marks = {
        "hatch": '<path d="M-2 2 L2 -2 M0 8 L8 0 M6 10 L10 6" stroke="#fff" stroke-width="2"/>',
        "dots": '<circle cx="4" cy="4" r="1.6" fill="#fff"/>',
        "lines": '<path d="M0 4 H8" stroke="#fff" stroke-width="2"/>',
        "cross": '<path d="M4 0 V8 M0 4 H8" stroke="#fff" stroke-width="1.5"/>',
        "solid": "",
    }[shape]
    return (
        f'<pattern id="{pattern_id}" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{colour}"/>{marks}</pattern>'
    )


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1] + "…"


def _svg(
    *, chart_id: str, height: int, title: str, desc: str, defs: list, body: list
) -> SafeString:
    return mark_safe(
        f'<svg class="plan-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false" '
        f'font-size="14" fill="{INK}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
        f"<defs>{''.join(defs)}</defs>{''.join(body)}</svg>"
    )


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}%"


def department_label(department: DepartmentRow) -> str:
    light = department.light
    status = f"{light.label}：{light.reason}" if light else "无进行中的任务"
    return f"{department.name}（{status}）"


def department_chart(
    departments: list[DepartmentRow], *, chart_id: str = "dept-chart"
) -> SafeString:
    """One bar per department: its weighted completion, the number at the bar's end, the
    department's name and light in words above it, the light's pattern in the bar."""
    row_height, top, bar_height = 70, 4, 16
    label_width = 48  # room for "100%" right of the longest bar
    bar_room = WIDTH - label_width
    defs = [
        _pattern(f"{chart_id}-{key or 'none'}", colour, shape)
        for key, (colour, shape) in LIGHT_STYLES.items()
    ]
    body, described = [], []
    for index, department in enumerate(departments):
        # Three lines a department: its name, the bar and its figure, the light in words.
        y = top + index * row_height
        light = department.light
        key = light.colour if light else None
        completion = department.completion
        width = round(bar_room * (completion or 0) / 100)
        body.append(_text(0, y + 14, _short(department.name), font_weight="700"))
        body.append(
            f'<rect x="0" y="{y + 20}" width="{bar_room}" height="{bar_height}" fill="{TRACK}"/>'
        )
        if width:
            body.append(
                f'<rect x="0" y="{y + 20}" width="{width}" height="{bar_height}" '
                f'fill="url(#{chart_id}-{key or "none"})" stroke="{INK}" stroke-width="0.5"/>'
            )
        body.append(_text(width + 5, y + 33, _percent(completion), font_weight="700"))
        light_words = f"{light.label}：{light.reason}" if light else "无进行中的任务"
        body.append(_text(0, y + 54, light_words))
        described.append(f"{department_label(department)}完成进度 {_percent(completion)}")
    height = top + max(len(departments), 1) * row_height
    if not departments:
        body.append(_text(0, top + 20, "本方案还没有任务。", fill=MUTED))
    desc = "；".join(described) or "本方案还没有任务。"
    return _svg(
        chart_id=chart_id,
        height=height,
        title="各部门任务完成进度（按权重）",
        desc=desc + "。红灯斜线、黄灯圆点、绿灯实心，无灯横线；数字见下方各部门情况表。",
        defs=defs,
        body=body,
    )


def status_chart(report: PlanReport, *, chart_id: str = "status-chart") -> SafeString:
    """The leaf tasks by status in one stacked bar, each status a pattern, and a legend
    line per status with its number and share, so the bar needs no colour to be read."""
    counts = [(status, label, count) for status, label, count in report.status_counts]
    total = sum(count for _, _, count in counts)
    bar_y, bar_height, legend_top, line = 4, 28, 48, 26
    defs = [
        _pattern(f"{chart_id}-{status}", colour, shape)
        for status, (colour, shape) in STATUS_STYLES.items()
    ]
    body = [f'<rect x="0" y="{bar_y}" width="{WIDTH}" height="{bar_height}" fill="{TRACK}"/>']
    x = 0.0
    for status, _label, count in counts:
        if not count:
            continue
        width = WIDTH * count / total
        body.append(
            f'<rect x="{x:.1f}" y="{bar_y}" width="{width:.1f}" height="{bar_height}" '
            f'fill="url(#{chart_id}-{status})" stroke="#fff" stroke-width="1"/>'
        )
        x += width
    described = []
    for index, (status, label, count) in enumerate(counts):
        y = legend_top + index * line
        share = f"{count / total * 100:.0f}%" if total else "0%"
        pattern = PATTERN_NAMES[STATUS_STYLES[status][1]]
        body.append(
            f'<rect x="0" y="{y}" width="18" height="18" fill="url(#{chart_id}-{status})" '
            f'stroke="{INK}" stroke-width="0.5"/>'
        )
        body.append(_text(26, y + 14, f"{label}（{pattern}）  {count} 项，占 {share}"))
        described.append(f"{label} {count} 项（{share}）")
    return _svg(
        chart_id=chart_id,
        height=legend_top + len(counts) * line,
        title=f"任务状态分布（共 {total} 项末级任务）",
        desc="；".join(described) + "。",
        defs=defs,
        body=body,
    )
