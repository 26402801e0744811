"""Public handling statistics (statutory.md §5): per mailbox and month, by type and by
department. Letters are counted in the month they were received; the figures are
defined in ``DEFINITIONS``, which the page shows beside them.

Three GROUP BY queries whatever the number of letters (the reply time and the on-time
flag are stored on each letter when it is closed), kept in the cache for a few minutes.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache
from django.db.models import Avg, Count, Q
from django.db.models.functions import ExtractMonth

from mailbox.models import Kind, Letter, Mailbox

CACHE_SECONDS = 300
S = Letter.Status
SATISFIED = [Letter.Satisfaction.SATISFIED, Letter.Satisfaction.BASICALLY]

DEFINITIONS = [
    ("收信数", "当月收到的来信件数（按收信日期统计，含不予受理的来信）。"),
    ("受理数", "当月收到的来信中已受理的件数（不含待受理和不予受理）。"),
    ("办结数", "当月收到并已受理的来信中，答复经审核后已送达来信人的件数（重办中的不计）。"),
    ("答复率", "办结数 ÷ 受理数。"),
    ("按期办结率", "办结数中在办理期限（含经批准的延期）内办结的件数 ÷ 办结数。"),
    ("平均答复用时", "已办结来信从受理日到办结日的工作日数的平均值（按工作日历，扣除节假日）。"),
    ("满意率", "来信人评价为“满意”或“基本满意”的件数 ÷ 已评价件数。"),
]


@dataclass
class Figures:
    received: int = 0
    accepted: int = 0
    closed: int = 0
    on_time: int = 0
    days_total: float = 0.0
    rated: int = 0
    satisfied: int = 0

    @property
    def reply_rate(self) -> float | None:
        return self.closed / self.accepted if self.accepted else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.closed if self.closed else None

    @property
    def average_days(self) -> float | None:
        return self.days_total / self.closed if self.closed else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None

    def add(self, other: Figures) -> None:
        for name in (
            "received",
            "accepted",
            "closed",
            "on_time",
            "days_total",
            "rated",
            "satisfied",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Report:
    year: int
    mailbox: Mailbox | None
    months: list[tuple[Mailbox, int, Figures]]  # (mailbox, month, figures)
    totals: dict[int, Figures]  # mailbox pk → the year's figures
    overall: Figures
    by_kind: list[tuple[str, Figures]]
    by_department: list[tuple[str, Figures]]
    chart: list[tuple[int, int, int]] = field(default_factory=list)  # month, received, closed


AGGREGATES = {
    "received": Count("pk"),
    "accepted": Count("pk", filter=Q(accepted_on__isnull=False) & ~Q(status=S.REJECTED)),
    "closed": Count("pk", filter=Q(status=S.CLOSED)),
    "on_time": Count("pk", filter=Q(status=S.CLOSED, closed_on_time=True)),
    "avg_days": Avg("reply_working_days", filter=Q(status=S.CLOSED)),
    "rated": Count("pk", filter=~Q(satisfaction="")),
    "satisfied": Count("pk", filter=Q(satisfaction__in=SATISFIED)),
}


def _figures(row: dict) -> Figures:
    return Figures(
        received=row["received"], accepted=row["accepted"], closed=row["closed"],
        on_time=row["on_time"], days_total=float(row["avg_days"] or 0) * row["closed"],
        rated=row["rated"], satisfied=row["satisfied"],
    )  # fmt: skip


def report(*, year: int, mailbox: Mailbox | None = None) -> Report:
    key = f"mailbox-stats:{year}:{mailbox.pk if mailbox else 'all'}"
    found = cache.get(key)
    if found is None:
        found = _compute(year=year, mailbox=mailbox)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _compute(*, year: int, mailbox: Mailbox | None) -> Report:
    mailboxes = {m.pk: m for m in Mailbox.objects.all()}
    letters = Letter.objects.filter(received_at__year=year)
    if mailbox is not None:
        letters = letters.filter(mailbox=mailbox)
    rows = (
        letters.annotate(month=ExtractMonth("received_at"))
        .values("mailbox_id", "month")
        .annotate(**AGGREGATES)
        .order_by("mailbox_id", "month")
    )
    months, totals, overall = [], {}, Figures()
    chart = {m: [0, 0] for m in range(1, 13)}
    for row in rows:
        figures = _figures(row)
        months.append((mailboxes[row["mailbox_id"]], row["month"], figures))
        totals.setdefault(row["mailbox_id"], Figures()).add(figures)
        overall.add(figures)
        chart[row["month"]][0] += figures.received
        chart[row["month"]][1] += figures.closed
    months.sort(key=lambda item: (item[0].sort_order, item[0].pk, item[1]))
    labels = dict(Kind.choices)
    by_kind = [
        (labels.get(row["kind"], row["kind"]), _figures(row))
        for row in letters.values("kind").annotate(**AGGREGATES).order_by("kind")
    ]
    departments = (
        letters.filter(department__isnull=False)
        .values("department__name", "department__short_name")
        .annotate(**AGGREGATES)
        .order_by("-received", "department__name")
    )
    by_department = [
        (row["department__short_name"] or row["department__name"], _figures(row))
        for row in departments
    ]
    return Report(
        year=year, mailbox=mailbox, months=months, totals=totals, overall=overall,
        by_kind=by_kind, by_department=by_department,
        chart=[(month, *chart[month]) for month in range(1, 13)],
    )  # fmt: skip


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


CSV_HEADER = ["信箱", "月份", "收信数", "受理数", "办结数", "答复率", "按期办结率",
              "平均答复用时（工作日）", "已评价数", "满意率"]  # fmt: skip


def as_csv(data: Report) -> str:
    """One row per mailbox and month, then the year by type and by department (same
    columns, the group in the first), then the definitions; with a BOM so that Excel
    reads it as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for mailbox, month, f in data.months:
        writer.writerow([mailbox.name, f"{data.year}-{month:02d}", *_csv_figures(f)])
    scope = data.mailbox.name if data.mailbox else "全部信箱"
    for group, rows in (("类型", data.by_kind), ("承办部门", data.by_department)):
        for name, f in rows:
            writer.writerow([f"{scope}·{group}：{name}", f"{data.year}全年", *_csv_figures(f)])
    writer.writerow([])
    writer.writerow(["指标说明"])
    for term, meaning in DEFINITIONS:
        writer.writerow([term, meaning])
    return out.getvalue()


