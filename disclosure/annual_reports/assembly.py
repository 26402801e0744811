"""Assembling a report's figures from the portal's own records (条例 Art 50 lists what a
report contains): section 二 第（一）项 from the catalogue, section 三 from the
applications, section 六's starting text from the year's work plan.

The reads are few and named; the arithmetic (``three_matrix``, ``layout_matrix``) is pure.
What is assembled is frozen into the report when it is submitted for review
(``services.report_submit``), so a published report never changes when records do.

规章 and 行政规范性文件 in the catalogue:
- 行政规范性文件 are the documents marked ``is_normative`` (统一登记、统一编号).
- 规章 are promulgated by an order (令) signed by the head of the government or department
  (立法法; 规章制定程序条例): the catalogue files them under the genre 命令（令）, or under
  a local genre named 规章; ``ANNUAL_REPORT_RULE_GENRES`` may name
  others. A normative document is never counted as a 规章.
- Dates follow ``disclosure.normative.yearly_counts``: issued = published in the year
  (and by the day counted), repealed = the repealing document (替代文件) took effect in the
  year, currently valid = in force at 31 December (or today during the year). Documents
  withdrawn from the site are not counted.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce, ExtractYear, TruncDate
from django.utils import timezone

from disclosure.annual_reports import layouts
from disclosure.annual_reports.layouts import ALL_COLUMNS, COLUMN_KEYS, TOTAL
from disclosure.applications.reporting import fees_charged
from disclosure.models import Document
from disclosure.normative_rules import EXPIRED, REPEALED
from portal.models import Organization

DEFAULT_RULE_GENRES = ("命令（令）", "规章")


def rule_genres() -> tuple[str, ...]:
    return tuple(getattr(settings, "ANNUAL_REPORT_RULE_GENRES", DEFAULT_RULE_GENRES))


def organization_ids(organization: Organization, *, include_sub_organizations: bool) -> list[int]:
    """The organizations a report counts: the organization, with its subtree if asked."""
    if not include_sub_organizations:
        return [organization.pk]
    return list(
        organization.get_descendants(include_self=True)
        .order_by("tree_id", "lft")
        .values_list("pk", flat=True)
    )


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def as_of_day(year: int, today: date) -> date:
    """The day the report's stocks are counted on: 31 December, or today during the year."""
    return min(date(year, 12, 31), today)


def catalogue_figures(year: int, ids: list[int], *, today: date) -> dict:
    """Table 二 第（一）项 for both formats, per row (``rules``, ``normative``): issued,
    repealed, valid (2021) and made, published, total (2019: 本年新制作数量 by 成文日期,
    else the publication day; 本年新公开数量; 对外公开总数量 by the day counted). Also
    ``undated_repeals``: repealed 规章 without a 替代文件, whose repeal date is unknown
    and which are therefore not counted as repealed in any year. One query."""
    as_of = as_of_day(year, today)
    until = _start_of(as_of + timedelta(days=1))
    in_year = Q(published_at__gte=_start_of(date(year, 1, 1))) & Q(published_at__lt=until)
    made_year = Coalesce(F("written_on"), TruncDate("published_at"))
    repealed_on = Coalesce(
        F("superseded_by__effective_on"), TruncDate("superseded_by__published_at")
    )
    valid = (
        Q(published_at__lt=until)
        & ~Q(validity=EXPIRED)
        & (Q(expires_on__isnull=True) | Q(expires_on__gte=as_of))
        & (~Q(validity=REPEALED) | Q(repealed_on__gt=as_of))
    )
    conditions = {
        "issued": in_year,
        "repealed": Q(validity=REPEALED, repealed_on__year=year),
        "valid": valid,
        "made": Q(made_year=year, published_at__lt=until),
        "published": in_year,
        "total": Q(published_at__lt=until),
    }
    kinds = {
        "normative": Q(is_normative=True),
        "rules": Q(is_normative=False, genre__name__in=rule_genres()),
    }
    documents = (
        Document.objects.filter(is_live=True, organization_id__in=ids)
        .filter(kinds["normative"] | kinds["rules"])
        .annotate(repealed_on=repealed_on, made_year=ExtractYear(made_year))
    )
    aggregates = {
        f"{kind}__{name}": Count("pk", filter=kind_q & condition)
        for kind, kind_q in kinds.items()
        for name, condition in conditions.items()
    }
    aggregates["undated_repeals"] = Count(
        "pk", filter=kinds["rules"] & Q(validity=REPEALED, superseded_by__isnull=True)
    )
    found = documents.aggregate(**aggregates)
    figures = {kind: {name: found[f"{kind}__{name}"] for name in conditions} for kind in kinds}
    figures["undated_repeals"] = found["undated_repeals"]
    return figures


