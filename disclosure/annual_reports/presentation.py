"""A report as its readers see it, one structure for the page, the DOCX and the XLSX:
the six sections in order, each with its text or its tables (``layouts.Grid``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from disclosure.annual_reports import layouts
from disclosure.annual_reports.models import AnnualReport


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    text: str = ""
    grids: list[layouts.Grid] = field(default_factory=list)


def report_grids(report: AnnualReport) -> dict[str, list[layouts.Grid]]:
    layout = report.layout or layouts.default_layout(report.year)
    return {
        "two": layouts.two_grids(
            layout, catalogue=report.tables.get("catalogue", {}), figures=report.figures
        ),
        "three": [layouts.three_grid(layout, report.table_three())],
        "four": [layouts.four_grid(report.figures)],
    }


def report_sections(report: AnnualReport) -> list[Section]:
    grids = report_grids(report)
    texts = {"one": report.overview, "five": report.problems, "six": report.other_matters}
    return [
        Section(key, title, text=texts.get(key, ""), grids=grids.get(key, []))
        for key, title in layouts.SECTIONS.items()
    ]


def all_grids(report: AnnualReport) -> list[layouts.Grid]:
    return [grid for section in report_sections(report) for grid in section.grids]


def introduction(report: AnnualReport) -> str:
    """The customary opening paragraph: what the report is based on and its period."""
    return (
        f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制，"
        f"全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
        f"政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。"
        f"本报告中所列数据的统计期限自{report.year}年1月1日起至{report.year}年12月31日止。"
    )
