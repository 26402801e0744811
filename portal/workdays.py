"""Working-day arithmetic for statutory deadlines (条例 Arts 30–33: 7/15/20 working days).

Pure functions: the caller passes the calendar's exceptions, so they are testable with any
calendar. ``portal.models.CalendarDay`` stores the exceptions; ``CalendarDay.objects.
add_working_days`` wires the two together.
"""

from collections.abc import Collection
from datetime import date, timedelta


def is_working_day(day: date, *, holidays: Collection[date], workdays: Collection[date]) -> bool:
    """Monday to Friday, unless a public holiday; a weekend day the State Council made a
    working day (调休) counts as one."""
    if day in workdays:
        return True
    if day in holidays:
        return False
    return day.weekday() < 5


def add_working_days(
    start: date, days: int, *, holidays: Collection[date], workdays: Collection[date]
) -> date:
    """The date ``days`` working days after ``start``; ``start`` itself is not counted.

    A request received on a Friday with a 20-working-day deadline is due on the 20th
    working day from the following Monday on: the day a period starts from is not
    counted in it (民法典 Art 201).
    """
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current, holidays=holidays, workdays=workdays):
            remaining -= 1
    return current
