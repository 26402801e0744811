"""Was an interpretation published in time? At the latest
``INTERPRETATION_LATE_WORKING_DAYS`` working days after the public document it came out
for (local practice, 3 by default; statutory.md §6), counted on the portal's
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
    """For each published interpretation of a public document: its due date and whether
    it was late. It is measured from the document it came out for: the newest public one
    it interprets published by its own publication (an interpretation of a 2019 document
    and of the 2024 one amending it, published with the latter, is in time), else the
    first. Two queries for any number of interpretations."""
    published = {i.pk: i for i in interpretations if i.published_at}
    if not published:
        return {}
    now = timezone.now()
    links = Interpretation.documents.through.objects.filter(
        interpretation_id__in=list(published),
        document__is_live=True,
        document__published_at__lte=now,
    ).values_list("interpretation_id", "document__published_at")
    dates: dict[int, list[date]] = {}
    for interpretation_id, document_published_at in links:
        dates.setdefault(interpretation_id, []).append(timezone.localdate(document_published_at))
    if not dates:
        return {}
    reference = {}
    for pk, days in dates.items():
        own = timezone.localdate(published[pk].published_at)
        reference[pk] = max((d for d in days if d <= own), default=min(days))
    days_allowed = settings.INTERPRETATION_LATE_WORKING_DAYS
    holidays, extra_workdays = CalendarDay.objects.exceptions(
        min(reference.values()), max(reference.values()) + timedelta(days=days_allowed * 2 + 30)
    )
    result = {}
    for pk, document_day in reference.items():
        due = workdays.add_working_days(
            document_day, days_allowed, holidays=holidays, workdays=extra_workdays
        )
        result[pk] = Timeliness(document_day, due, timezone.localdate(published[pk].published_at))
    return result
