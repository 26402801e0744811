"""A letter's clock in working days: pure arithmetic, no ORM, no "now".

The due date is computed from the history, never typed: acceptance date plus the
mailbox's limit for the letter's type (statutory.md §5: 咨询 3, others 10 working days
by default); an extension sets a new due date; a pause stops the clock and its resume
adds the working days it lasted. The calendar (holidays and 调休 working weekends) is
passed in, so every rule is testable with any calendar.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from portal.workdays import Calendar  # the portal's one working-day calendar

EXTEND = "extend"
PAUSE = "pause"
RESUME = "resume"


@dataclass(frozen=True)
class Change:
    """A step of the history that moves the clock."""

    kind: str  # EXTEND, PAUSE or RESUME
    on: date
    new_due_on: date | None = None


@dataclass(frozen=True)
class Clock:
    due_on: date
    paused_since: date | None
    provisional_year: int | None


def run_clock(
    *, accepted_on: date, working_days: int, changes: Iterable[Change], calendar: Calendar
) -> Clock:
    """The due date after the history's extensions and pauses, in order."""
    due = calendar.add(accepted_on, working_days)
    paused_since = None
    for change in changes:
        if change.kind == EXTEND and change.new_due_on is not None:
            due = change.new_due_on
        elif change.kind == PAUSE and paused_since is None:
            paused_since = change.on
        elif change.kind == RESUME and paused_since is not None:
            # The working days the clock stood still: after the pause day, up to and
            # including the resume day (the pause day counts as worked, the resume day not).
            stood = calendar.between(paused_since, change.on)
            due = calendar.add(due, stood)
            paused_since = None
    return Clock(
        due_on=due,
        paused_since=paused_since,
        provisional_year=calendar.missing_year(accepted_on, due),
    )


def days_left(*, today: date, due_on: date, calendar: Calendar) -> int:
    """Working days from today to the due date: 0 on the due day, negative when late."""
    return calendar.between(today, due_on)


OVERDUE = "overdue"
DUE_SOON = "due_soon"


def urgency(*, today: date, due_on: date | None, soon: int, calendar: Calendar) -> str:
    """逾期 when past the due date, 临期 within ``soon`` working days, else ""."""
    if due_on is None:
        return ""
    left = days_left(today=today, due_on=due_on, calendar=calendar)
    if left < 0:
        return OVERDUE
    return DUE_SOON if left <= soon else ""
