from datetime import date, timedelta

import pytest

from portal.models import CalendarDay
from portal.workdays import Calendar, add_working_days, is_working_day

# National Day 2026: 10-01 to 10-07 off; Sunday 09-20 and Saturday 10-10 are working days.
HOLIDAYS = {date(2026, 10, d) for d in range(1, 8)}
SWAPPED = {date(2026, 9, 20), date(2026, 10, 10)}


def test_weekdays_work_and_weekends_rest_without_exceptions():
    assert is_working_day(date(2026, 11, 27), holidays=set(), workdays=set())  # Friday
    assert not is_working_day(date(2026, 11, 28), holidays=set(), workdays=set())  # Saturday


def test_holidays_rest_and_swapped_weekend_days_work():
    assert not is_working_day(date(2026, 10, 1), holidays=HOLIDAYS, workdays=SWAPPED)
    assert is_working_day(date(2026, 10, 10), holidays=HOLIDAYS, workdays=SWAPPED)


def test_the_start_day_is_not_counted():
    assert add_working_days(date(2026, 11, 23), 1, holidays=set(), workdays=set()) == date(
        2026, 11, 24
    )
    assert add_working_days(date(2026, 11, 23), 0, holidays=set(), workdays=set()) == date(
        2026, 11, 23
    )


def test_twenty_working_days_across_national_day_traced_day_by_day():
    start = date(2026, 9, 18)  # Friday
    expected_working = []
    day = start
    while len(expected_working) < 20:
        day += timedelta(days=1)
        weekend = day.weekday() >= 5
        if day in SWAPPED or (not weekend and day not in HOLIDAYS):
            expected_working.append(day)
    assert date(2026, 9, 20) in expected_working and date(2026, 10, 10) in expected_working
    assert not any(d in HOLIDAYS for d in expected_working)
    for n, due in enumerate(expected_working, start=1):
        assert add_working_days(start, n, holidays=HOLIDAYS, workdays=SWAPPED) == due
    # By hand: 9-20 (1), 9-21…25 (2–6), 9-28…30 (7–9), 10-08, 10-09, 10-10 (10–12),
    # 10-12…16 (13–17), 10-19, 10-20, 10-21 (18–20).
    assert expected_working[-1] == date(2026, 10, 21)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), -1, holidays=set(), workdays=set())


@pytest.mark.django_db
def test_the_calendar_table_is_seeded_from_the_package():
    assert CalendarDay.objects.get(day=date(2026, 10, 1)).kind == CalendarDay.Kind.HOLIDAY
    assert CalendarDay.objects.get(day=date(2026, 10, 10)).kind == CalendarDay.Kind.WORKDAY
    assert CalendarDay.objects.filter(day__year=2019).count() > 20


@pytest.mark.django_db
def test_the_database_calendar_counts_twenty_working_days_over_national_day():
    # As the trace above, plus the real 2026 calendar's 中秋节 on Friday 09-25: one day later.
    assert CalendarDay.objects.get(day=date(2026, 9, 25)).kind == CalendarDay.Kind.HOLIDAY
    assert CalendarDay.objects.add_working_days(date(2026, 9, 18), 20) == date(2026, 10, 22)


@pytest.mark.django_db
def test_a_holiday_added_in_the_admin_for_an_unknown_year_moves_the_deadline():
    friday = date(2027, 1, 1)
    assert CalendarDay.objects.add_working_days(date(2026, 12, 31), 1) == friday
    CalendarDay.objects.create(day=friday, kind=CalendarDay.Kind.HOLIDAY, name="元旦")
    assert CalendarDay.objects.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)


@pytest.mark.django_db
def test_a_swapped_working_day_must_fall_on_a_weekend():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        CalendarDay(day=date(2027, 1, 6), kind=CalendarDay.Kind.WORKDAY).full_clean()


def test_one_calendar_counts_adds_and_finds_unknown_years():
    calendar = Calendar(HOLIDAYS, SWAPPED, known_years={2026})
    assert calendar.add(date(2026, 9, 14), 20) == date(2026, 10, 15)  # 国庆 only here
    assert calendar.between(date(2026, 9, 30), date(2026, 10, 8)) == 1  # 国庆 in between
    assert calendar.between(date(2026, 10, 8), date(2026, 9, 30)) == -1
    assert calendar.working_days_in(date(2026, 10, 7), date(2026, 10, 11)) == {
        date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10),
    }  # fmt: skip
    assert calendar.missing_year(date(2026, 12, 1), date(2027, 1, 12)) == 2027


@pytest.mark.django_db
def test_the_stored_calendar_window_is_the_calendar_every_app_uses():
    from disclosure.applications import admin as applications_admin  # noqa: F401
    from mailbox import clock, deadlines

    window = CalendarDay.objects.window(date(2026, 9, 14), date(2026, 9, 14))
    assert isinstance(window, Calendar) and deadlines.Calendar is Calendar
    assert window.add(date(2026, 9, 14), 20) == date(2026, 10, 16)
    assert 2026 in window.known_years
    assert clock.load_calendar(date(2026, 9, 14), date(2026, 9, 14)) == window
    CalendarDay.objects.forget_around()
    around = CalendarDay.objects.around(date(2026, 9, 14))
    assert around is CalendarDay.objects.around(date(2026, 9, 14))  # read once a minute
    assert clock.calendar_around(date(2026, 9, 14)) is around  # shared with the mailbox
    CalendarDay.objects.forget_around()
