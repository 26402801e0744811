"""Who sees which application (the receiving organization's subtree; supervisors all,
masked), and the open and overdue lists."""

from datetime import date, datetime

import pytest

from disclosure.applications import services
from disclosure.applications.models import Application
from tests.applications.factories import SHANGHAI, ApplicationFactory, at, received
from tests.portal.factories import UserFactory
from tests.portal.roles import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(agency):
    ours = ApplicationFactory(organization=agency.office)
    theirs = ApplicationFactory(organization=agency.elsewhere)
    return ours, theirs


def test_clerks_see_and_handle_their_organizations_applications_only(agency, two):
    ours, _theirs = two
    assert list(Application.objects.visible_to(agency.clerk)) == [ours]
    assert list(Application.objects.handled_by(agency.clerk)) == [ours]


def test_supervisors_see_every_application_but_handle_none(agency, two):
    assert set(Application.objects.visible_to(agency.supervisor)) == set(two)
    assert not Application.objects.handled_by(agency.supervisor).exists()
    flags = dict(
        Application.objects.with_personal_data_flag(agency.supervisor).values_list(
            "pk", "sees_personal"
        )
    )
    assert set(flags.values()) == {False}


def test_the_personal_data_flag_is_true_for_the_handling_clerk_only(agency, two):
    ours, theirs = two
    flags = dict(
        Application.objects.with_personal_data_flag(agency.clerk).values_list("pk", "sees_personal")
    )
    assert flags == {ours.pk: True, theirs.pk: False}


def test_publishers_and_strangers_see_no_applications(agency, two):
    assert not Application.objects.visible_to(agency.publisher).exists()
    assert not Application.objects.visible_to(UserFactory(is_staff=True)).exists()


def test_superusers_see_and_handle_everything(two):
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert set(Application.objects.visible_to(admin)) == set(two)
    assert set(Application.objects.handled_by(admin)) == set(two)


def test_a_clerk_of_a_parent_organization_sees_its_departments(agency):
    below = ApplicationFactory(organization=agency.office)
    head = staff("bureau-clerk", agency.bureau, "信息员")
    assert list(Application.objects.visible_to(head)) == [below]


def test_open_and_overdue(agency):
    today = date(2026, 3, 31)
    late = ApplicationFactory(status="processing", due_on=date(2026, 3, 30))
    due_today = ApplicationFactory(status="processing", due_on=today)
    # Paused in time: the daily refresh keeps the due date ahead of today.
    paused = ApplicationFactory(status="consulting", due_on=date(2026, 4, 20))
    ApplicationFactory(status="awaiting_fee", due_on=today)
    # Paused after the due date had passed: still late.
    paused_late = ApplicationFactory(status="consulting", due_on=date(2026, 3, 20))
    ApplicationFactory(status="answered", due_on=date(2026, 3, 1), outcome="1", decided_on=today)
    ApplicationFactory(status="closed", due_on=date(2026, 3, 1), closed_on=today, outcome="6.3",
                       decided_on=today)  # fmt: skip
    pending = ApplicationFactory(status="pending")
    assert len(Application.objects.open()) == 6 and paused in Application.objects.open()
    assert pending in Application.objects.open()
    assert set(Application.objects.overdue(today)) == {late, paused_late}
    assert list(Application.objects.due_within(today, date(2026, 4, 3))) == [due_today]


def test_of_applicant_matches_document_type_and_number(agency):
    mine = ApplicationFactory(id_number="11010519491231002X")
    ApplicationFactory(id_number="110105194912310037")
    ApplicationFactory(id_number="11010519491231002X", id_type="passport")
    found = Application.objects.of_applicant(id_type="resident_id", id_number="11010519491231002X")
    assert list(found) == [mine]


def test_the_month_place_counts_the_applicant_per_local_calendar_month(agency):
    # 109号 counts per applicant per natural month; 00:30 on 1 April in Chongqing is still
    # 31 March in UTC, and belongs to April.
    times = [datetime(2026, 3, 31, 10, tzinfo=SHANGHAI), datetime(2026, 4, 1, 0, 30, tzinfo=SHANGHAI),
             datetime(2026, 4, 2, 9, tzinfo=SHANGHAI), datetime(2026, 4, 2, 9, tzinfo=SHANGHAI)]  # fmt: skip
    rows = [ApplicationFactory(submitted_at=moment) for moment in times]
    other = ApplicationFactory(submitted_at=times[2], id_number="110105194912310037")
    places = dict(Application.objects.with_month_place().values_list("pk", "month_nth"))
    assert [places[row.pk] for row in rows] == [1, 1, 2, 3]  # the same moment: by row
    assert places[other.pk] == 1
    assert [Application.objects.month_place(row) for row in rows] == [1, 1, 2, 3]
    assert services.monthly_count(rows[3]) == 3  # the fee notice's count is this one


def test_a_consultation_sent_after_the_due_date_does_not_undo_the_lateness(agency):
    """A pause only leaves out working days after it starts (条例 Arts 32–34): the
    application stays overdue in the list, as the clock and the tracking page say."""
    application = received(agency.bureau, agency.clerk, date(2026, 3, 2))
    application.refresh_from_db()
    late_day = date(2026, 4, 2)
    assert application.due_on < late_day
    services.application_consult(
        application=application, by=agency.clerk, party="第三方", now=at(late_day)
    )
    application.refresh_from_db()
    assert application.status == Application.Status.CONSULTING
    assert application.is_overdue
    assert application in Application.objects.overdue(date(2026, 4, 3))