def empty_applications() -> dict:
    zeros = dict.fromkeys(COLUMN_KEYS, 0)
    return {
        "new": dict(zeros),
        "carried_in": dict(zeros),
        "outcomes": {leaf: dict(zeros) for leaf in layouts.LEAVES},
        "carried_out": dict(zeros),
    }


def applications_figures(year: int, ids: list[int]) -> tuple[dict, list[str]]:
    """Section 三's counts from ``disclosure.applications.reporting.table_three``; zeros
    and a warning while that module is not installed."""
    try:
        from disclosure.applications.reporting import table_three
    except ImportError:
        return empty_applications(), ["依申请公开统计尚不可用，表三暂按0汇总。"]
    return table_three(year=year, organization_ids=ids), []


def three_matrix(data: dict) -> dict:
    """Table 三 as {row: {column: n}} with every total, from ``table_three``'s dict
    (rows ``new``, ``carried_in``, each leaf, ``total``, ``carried_out``). Pure."""
    matrix = {}

    def put(row, numbers):
        counted = {column: int(numbers.get(column, 0)) for column in COLUMN_KEYS}
        counted[TOTAL] = sum(counted.values())
        matrix[row] = counted

    put("new", data.get("new", {}))
    put("carried_in", data.get("carried_in", {}))
    outcomes = data.get("outcomes", {})
    for leaf in layouts.LEAVES:
        put(leaf, outcomes.get(leaf, {}))
    matrix["total"] = {
        column: sum(matrix[leaf][column] for leaf in layouts.LEAVES) for column in ALL_COLUMNS
    }
    put("carried_out", data.get("carried_out", {}))
    return matrix


def layout_matrix(matrix: dict, layout: str) -> dict:
    """The matrix as ``layout`` shows it: the 2019 format's （六）其他处理 is the sum of
    the three 2021 sub-rows. Pure."""
    if layout == layouts.LAYOUT_2021:
        return matrix
    shown = dict(matrix)
    shown["6"] = {
        column: sum(int(matrix.get(leaf, {}).get(column, 0)) for leaf in ("6.1", "6.2", "6.3"))
        for column in ALL_COLUMNS
    }
    return shown


def plan_summary(year: int, organization: Organization) -> str:
    """The year-end summary of the organization's work plan for ``year`` (plans app), or
    "" when there is none or the plans app is not installed."""
    try:
        from plans.models import Plan
    except ImportError:
        return ""
    summaries = (
        Plan.objects.filter(year=year, organization=organization)
        .exclude(summary="")
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    return summaries.first() or ""


def fees_sentence(year: int, ids: list[int]) -> str:
    """Section 六's sentence on the processing fees charged that year (statutory.md §3)."""
    paid, total = fees_charged(year=year, organization_ids=ids)
    if not paid:
        return f"{year}年度未收取政府信息公开信息处理费。"
    return f"{year}年度依据国办函〔2020〕109号收取信息处理费 {paid} 件，共 {total:,.2f} 元。"


def other_matters(year: int, organization: Organization, ids: list[int]) -> str:
    """Section 六 pre-filled: the fees charged, then the work plan's year-end summary."""
    return "\n\n".join(
        text for text in (fees_sentence(year, ids), plan_summary(year, organization)) if text
    )


def assemble(
    *, year: int, organization: Organization, include_sub_organizations: bool, today: date
) -> dict:
    """The frozen part of a report: what the records say, with when and for whom."""
    ids = organization_ids(organization, include_sub_organizations=include_sub_organizations)
    catalogue = catalogue_figures(year, ids, today=today)
    applications, warnings = applications_figures(year, ids)
    undated = catalogue.pop("undated_repeals")
    if undated:
        warnings.append(
            f"有{undated}件已废止的规章未选择“替代文件”，废止日期不明，未计入本年废止件数。"
        )
    return {
        "assembled_on": today.isoformat(),
        "as_of": as_of_day(year, today).isoformat(),
        "organization_ids": ids,
        "catalogue": catalogue,
        "applications": three_matrix(applications),
        "warnings": warnings,
    }
