"""The upkeep of open applications: the daily job refreshes the stored clocks silently
(a paused clock's due date moves with today, which is no 期限重算), and a change of the
working-day calendar records a 期限重算 exactly when it moves a due date, with both dates."""

from datetime import date
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction

from disclosure.applications import services
from disclosure.applications.models import Application, ApplicationEvent
from portal.models import CalendarDay
from tests.applications.factories import at, received

pytestmark = pytest.mark.django_db

Kind = ApplicationEvent.Kind
Status = Application.Status
MARCH_2 = date(2026, 3, 2)  # a Monday; due 30 March
HOLIDAY = CalendarDay.Kind.HOLIDAY


def recalculations(application):
    return list(application.events.filter(kind=Kind.RECALCULATED).order_by("at", "pk"))


def on(day):
    """Run as if it were ``day`` in the portal's time zone."""
    return mock.patch("django.utils.timezone.now", return_value=at(day))


@pytest.fixture
def consulting(agency):
    application = received(agency.office, agency.clerk, MARCH_2)
    services.application_consult(
        application=application, by=agency.clerk, party="第三方", now=at(date(2026, 3, 9))
    )
    return application


@pytest.fixture
def awaiting_fee(agency):
    application = received(agency.office, agency.clerk, MARCH_2)
    services.application_fee_notice(
        application=application, by=agency.clerk, method="per_page", pages=40,
        now=at(date(2026, 3, 9)),
    )  # fmt: skip
    return application


@pytest.mark.parametrize("paused", ["consulting", "awaiting_fee"])
def test_the_daily_job_on_two_days_refreshes_a_paused_clock_without_an_event(
    request, paused, capsys
):
    application = request.getfixturevalue(paused)
    before = list(application.events.values_list("pk", flat=True))
    due = []
    for day in (date(2026, 3, 10), date(2026, 3, 11)):
        with on(day):
            call_command("applications_deadlines")
        application.refresh_from_db()
        due.append(application.due_on)
    assert due[0] < due[1]  # the paused clock's due date follows today ...
    assert list(application.events.values_list("pk", flat=True)) == before  # ... silently
    assert "已刷新未办结申请 1 件" in capsys.readouterr().out


def test_a_holiday_in_a_paused_period_records_one_recalculation_with_both_dates(
    consulting, django_capture_on_commit_callbacks
):
    today = date(2026, 3, 12)
    with on(today):
        services.recompute_open_applications()
        consulting.refresh_from_db()
        stored = consulting.due_on
        with django_capture_on_commit_callbacks(execute=True):
            CalendarDay.objects.create(day=date(2026, 4, 1), kind=HOLIDAY, name="测试")
    consulting.refresh_from_db()
    (event,) = recalculations(consulting)
    # 20 working days from 2 March plus 3 paused (10–12 March): 2 April, then 3 April.
    assert stored == date(2026, 4, 2) and consulting.due_on == date(2026, 4, 3)
    assert event.data["previous"] == stored.isoformat()
    assert event.data["due_on"] == consulting.due_on.isoformat()
    assert f"由 {stored} 调整为 {consulting.due_on}" in event.note
    assert event.by is None and event.on == today
    with on(date(2026, 3, 13)):
        call_command("applications_deadlines")
    assert len(recalculations(consulting)) == 1


def test_the_old_due_date_is_the_old_calendars_for_the_same_today(
    consulting, django_capture_on_commit_callbacks
):
    # Stored on 9 March (the day of the consultation); the holiday comes on 20 March:
    # the old date is what the old calendar gives on 20 March, not what was stored.
    stored = Application.objects.get(pk=consulting.pk).due_on
    with on(date(2026, 3, 20)), django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(day=date(2026, 4, 13), kind=HOLIDAY, name="测试")
    consulting.refresh_from_db()
    (event,) = recalculations(consulting)
    # Nine paused working days (10–20 March) past 30 March, over 清明: 13 April, then 14.
    assert stored == date(2026, 3, 30)
    assert (event.data["previous"], event.data["due_on"]) == ("2026-04-13", "2026-04-14")
    assert consulting.due_on == date(2026, 4, 14)


def test_days_added_by_sync_calendar_move_open_due_dates_with_one_recalculation(
    agency, django_capture_on_commit_callbacks
):
    # 清明 (6 April) missing from the table, as before the State Council's notice: the
    # application received on 16 March is due on 13 April (17–20, 23–27, 30 March–3
    # April, 6–10, 13 April); with the holiday back it is due on 14 April.
    with django_capture_on_commit_callbacks(execute=True):  # its own "transaction"
        CalendarDay.objects.filter(day=date(2026, 4, 6)).delete()
    application = received(agency.office, agency.clerk, date(2026, 3, 16))
    assert application.due_on == date(2026, 4, 13)
    with on(date(2026, 3, 20)), django_capture_on_commit_callbacks(execute=True):
        call_command("sync_calendar")
    application.refresh_from_db()
    assert application.due_on == date(2026, 4, 14)
    (event,) = recalculations(application)
    assert (event.data["previous"], event.data["due_on"]) == ("2026-04-13", "2026-04-14")
    assert event.data["days"] == ["2026-04-06"]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sync_calendar")  # nothing new: no signal, no second event
    assert len(recalculations(application)) == 1


def test_a_calendar_change_outside_every_period_records_nothing(
    agency, django_capture_on_commit_callbacks
):
    application = received(agency.office, agency.clerk, MARCH_2)
    with on(date(2026, 3, 5)), django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(day=date(2026, 6, 1), kind=HOLIDAY, name="测试")
    application.refresh_from_db()
    assert application.due_on == date(2026, 3, 30)
    assert recalculations(application) == []


def test_several_days_changed_in_one_transaction_make_one_event(
    agency, django_capture_on_commit_callbacks
):
    application = received(agency.office, agency.clerk, MARCH_2)
    with on(date(2026, 3, 5)), django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            for day in (19, 20):
                CalendarDay.objects.create(day=date(2026, 3, day), kind=HOLIDAY, name="测试")
    application.refresh_from_db()
    (event,) = recalculations(application)
    assert (event.data["previous"], event.data["due_on"]) == ("2026-03-30", "2026-04-01")
    assert "2026-03-19、2026-03-20" in event.note


def test_removing_the_holiday_moves_the_date_back_with_its_own_event(
    agency, django_capture_on_commit_callbacks
):
    application = received(agency.office, agency.clerk, MARCH_2)
    with on(date(2026, 3, 5)):
        with django_capture_on_commit_callbacks(execute=True):
            holiday = CalendarDay.objects.create(day=date(2026, 3, 20), kind=HOLIDAY)
        with django_capture_on_commit_callbacks(execute=True):
            holiday.delete()
    application.refresh_from_db()
    assert application.due_on == date(2026, 3, 30)
    moves = [(e.data["previous"], e.data["due_on"]) for e in recalculations(application)]
    assert moves == [("2026-03-30", "2026-03-31"), ("2026-03-31", "2026-03-30")]


def test_saving_a_calendar_day_unchanged_records_nothing(
    agency, django_capture_on_commit_callbacks
):
    holiday = CalendarDay.objects.create(day=date(2026, 3, 20), kind=HOLIDAY)
    application = received(agency.office, agency.clerk, MARCH_2)
    with on(date(2026, 3, 5)), django_capture_on_commit_callbacks(execute=True):
        holiday.name = "改名"
        holiday.save()
    assert recalculations(application) == []
