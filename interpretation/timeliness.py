"""Was an interpretation published in time? At the latest
``INTERPRETATION_LATE_WORKING_DAYS`` working days after the first public document it
interprets (local practice, 3 by default; statutory.md §6), counted on the portal's
working-day calendar (holidays and 调休 working weekends)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from interpretation.models import Interpretation
from portal import workdays
from portal.models import CalendarDay


@dataclass(frozen=True)
class Timeliness:
    document_published_on: date
    due_on: date
    published_on: date

    @property
    def is_late(self) -> bool:
        return self.published_on > self.due_on

    @property
    def days_late(self) -> int:
        return max(0, (self.published_on - self.due_on).days)


def timeliness(interpretations) -> dict[int, Timeliness]:
    """For each published interpretation that interprets a published document: its due
    date and whether it was late. Two queries for any number of interpretations."""
    published = {i.pk: i for i in interpretations if i.published_at}
    if not published:
        return {}
    links = Interpretation.documents.through.objects.filter(
        interpretation_id__in=list(published), document__published_at__isnull=False
    ).values_list("interpretation_id", "document__published_at")
    first_document: dict[int, date] = {}
    for interpretation_id, document_published_at in links:
        day = timezone.localdate(document_published_at)
        first_document[interpretation_id] = min(first_document.get(interpretation_id, day), day)
    if not first_document:
        return {}
    days = settings.INTERPRETATION_LATE_WORKING_DAYS
    start = min(first_document.values())
    holidays, extra_workdays = CalendarDay.objects.exceptions(
        start, max(first_document.values()) + timedelta(days=days * 2 + 30)
    )
    result = {}
    for pk, document_day in first_document.items():
        due = workdays.add_working_days(
            document_day, days, holidays=holidays, workdays=extra_workdays
        )
        result[pk] = Timeliness(document_day, due, timezone.localdate(published[pk].published_at))
    return result
