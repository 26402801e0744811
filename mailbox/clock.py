"""The working-day calendar from the database, for ``mailbox.deadlines``: one query for
a window of dates, read once per request or command, never per row."""

import time
from datetime import date, timedelta

from mailbox.deadlines import EXTEND, PAUSE, RESUME, Calendar, Change, Clock, run_clock
from mailbox.models import Letter, LetterEvent
from portal.models import CalendarDay

# Extensions and pauses may run long: the window reaches this far past its end.
MARGIN = timedelta(days=400)


def load_calendar(start: date, end: date) -> Calendar:
    holidays, workdays = CalendarDay.objects.exceptions(start - MARGIN, end + MARGIN)
    holiday_years = CalendarDay.objects.filter(kind=CalendarDay.Kind.HOLIDAY).dates("day", "year")
    known_years = {day.year for day in holiday_years}
    return Calendar(holidays=holidays, workdays=workdays, known_years=known_years)


_CHANGES = {
    LetterEvent.Action.EXTENDED: EXTEND,
    LetterEvent.Action.REOPENED: EXTEND,  # 重办 starts a new period (its new_due_on)
    LetterEvent.Action.PAUSED: PAUSE,
    LetterEvent.Action.RESUMED: RESUME,
}


def changes_of(events) -> list[Change]:
    return [
        Change(kind=_CHANGES[event.action], on=event.on, new_due_on=event.new_due_on)
        for event in events
        if event.action in _CHANGES
    ]


def clock_of(letter: Letter, events, calendar: Calendar) -> Clock | None:
    if letter.accepted_on is None:
        return None
    return run_clock(
        accepted_on=letter.accepted_on,
        working_days=letter.mailbox.working_days_for(letter.kind),
        changes=changes_of(events),
        calendar=calendar,
    )


_today: list = [None, None, 0.0]  # [day, calendar, monotonic time until which it is trusted]


def calendar_around(today: date) -> Calendar:
    """The calendar around ``today`` (``MARGIN`` either side) for lists that show days
    left on every row: read at most once a minute per process."""
    day, calendar, until = _today
    if day != today or time.monotonic() > until:
        calendar = load_calendar(today, today)
        _today[:] = [today, calendar, time.monotonic() + 60]
    return calendar


def forget_calendar() -> None:
    _today[:] = [None, None, 0.0]
