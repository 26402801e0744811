"""The normative-document library (规范性文件库) over the database: the lifecycle a page
shows, gazette submission deadlines, the yearly figures of the annual report and the
public library's filters. The rules themselves (numbers, default dates, validity on a
date) are ``disclosure.normative_rules``'s, re-exported here for other apps.

Other apps read:

- ``Document.validity_on(today)`` / ``Document.current_validity``: the 有效性 on a date;
- ``Document.objects.with_validity(validity, today)``, ``.lapsed(today)``,
  ``.expiring(today, until)``, ``.normative()``: the same as date conditions in SQL;
- ``yearly_counts(year, organization=None)``: 本年制发件数, 本年废止件数, 现行有效件数
  (annual report table 二, 第二十条第（一）项, row 行政规范性文件);
- ``gazette_due_on(document)``: the last day to send it to the government gazette.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone

from disclosure.catalogue import organization_facet, year_facet
from disclosure.models import Document
from disclosure.normative_rules import (  # noqa: F401 - the rules, for other apps
    AMENDED,
    EXPIRED,
    REPEALED,
    VALID,
    VALIDITIES,
    alert_until,
    needs_interpretation_default,
    registration_number_error,
    validity_on,
)
from portal import workdays
from portal.models import CalendarDay, Organization
from portal.search.facets import ChoiceFacet, FacetedSearch

# --- the public library -------------------------------------------------------------------


class LibraryValidityFacet(ChoiceFacet):
    """有效性 of documents on a date (``DocumentQuerySet.with_validity``), counted from
    the same date condition."""

    def __init__(self, today: date):
        super().__init__("validity", "有效性", "validity", Document.Validity.choices)
        self.column = "current_validity"
        self.today = today

    def prepare(self, queryset):
        return queryset.annotate_validity(self.today, name=self.column)

    def apply(self, queryset, selected):
        return queryset.with_validity(selected, self.today)


def library_facets(params, *, today: date) -> FacetedSearch:
    """The library's filters: 有效性, 发布机构 (with its departments), 发布年份. Values that
    mean nothing (``?year=abc``, an unknown organization) are ignored."""
    return FacetedSearch(
        [LibraryValidityFacet(today), organization_facet(), year_facet()],
        params,
        base_url=reverse("disclosure:normative-list"),
    )


# --- gazette submission (报送公报) ----------------------------------------------------------


def issued_on(document: Document) -> date | None:
    """The day a document was issued (印发): its 成文日期, else its publication day."""
    if document.written_on:
        return document.written_on
    return timezone.localdate(document.published_at) if document.published_at else None


def gazette_due_on(document: Document) -> date | None:
    """The last day to send a normative document to the government gazette:
    ``NORMATIVE_GAZETTE_WORKING_DAYS`` (5) working days after it was issued, the day of
    issue not counted, by the working-day calendar (holidays and 调休 are data)."""
    start = issued_on(document)
    if not document.is_normative or start is None:
        return None
    return CalendarDay.objects.add_working_days(start, settings.NORMATIVE_GAZETTE_WORKING_DAYS)


@dataclass(frozen=True)
class GazetteStatus:
    due_on: date | None
    submitted_on: date | None
    overdue: bool  # not sent by the due day, or sent late

    @property
    def label(self) -> str:
        if self.due_on is None:
            return ""
        if self.submitted_on:
            late = "（逾期）" if self.overdue else ""
            return f"已报送 {self.submitted_on:%Y-%m-%d}{late}"
        if self.overdue:
            return f"逾期未报送（应于 {self.due_on:%Y-%m-%d} 前）"
        return f"待报送（{self.due_on:%Y-%m-%d} 前）"


def gazette_statuses(documents, *, today: date) -> dict[int, GazetteStatus]:
    """``GazetteStatus`` of many documents with one read of the calendar (the same
    arithmetic as ``CalendarDay.objects.add_working_days``)."""
    starts = {d.pk: issued_on(d) for d in documents if d.is_normative}
    known = [day for day in starts.values() if day]
    if not known:
        return {}
    days = settings.NORMATIVE_GAZETTE_WORKING_DAYS
    holidays, workdays_ = CalendarDay.objects.exceptions(
        min(known), max(known) + timedelta(days=days * 2 + 30)
    )
    statuses = {}
    for document in documents:
        start = starts.get(document.pk)
        if start is None:
            continue
        due = workdays.add_working_days(start, days, holidays=holidays, workdays=workdays_)
        sent = document.gazette_submitted_on
        statuses[document.pk] = GazetteStatus(due, sent, (sent > due) if sent else today > due)
    return statuses


def gazette_overdue(queryset, *, today: date):
    """The normative documents of ``queryset`` not sent to the gazette by their due day.
    Five working days are at least five calendar days, so the database narrows the
    candidates and the calendar decides."""
    candidates = list(
        queryset.normative()
        .filter(gazette_submitted_on__isnull=True)
        .filter(
            Q(written_on__lt=today - timedelta(days=settings.NORMATIVE_GAZETTE_WORKING_DAYS))
            | Q(written_on__isnull=True, published_at__isnull=False)
        )
        .only("pk", "is_normative", "written_on", "published_at", "gazette_submitted_on")
    )
    statuses = gazette_statuses(candidates, today=today)
    return queryset.filter(pk__in=[pk for pk, status in statuses.items() if status.overdue])


# --- the annual report's figures ----------------------------------------------------------


@dataclass(frozen=True)
class YearlyCounts:
    year: int
    issued: int  # 本年制发件数: published in the year
    repealed: int  # 本年废止件数: repealed by a document that took effect in the year
    valid: int  # 现行有效件数: in force at the end of the year (today for this year)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def yearly_counts(
    year: int, organization: Organization | None = None, *, today: date | None = None
) -> YearlyCounts:
    """Normative documents of ``organization`` (with its departments and units; all when
    None) for the annual report (国办公开办函〔2021〕30号, table 二): issued (published) in
    ``year``, repealed in ``year`` (on the repealing document's 生效日期, else its
    publication day) and valid at the end of ``year`` — or on ``today`` for the current
    year. Valid means published by then, not expired by date, not repealed by then and
    not declared 失效; an amended (已修改) document stays in force as amended. Documents
    withdrawn from the site are not counted. One query."""
    today = today or timezone.localdate()
    as_of = min(date(year, 12, 31), today)
    documents = Document.objects.normative().filter(is_live=True)
    if organization is not None:
        documents = documents.filter(
            organization__in=organization.get_descendants(include_self=True)
        )
    repealed_on = Coalesce(
        F("superseded_by__effective_on"), TruncDate("superseded_by__published_at")
    )
    # Issued in the year and by ``as_of``: a document scheduled for later is not yet issued.
    in_year = Q(published_at__gte=_start_of(date(year, 1, 1))) & Q(
        published_at__lt=_start_of(min(date(year + 1, 1, 1), as_of + timedelta(days=1)))
    )
    repealed = Q(validity=REPEALED, repealed_on__year=year)
    valid = (
        Q(published_at__lt=_start_of(as_of + timedelta(days=1)))
        & ~Q(validity=EXPIRED)
        & (Q(expires_on__isnull=True) | Q(expires_on__gte=as_of))
        & (~Q(validity=REPEALED) | Q(repealed_on__gt=as_of))
    )
    figures = documents.annotate(repealed_on=repealed_on).aggregate(
        issued=Count("pk", filter=in_year),
        repealed=Count("pk", filter=repealed),
        valid=Count("pk", filter=valid),
    )
    return YearlyCounts(year=year, **figures)


def counted_years(*, today: date | None = None) -> list[int]:
    """The years the statistics page lists: from the first normative document's, newest
    first."""
    today = today or timezone.localdate()
    first = Document.objects.normative().filter(is_live=True).order_by("published_at")
    first_at = first.values_list("published_at", flat=True).first()
    start = timezone.localdate(first_at).year if first_at else today.year
    return list(range(today.year, start - 1, -1))
