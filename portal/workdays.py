"""Working-day arithmetic for statutory deadlines (条例 Arts 30–33: 7/15/20 working days).

Pure functions: the caller passes the calendar's exceptions, so they are testable with any
calendar. ``portal.models.CalendarDay`` stores the exceptions; ``CalendarDay.objects.
add_working_days`` wires the two together, and ``CalendarDay.objects.window`` reads a
``Calendar`` (the one every app's deadlines use: letters, applications).
"""

from collections.abc import Collection
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Calendar:
    """A stretch of the working-day calendar: its holidays and swapped working days, and
    the years whose arrangement is known (a date in another year is provisional)."""

    holidays: Collection[date]
    workdays: Collection[date]
    known_years: Collection[int] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        return is_working_day(day, holidays=self.holidays, workdays=self.workdays)

    def add(self, start: date, days: int) -> date:
        return add_working_days(start, days, holidays=self.holidays, workdays=self.workdays)

    def between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``; negative when ``end``
        is earlier (how many working days late)."""
        if end < start:
            return -self.between(end, start)
        return len(self.working_days_in(start, end))

    def working_days_in(self, begin: date, end: date) -> set[date]:
        """The working days after ``begin`` up to and including ``end``."""
        days = (begin + timedelta(days=n) for n in range(1, (end - begin).days + 1))
        return {day for day in days if self.is_working_day(day)}

    def missing_year(self, start: date, end: date) -> int | None:
        """The first year from ``start`` to ``end`` the calendar has no holidays for."""
        for year in range(start.year, end.year + 1):
            if year not in self.known_years:
                return year
        return None
