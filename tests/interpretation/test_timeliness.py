"""An interpretation published more than 3 working days after its document is late,
counted on the working-day calendar (holidays, 调休 working weekends)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from interpretation.timeliness import timeliness
from portal.models import CalendarDay
from tests.disclosure.factories import DocumentFactory
from tests.interpretation.factories import InterpretationFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def national_day_2024(db):
    """2024: 10-01 to 10-07 off; Sunday 09-29 and Saturday 10-12 are working days."""
    CalendarDay.objects.filter(day__range=(date(2024, 9, 1), date(2024, 10, 31))).delete()
    for n in range(1, 8):
        CalendarDay.objects.create(day=date(2024, 10, n), kind=CalendarDay.Kind.HOLIDAY)
    for day in (date(2024, 9, 29), date(2024, 10, 12)):
        CalendarDay.objects.create(day=day, kind=CalendarDay.Kind.WORKDAY)


def published_pair(agency, document_day: date, interpretation_day: date):
    document = DocumentFactory(organization=agency.office, written_on=document_day, published=True)
    return InterpretationFactory(
        organization=agency.office,
        documents=[document],
        published=True,
        published_at=at(interpretation_day),
    )


@pytest.mark.parametrize(
    ("document_day", "interpretation_day", "due", "late"),
    [
        # Friday 09-27 + 3 working days: Sun 09-29 (调休), Mon 09-30, then the holiday
        # week, Tue 10-08.
        (date(2024, 9, 27), date(2024, 10, 8), date(2024, 10, 8), False),
        (date(2024, 9, 27), date(2024, 10, 9), date(2024, 10, 8), True),
        # Same day and the third working day are in time; the fourth is late.
        (date(2024, 11, 4), date(2024, 11, 4), date(2024, 11, 7), False),
        (date(2024, 11, 4), date(2024, 11, 8), date(2024, 11, 7), True),
    ],
)
def test_due_date_and_late_flag(
    agency, national_day_2024, document_day, interpretation_day, due, late
):
    interpretation = published_pair(agency, document_day, interpretation_day)
    found = timeliness([interpretation])[interpretation.pk]
    assert found.due_on == due
    assert found.is_late is late


def test_the_number_of_days_is_a_setting(agency, settings, national_day_2024):
    settings.INTERPRETATION_LATE_WORKING_DAYS = 5
    interpretation = published_pair(agency, date(2024, 11, 4), date(2024, 11, 8))
    assert timeliness([interpretation])[interpretation.pk].is_late is False


def test_the_document_it_came_out_for_counts(agency, national_day_2024):
    """A 2019 document and the 2024 one amending it: the interpretation published with
    the latter is in time."""
    old = DocumentFactory(organization=agency.office, written_on=date(2019, 3, 4), published=True)
    amending = DocumentFactory(
        organization=agency.office, written_on=date(2024, 11, 20), published=True
    )
    interpretation = InterpretationFactory(
        organization=agency.office, documents=[old, amending], published=True,
        published_at=at(date(2024, 11, 21)),
    )  # fmt: skip
    found = timeliness([interpretation])[interpretation.pk]
    assert found.document_published_on == date(2024, 11, 20) and not found.is_late


def test_a_withdrawn_document_does_not_count(agency, national_day_2024):
    from portal import workflow

    early = DocumentFactory(
        organization=agency.office, written_on=date(2024, 11, 4), published=True
    )
    interpretation = published_pair(agency, date(2024, 11, 11), date(2024, 11, 20))
    interpretation.documents.add(early)
    assert timeliness([interpretation])[interpretation.pk].document_published_on == date(
        2024, 11, 11
    )
    workflow.perform(interpretation.documents.get(written_on=date(2024, 11, 11)),
                     step="withdraw", by=agency.publisher, note="撤回")  # fmt: skip
    assert timeliness([interpretation])[interpretation.pk].document_published_on == date(
        2024, 11, 4
    )


def test_two_queries_for_many(agency, national_day_2024, django_assert_num_queries):
    interpretations = [
        published_pair(agency, date(2024, 11, 4), date(2024, 11, d)) for d in (5, 6, 8, 12)
    ]
    with django_assert_num_queries(2):
        found = timeliness(interpretations)
    assert [found[i.pk].is_late for i in interpretations] == [False, False, True, True]
