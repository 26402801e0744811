"""The 解读比例 supervisors watch (statutory.md §6): of the public policy documents that
need interpretation, how many have a public one; which still lack one; which
interpretations came late."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from disclosure.models import Document
from interpretation.models import Interpretation
from interpretation.timeliness import Timeliness, timeliness


@dataclass
class RatioReport:
    year: int
    needing: int
    interpreted: int
    missing: list[Document] = field(default_factory=list)
    late: list[tuple[Interpretation, Timeliness]] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        return self.interpreted / self.needing if self.needing else None


def year_bounds(year: int) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def ratio_report(*, year: int, organization_ids=None, now=None) -> RatioReport:
    """Documents published in ``year`` (issued by one of ``organization_ids`` when given)
    and the interpretations of such documents published in it."""
    now = now or timezone.now()
    start, end = year_bounds(year)
    documents = Document.objects.published(now).filter(
        needs_interpretation=True, published_at__gte=start, published_at__lt=end
    )
    interpretations = Interpretation.objects.published(now)
    if organization_ids is not None:
        # By the documents' issuing organization: whoever signed the interpretation.
        documents = documents.filter(organization_id__in=organization_ids)
        interpretations = interpretations.filter(
            documents__organization_id__in=organization_ids
        ).distinct()
    interpreted = documents.filter(interpretations__in=interpretations).values("pk").distinct()
    missing = list(
        documents.exclude(pk__in=interpreted)
        .select_related("organization")
        .order_by("-published_at", "-pk")
    )
    published_in_year = list(
        interpretations.filter(published_at__gte=start, published_at__lt=end)
        .select_related("organization")
        .order_by("-published_at", "-pk")
    )
    timing = timeliness(published_in_year)
    late = [(i, timing[i.pk]) for i in published_in_year if i.pk in timing and timing[i.pk].is_late]
    return RatioReport(
        year=year,
        needing=documents.count(),
        interpreted=interpreted.count(),
        missing=missing,
        late=late,
    )
