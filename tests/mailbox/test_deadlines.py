"""The clock in working days (pure ``mailbox.deadlines``), traced day by day across
National Day 2025 (1–8 October off; Sunday 28 September and Saturday 11 October worked)."""

from datetime import date, timedelta

from mailbox.deadlines import (
    DUE_SOON,
    EXTEND,
    OVERDUE,
    PAUSE,
    RESUME,
    Calendar,
    Change,
    days_left,
    run_clock,
    urgency,
)

HOLIDAYS = {date(2025, 10, d) for d in range(1, 9)}
WORKDAYS = {date(2025, 9, 28), date(2025, 10, 11)}
CALENDAR = Calendar(holidays=HOLIDAYS, workdays=WORKDAYS, known_years={2025})


def test_a_consultation_accepted_on_friday_counts_the_swapped_sunday():
    clock = run_clock(accepted_on=date(2025, 9, 26), working_days=3, changes=[], calendar=CALENDAR)
    assert clock.due_on == date(2025, 9, 30)


def test_ten_working_days_skip_national_day_and_count_the_swapped_saturday():
    clock = run_clock(accepted_on=date(2025, 9, 26), working_days=10, changes=[], calendar=CALENDAR)
    assert clock.due_on == date(2025, 10, 16)
    assert clock.provisional_year is None


def test_days_left_traced_day_by_day_across_the_holiday():
    due = date(2025, 10, 16)
    expected = {
        date(2025, 9, 26): 10, date(2025, 9, 27): 10, date(2025, 9, 28): 9,
        date(2025, 9, 29): 8, date(2025, 9, 30): 7, date(2025, 10, 1): 7, date(2025, 10, 5): 7,
        date(2025, 10, 8): 7, date(2025, 10, 9): 6, date(2025, 10, 10): 5, date(2025, 10, 11): 4,
        date(2025, 10, 12): 4, date(2025, 10, 13): 3, date(2025, 10, 14): 2, date(2025, 10, 15): 1,
        date(2025, 10, 16): 0, date(2025, 10, 17): -1, date(2025, 10, 18): -1, date(2025, 10, 20): -2,
    }  # fmt: skip
    for today, left in expected.items():
        assert days_left(today=today, due_on=due, calendar=CALENDAR) == left, today


def test_urgency_badges_follow_the_working_days_left():
    due = date(2025, 10, 16)
    assert urgency(today=date(2025, 10, 9), due_on=due, soon=2, calendar=CALENDAR) == ""
    assert urgency(today=date(2025, 10, 14), due_on=due, soon=2, calendar=CALENDAR) == DUE_SOON
    assert urgency(today=date(2025, 10, 17), due_on=due, soon=2, calendar=CALENDAR) == OVERDUE


def test_an_extension_sets_the_new_due_date():
    changes = [Change(EXTEND, date(2025, 10, 9), new_due_on=date(2025, 10, 31))]
    clock = run_clock(accepted_on=date(2025, 9, 26), working_days=10, changes=changes,
                      calendar=CALENDAR)  # fmt: skip
    assert clock.due_on == date(2025, 10, 31)


def test_a_pause_adds_the_working_days_it_lasted():
    # Paused on Monday 29 September, resumed Thursday 9 October: 30 September and
    # 9 October stood still (the holiday does not count), so the due date moves two.
    changes = [Change(PAUSE, date(2025, 9, 29)), Change(RESUME, date(2025, 10, 9))]
    clock = run_clock(accepted_on=date(2025, 9, 26), working_days=10, changes=changes,
                      calendar=CALENDAR)  # fmt: skip
    assert clock.due_on == date(2025, 10, 20)
    assert clock.paused_since is None


def test_a_running_pause_is_reported():
    changes = [Change(PAUSE, date(2025, 9, 29))]
    clock = run_clock(accepted_on=date(2025, 9, 26), working_days=10, changes=changes,
                      calendar=CALENDAR)  # fmt: skip
    assert clock.paused_since == date(2025, 9, 29)


def test_a_due_date_in_a_year_without_holiday_data_is_provisional():
    clock = run_clock(accepted_on=date(2025, 12, 24), working_days=10, changes=[],
                      calendar=CALENDAR)  # fmt: skip
    assert clock.due_on.year == 2026
    assert clock.provisional_year == 2026


def test_between_is_negative_when_late():
    assert CALENDAR.between(date(2025, 10, 16), date(2025, 10, 16) - timedelta(days=4)) == -4