def _csv_figures(f: Figures) -> list:
    return [f.received, f.accepted, f.closed, percent(f.reply_rate), percent(f.on_time_rate),
            days(f.average_days), f.rated, percent(f.satisfaction_rate)]  # fmt: skip


def chart_bars(data: Report, *, width: int = 720, height: int = 220) -> dict:
    """Coordinates of a grouped bar chart (收信数 and 办结数 per month) drawn as inline
    SVG by the template: no script, no library, nothing from elsewhere."""
    top = max([r for _, r, _ in data.chart] + [1])
    left, bottom, band = 36, 24, (width - 36) / 12
    usable = height - bottom - 10
    bars = []
    for index, (month, received, closed) in enumerate(data.chart):
        x = left + index * band
        for offset, value, name in ((0.15, received, "received"), (0.5, closed, "closed")):
            h = round(usable * value / top, 1)
            bars.append({"x": round(x + band * offset, 1), "y": round(height - bottom - h, 1),
                         "w": round(band * 0.33, 1), "h": h, "kind": name, "value": value,
                         "month": month})  # fmt: skip
    labels = [
        {"x": round(left + i * band + band / 2, 1), "month": m}
        for i, (m, _, _) in enumerate(data.chart)
    ]
    ticks = sorted({0, top // 2, top})
    return {
        "width": width, "height": height, "bars": bars, "labels": labels,
        "axis_y": height - bottom, "label_y": height - 6, "left": left,
        "ticks": [{"value": t, "y": round(height - bottom - usable * t / top, 1)} for t in ticks],
    }  # fmt: skip


def available_years(today: date) -> list[int]:
    first = Letter.objects.order_by("received_at").values_list("received_at", flat=True).first()
    start = first.year if first else today.year
    return list(range(today.year, start - 1, -1))
