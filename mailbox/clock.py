"""The working-day calendar from the database, for ``mailbox.deadlines``: one query for
a window of dates, read once per request or command, never per row."""

from datetime import date

from mailbox.deadlines import EXTEND, PAUSE, RESUME, Calendar, Change, Clock, run_clock
from mailbox.models import Letter, LetterEvent
from portal.models import CalendarDay


def load_calendar(start: date, end: date) -> Calendar:
    return CalendarDay.objects.window(start, end)


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


def calendar_around(today: date) -> Calendar:
    """The calendar around ``today`` for lists that show days left on every row: read at
    most once a minute per process (shared with the other apps' lists)."""
    return CalendarDay.objects.around(today)


def forget_calendar() -> None:
    CalendarDay.objects.forget_around()
