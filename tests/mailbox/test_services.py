"""Every state change of a letter and each refusal, with its event."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.utils import InternalError

from mailbox import services
from mailbox.models import Letter, LetterEvent, Reply
from tests.mailbox.conftest import at, close, submit

S = Letter.Status
A = LetterEvent.Action


def actions(letter):
    return list(
        letter.events.order_by("at", "pk").values_list("action", "from_status", "to_status")
    )


@pytest.mark.django_db
def test_a_submitted_letter_is_received_with_an_event_by_the_citizen(mailbox):
    letter = submit(mailbox)
    assert letter.status == S.RECEIVED
    event = letter.events.get()
    assert (event.action, event.by, event.to_status) == (A.RECEIVED, None, S.RECEIVED)
    assert len(letter.tracking_code) == 12


@pytest.mark.django_db
def test_the_same_submission_token_creates_one_letter(mailbox):
    first = submit(mailbox, submission_token="same")
    second = submit(mailbox, submission_token="same", subject="另一封信的标题")
    assert first.pk == second.pk
    assert Letter.objects.count() == 1


@pytest.mark.django_db
def test_a_closed_mailbox_refuses_letters(mailbox):
    mailbox.is_open = False
    mailbox.save()
    with pytest.raises(ValidationError):
        submit(mailbox)


@pytest.mark.django_db
def test_scenario_received_accepted_assigned_replied_closed(mailbox, agency, department):
    letter = close(submit(mailbox), agency, department=department)
    assert letter.status == S.CLOSED
    assert actions(letter) == [
        (A.RECEIVED, "", S.RECEIVED), (A.ACCEPTED, S.RECEIVED, S.ACCEPTED),
        (A.ASSIGNED, S.ACCEPTED, S.ASSIGNED), (A.REPLIED, S.ASSIGNED, S.REPLIED),
        (A.APPROVED, S.REPLIED, S.CLOSED),
    ]  # fmt: skip
    assert letter.events.get(action=A.ASSIGNED).department == department
    assert letter.closed_on_time is True
    assert letter.reply_working_days == 0


@pytest.mark.django_db
def test_acceptance_derives_the_due_date_from_the_calendar(mailbox, agency):
    letter = submit(mailbox, now=at(2025, 9, 26, 9))
    letter = services.letter_accept(letter=letter, by=agency.clerk, now=at(2025, 9, 26, 10))
    assert letter.accepted_on == date(2025, 9, 26)
    assert letter.due_on == date(2025, 9, 30)  # 咨询: 3 working days, Sunday 28th worked


@pytest.mark.django_db
def test_complaints_get_the_mailbox_limit_for_their_type(mailbox, agency):
    mailbox.complaint_days = 10
    mailbox.save()
    letter = submit(mailbox, kind="complaint", now=at(2025, 9, 26, 9))
    letter = services.letter_accept(letter=letter, by=agency.clerk, now=at(2025, 9, 26, 10))
    assert letter.due_on == date(2025, 10, 16)


@pytest.mark.django_db
def test_a_due_date_beyond_the_calendar_is_provisional_and_names_the_year(mailbox, agency):
    letter = submit(mailbox, now=at(2040, 12, 27, 9))
    letter = services.letter_accept(letter=letter, by=agency.clerk, now=at(2040, 12, 28, 9))
    assert letter.provisional_year == 2040


@pytest.mark.django_db
def test_rejection_needs_a_reason_and_ends_the_letter(mailbox, agency, mailoutbox,
                                                      django_capture_on_commit_callbacks):  # fmt: skip
    letter = submit(mailbox)
    with pytest.raises(ValidationError):
        services.letter_reject(letter=letter, by=agency.clerk, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        letter = services.letter_reject(letter=letter, by=agency.clerk, reason="属于诉讼事项。")
    assert letter.status == S.REJECTED
    assert "属于诉讼事项" in mailoutbox[-1].body
    with pytest.raises(ValidationError):
        services.letter_accept(letter=letter, by=agency.clerk)


@pytest.mark.django_db
def test_a_letter_cannot_be_accepted_twice(mailbox, agency):
    letter = services.letter_accept(letter=submit(mailbox), by=agency.clerk)
    with pytest.raises(ValidationError, match="不能受理"):
        services.letter_accept(letter=letter, by=agency.clerk)


@pytest.mark.django_db
def test_a_letter_can_be_reassigned(mailbox, agency, department):
    letter = services.letter_accept(letter=submit(mailbox), by=agency.clerk)
    letter = services.letter_assign(letter=letter, by=agency.clerk, department=department)
    letter = services.letter_assign(letter=letter, by=agency.clerk, department=agency.publicity)
    assert letter.department == agency.publicity
    assert letter.events.filter(action=A.ASSIGNED).count() == 2


@pytest.mark.django_db
def test_assignment_outside_the_agency_is_refused(mailbox, agency):
    letter = services.letter_accept(letter=submit(mailbox), by=agency.clerk)
    with pytest.raises(ValidationError):
        services.letter_assign(letter=letter, by=agency.clerk, department=agency.elsewhere)


@pytest.mark.django_db
def test_the_drafter_cannot_approve_their_own_reply(mailbox, agency):
    letter = services.letter_accept(letter=submit(mailbox), by=agency.clerk_and_reviewer)
    letter = services.letter_reply(letter=letter, by=agency.clerk_and_reviewer, text="答复。")
    with pytest.raises(PermissionDenied):
        services.letter_approve_reply(letter=letter, by=agency.clerk_and_reviewer)
    assert Letter.objects.get(pk=letter.pk).status == S.REPLIED


@pytest.mark.django_db
def test_a_clerk_cannot_approve_a_reply(mailbox, agency):
    letter = services.letter_accept(letter=submit(mailbox), by=agency.clerk)
    letter = services.letter_reply(letter=letter, by=agency.second_clerk, text="答复。")
    with pytest.raises(PermissionDenied):
        services.letter_approve_reply(letter=letter, by=agency.clerk)


@pytest.mark.django_db
def test_a_returned_reply_goes_back_to_where_it_was(mailbox, agency, department):
    letter = services.letter_accept(letter=submit(mailbox), by=agency.clerk)
    letter = services.letter_assign(letter=letter, by=agency.clerk, department=department)
    letter = services.letter_reply(letter=letter, by=agency.clerk, text="答复。")
    with pytest.raises(ValidationError):
        services.letter_return_reply(letter=letter, by=agency.reviewer, note="")
    letter = services.letter_return_reply(letter=letter, by=agency.reviewer, note="请补充依据。")
    assert letter.status == S.ASSIGNED


@pytest.mark.django_db
def test_handlers_outside_the_letters_organizations_are_refused(mailbox, agency):
    with pytest.raises(PermissionDenied):
        services.letter_accept(letter=submit(mailbox), by=agency.outside_reviewer)


@pytest.mark.django_db
def test_a_department_handles_letters_assigned_to_it_only(mailbox, agency, department,
                                                         department_clerk):  # fmt: skip
    unassigned = services.letter_accept(letter=submit(mailbox), by=agency.clerk)
    with pytest.raises(PermissionDenied):
        services.letter_reply(letter=unassigned, by=department_clerk, text="答复。")
    assigned = services.letter_assign(letter=unassigned, by=agency.clerk, department=department)
    replied = services.letter_reply(letter=assigned, by=department_clerk, text="答复。")
    assert replied.status == S.REPLIED


@pytest.mark.django_db
def test_supervisors_cannot_handle_letters(mailbox, agency):
    with pytest.raises(PermissionDenied):
        services.letter_accept(letter=submit(mailbox), by=agency.supervisor)


@pytest.mark.django_db
def test_an_extension_is_an_event_with_reason_and_new_due_date(mailbox, agency):
    letter = submit(mailbox, now=at(2025, 9, 26, 9))
    letter = services.letter_accept(letter=letter, by=agency.clerk, now=at(2025, 9, 26, 10))
    with pytest.raises(ValidationError):
        services.letter_extend(letter=letter, by=agency.clerk, new_due_on=date(2025, 9, 29),
                               reason="需实地核查")  # fmt: skip
    with pytest.raises(ValidationError):
        services.letter_extend(letter=letter, by=agency.clerk, new_due_on=date(2025, 10, 20),
                               reason="")  # fmt: skip
    letter = services.letter_extend(letter=letter, by=agency.clerk, new_due_on=date(2025, 10, 20),
                                    reason="需实地核查", now=at(2025, 9, 29, 9))  # fmt: skip
    assert letter.due_on == date(2025, 10, 20)
    event = letter.events.get(action=A.EXTENDED)
    assert (event.note, event.new_due_on, event.by) == (
        "需实地核查",
        date(2025, 10, 20),
        agency.clerk,
    )


@pytest.mark.django_db
def test_pausing_and_resuming_moves_the_due_date(mailbox, agency):
    letter = submit(mailbox, now=at(2025, 9, 26, 9))
    letter = services.letter_accept(letter=letter, by=agency.clerk, now=at(2025, 9, 26, 10))
    letter = services.letter_pause(letter=letter, by=agency.clerk, reason="等待来信人补充材料",
                                   now=at(2025, 9, 29, 10))  # fmt: skip
    assert letter.paused_since == date(2025, 9, 29)
    with pytest.raises(ValidationError):
        services.letter_pause(letter=letter, by=agency.clerk, reason="再次暂停")
    letter = services.letter_resume(letter=letter, by=agency.clerk, now=at(2025, 10, 9, 10))
    assert letter.paused_since is None
    assert letter.due_on == date(2025, 10, 10)  # 30 Sep and 9 Oct stood still: +2
    with pytest.raises(ValidationError):
        services.letter_resume(letter=letter, by=agency.clerk)


@pytest.mark.django_db
def test_a_calendar_change_moves_running_due_dates(
    mailbox, agency, django_capture_on_commit_callbacks
):
    from portal.models import CalendarDay

    letter = submit(mailbox, now=at(2025, 9, 26, 9))
    letter = services.letter_accept(letter=letter, by=agency.clerk, now=at(2025, 9, 26, 10))
    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(
            day=date(2025, 9, 29), kind=CalendarDay.Kind.HOLIDAY, name="测试"
        )
    letter.refresh_from_db()
    assert letter.due_on == date(2025, 10, 9)
    assert letter.events.filter(action=A.RECALCULATED).exists()


@pytest.mark.django_db
def test_days_added_in_bulk_by_sync_calendar_move_running_due_dates(
    mailbox, agency, django_capture_on_commit_callbacks
):
    """``sync_calendar`` inserts without post_save and says so with
    ``portal.signals.calendar_changed``, as ``portal.holiday_source`` does."""
    from portal import signals
    from portal.models import CalendarDay

    letter = submit(mailbox, now=at(2025, 9, 26, 9))
    letter = services.letter_accept(letter=letter, by=agency.clerk, now=at(2025, 9, 26, 10))
    with django_capture_on_commit_callbacks(execute=True):
        added = CalendarDay.objects.bulk_create(
            [CalendarDay(day=date(2025, 9, 29), kind=CalendarDay.Kind.HOLIDAY, name="测试")]
        )
        signals.calendar_changed.send(sender=CalendarDay, days=[day.day for day in added])
    letter.refresh_from_db()
    assert letter.due_on == date(2025, 10, 9)


@pytest.mark.django_db
def test_a_satisfied_rating_is_recorded_once(mailbox, agency):
    letter = close(submit(mailbox), agency)
    letter = services.letter_rate(letter=letter, satisfaction="satisfied", comment="谢谢")
    assert (letter.satisfaction, letter.status) == ("satisfied", S.CLOSED)
    with pytest.raises(ValidationError):
        services.letter_rate(letter=letter, satisfaction="basically")


@pytest.mark.django_db
def test_unsatisfied_reopens_once_for_redoing(mailbox, agency):
    letter = close(submit(mailbox), agency)
    letter = services.letter_rate(letter=letter, satisfaction="unsatisfied", comment="没解决")
    assert letter.status == S.REOPENED
    assert letter.reopen_count == 1
    assert letter.due_on is not None
    letter = services.letter_reply(letter=letter, by=agency.clerk, text="重新答复。")
    letter = services.letter_approve_reply(letter=letter, by=agency.reviewer)
    letter = services.letter_rate(letter=letter, satisfaction="unsatisfied")
    assert letter.status == S.CLOSED  # only once


@pytest.mark.django_db
def test_rating_before_closing_is_refused(mailbox, agency):
    with pytest.raises(ValidationError):
        services.letter_rate(letter=submit(mailbox), satisfaction="satisfied")


@pytest.mark.django_db
def test_the_history_cannot_be_rewritten_even_in_sql(mailbox):
    event = submit(mailbox).events.get()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE mailbox_letterevent SET note = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(InternalError), transaction.atomic():
        LetterEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.django_db
def test_closing_a_consenting_letter_drafts_a_redacted_public_version(mailbox, agency):
    letter = close(submit(mailbox), agency)
    reply = Reply.objects.get(letter=letter)
    assert reply.status == "draft"
    assert "13812345678" not in reply.letter_text
    assert "张三丰" not in reply.letter_text
    assert "【电话】" in reply.letter_text


@pytest.mark.django_db
def test_closing_without_consent_drafts_nothing(mailbox, agency):
    letter = close(submit(mailbox, consents_to_publish=False), agency)
    assert not Reply.objects.filter(letter=letter).exists()


@pytest.mark.django_db
def test_wrong_code_and_wrong_password_find_nothing(mailbox):
    from portal.credentials import password_for

    letter = submit(mailbox, submission_token="tok")
    assert (
        services.letter_find(tracking_code=letter.tracking_code, password=password_for("tok"))
        == letter
    )
    assert services.letter_find(tracking_code=letter.tracking_code.lower(),
                                password=password_for("tok").lower()) == letter  # fmt: skip
    assert services.letter_find(tracking_code=letter.tracking_code, password="WRONG") is None
    assert services.letter_find(tracking_code="NOSUCHCODE", password=password_for("tok")) is None
