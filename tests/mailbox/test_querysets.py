"""mailbox.querysets (with portal.handling's two reads): who handles and who sees which
letter, each letter once however many administrators its mailbox has; what is open,
running, due and unanswered; what the admin list and the public reply list load."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mailbox import services
from mailbox.models import Letter, Mailbox, Reply
from mailbox.querysets import OPEN_STATUSES, RUNNING_STATUSES, handling_filter
from portal import workflow
from tests.mailbox.conftest import at, close, publish_reply, submit
from tests.portal.factories import UserFactory
from tests.portal.roles import staff

pytestmark = pytest.mark.django_db
S = Letter.Status


# --- who handles, who sees -------------------------------------------------------------


@pytest.fixture
def world(agency, mailbox, department, department_clerk):
    """Three letters: one to the office's mailbox, one of the same mailbox assigned to a
    department of the bureau, one to another agency's mailbox; and the people around."""
    theirs = Mailbox.objects.create(
        name="另一个局信箱", slug="elsewhere", organization=agency.elsewhere
    )
    assigned = services.letter_accept(letter=submit(mailbox, subject="转办"), by=agency.clerk)
    services.letter_assign(letter=assigned, by=agency.clerk, department=department)
    letters = {
        "office": submit(mailbox, subject="局长信箱"),
        "assigned": assigned,
        "elsewhere": submit(theirs, subject="别家信箱"),
    }
    administrator = staff("mailbox-admin", agency.elsewhere)  # no role: only administers
    mailbox.administrators.add(administrator)
    users = {
        "clerk": agency.clerk,
        "reviewer": agency.reviewer,
        "bureau_clerk": staff("bureau-clerk", agency.bureau, "信息员"),
        "department_clerk": department_clerk,
        "outside_clerk": staff("outside-clerk", agency.elsewhere, "信息员"),
        "outside_reviewer": agency.outside_reviewer,
        "administrator": administrator,
        "publisher": agency.publisher,
        "supervisor": agency.supervisor,
        "no_role": staff("nobody", agency.office),
        "superuser": UserFactory(username="root", is_superuser=True, is_staff=True),
    }
    return letters, users


ALL = {"office", "assigned", "elsewhere"}
HANDLES = {
    "clerk": {"office", "assigned"},  # the mailbox is the office's
    "reviewer": {"office", "assigned"},  # reviewing is handling too
    "bureau_clerk": {"office", "assigned"},  # the office is in the bureau's subtree
    "department_clerk": {"assigned"},  # only what was assigned to the department
    "outside_clerk": {"elsewhere"},  # a clerk of another organization: theirs only
    "outside_reviewer": {"elsewhere"},
    "administrator": {"office", "assigned"},  # the whole mailbox, without a role
    "publisher": set(),  # publishes public replies, never reads letters
    "supervisor": set(),  # oversight is not handling
    "no_role": set(),
    "superuser": ALL,
}
SEES = {**HANDLES, "supervisor": ALL}  # supervisors see every letter, masked


def names(world, queryset) -> set[str]:
    letters, _users = world
    pks = list(queryset.values_list("pk", flat=True))
    assert len(pks) == len(set(pks)), "a letter listed twice"
    return {name for name, letter in letters.items() if letter.pk in pks}


@pytest.mark.parametrize(("who", "expected"), HANDLES.items())
def test_who_handles_which_letter(world, who, expected):
    _letters, users = world
    assert names(world, Letter.objects.handled_by(users[who])) == expected


@pytest.mark.parametrize(("who", "expected"), SEES.items())
def test_who_sees_which_letter_in_the_admin(world, who, expected):
    _letters, users = world
    assert names(world, Letter.objects.visible_to(users[who])) == expected


@pytest.mark.parametrize(("who", "expected"), HANDLES.items())
def test_the_writers_details_are_flagged_for_the_handlers_only(world, who, expected):
    letters, users = world
    flags = dict(
        Letter.objects.with_personal_data_flag(users[who]).values_list("pk", "sees_personal")
    )
    assert {pk: bool(flag) for pk, flag in flags.items()} == {
        letter.pk: name in expected for name, letter in letters.items()
    }


def test_the_flag_is_false_not_null_for_a_letter_the_clerk_does_not_handle(world):
    """``sees_personal`` says whether: a letter of another agency's mailbox, assigned to
    no department, is False for the office's clerk, so that a filter on the flag finds
    it (SQL's NULL would match neither True nor False)."""
    letters, users = world
    flagged = Letter.objects.with_personal_data_flag(users["clerk"])
    assert flagged.get(pk=letters["elsewhere"].pk).sees_personal is False
    assert list(flagged.filter(sees_personal=False)) == [letters["elsewhere"]]


def test_the_filter_is_none_for_a_superuser_only(world):
    _letters, users = world
    assert handling_filter(users["superuser"]) is None
    assert handling_filter(users["supervisor"]) is not None
    assert not Letter.objects.filter(handling_filter(users["supervisor"])).exists()


def test_the_filter_is_the_querysets_rule(world):
    letters, users = world
    handled = Letter.objects.filter(handling_filter(users["department_clerk"]))
    assert list(handled) == [letters["assigned"]]


def test_an_administrator_sees_the_mailbox_only_while_administering_it(world, mailbox):
    _letters, users = world
    administrator = users["administrator"]
    mailbox.administrators.remove(administrator)
    assert not Letter.objects.visible_to(administrator).exists()


def test_a_letter_is_listed_once_however_many_administrators_its_mailbox_has(
    world, mailbox, agency, department_clerk
):
    letters, users = world
    extra = [staff(f"mailbox-admin{n}", agency.office) for n in range(3)]
    mailbox.administrators.add(*extra, agency.clerk, department_clerk)
    assert mailbox.administrators.count() == 6
    total = Letter.objects.count()
    for who in ("clerk", "department_clerk", "administrator", "bureau_clerk"):
        user = users[who]
        assert Letter.objects.visible_to(user).count() == 2, who
        assert Letter.objects.handled_by(user).count() == 2, who
        assert Letter.objects.with_personal_data_flag(user).count() == total, who
    for who in ("supervisor", "superuser"):
        flagged = Letter.objects.visible_to(users[who]).with_personal_data_flag(users[who])
        assert flagged.count() == total == 3, who
    admin_list = Letter.objects.for_admin_list().visible_to(agency.clerk)
    assert len(admin_list.with_personal_data_flag(agency.clerk)) == 2


def test_a_user_who_administers_two_mailboxes_sees_each_letter_once(world, agency):
    letters, users = world
    theirs = Mailbox.objects.get(slug="elsewhere")
    theirs.administrators.add(users["administrator"], users["no_role"])
    assert names(world, Letter.objects.visible_to(users["administrator"])) == ALL
    assert names(world, Letter.objects.visible_to(users["no_role"])) == {"elsewhere"}


# --- open, running ------------------------------------------------------------------------


@pytest.fixture
def by_status(mailbox, agency, department):
    """One letter in each status, through the services."""
    clerk = agency.clerk

    def accepted(subject):
        return services.letter_accept(letter=submit(mailbox, subject=subject), by=clerk)

    letters = {
        S.RECEIVED: submit(mailbox, subject="待受理"),
        S.REJECTED: services.letter_reject(
            letter=submit(mailbox, subject="不予受理"), by=clerk, reason="不属于本机关职责"
        ),
        S.ACCEPTED: accepted("已受理"),
        S.ASSIGNED: services.letter_assign(
            letter=accepted("已转办"), by=clerk, department=department
        ),
        S.REPLIED: services.letter_reply(letter=accepted("已答复"), by=clerk, text="答复内容。"),
        S.CLOSED: close(submit(mailbox, subject="已办结"), agency),
        S.REOPENED: services.letter_rate(
            letter=close(submit(mailbox, subject="重办"), agency),
            satisfaction="unsatisfied",
            comment="没解决",
        ),
    }
    assert {
        status: Letter.objects.get(pk=letter.pk).status for status, letter in letters.items()
    } == {status: status for status in letters}
    return letters


def statuses(queryset) -> set[str]:
    return set(queryset.values_list("status", flat=True))


def test_open_letters_are_those_not_closed_or_rejected(by_status):
    assert statuses(Letter.objects.open()) == {
        S.RECEIVED,
        S.ACCEPTED,
        S.ASSIGNED,
        S.REPLIED,
        S.REOPENED,
    }
    assert statuses(Letter.objects.open()) == set(OPEN_STATUSES)
    assert Letter.objects.open().count() == 5


def test_running_letters_are_the_accepted_ones_not_yet_answered_for_good(by_status):
    assert statuses(Letter.objects.running()) == {S.ACCEPTED, S.ASSIGNED, S.REPLIED, S.REOPENED}
    assert statuses(Letter.objects.running()) == set(RUNNING_STATUSES)
    assert by_status[S.RECEIVED] not in Letter.objects.running()  # the clock has not started


def test_open_and_running_agree_with_the_letters_own_flag(by_status):
    for letter in by_status.values():
        letter.refresh_from_db()
        assert (letter in Letter.objects.open()) is letter.is_open, letter.status


# --- due_by -------------------------------------------------------------------------------


def accepted_on_a_monday(mailbox, agency, subject):
    """Received and accepted on Monday 3 March 2025."""
    letter = submit(mailbox, subject=subject, now=at(2025, 3, 3, 9))
    return services.letter_accept(letter=letter, by=agency.clerk, now=at(2025, 3, 3, 10))


def test_due_by_lists_running_letters_due_on_or_before_the_day(mailbox, agency):
    letter = accepted_on_a_monday(mailbox, agency, "咨询")
    assert letter.due_on is not None
    assert letter in Letter.objects.due_by(letter.due_on)
    assert letter not in Letter.objects.due_by(letter.due_on - timedelta(days=1))
    assert letter in Letter.objects.due_by(letter.due_on + timedelta(days=30))  # overdue too


def test_due_by_leaves_out_a_paused_letter_until_it_resumes(mailbox, agency):
    running = accepted_on_a_monday(mailbox, agency, "计时中")
    paused = accepted_on_a_monday(mailbox, agency, "暂停计时")
    paused = services.letter_pause(
        letter=paused, by=agency.clerk, reason="等待来信人补充材料", now=at(2025, 3, 4, 10)
    )
    day = max(running.due_on, paused.due_on) + timedelta(days=30)
    assert paused.paused_since is not None and paused.due_on <= day  # due, but paused
    assert list(Letter.objects.due_by(day)) == [running]
    paused = services.letter_resume(letter=paused, by=agency.clerk, now=at(2025, 3, 5, 10))
    assert set(Letter.objects.due_by(day)) == {running, paused}


def test_due_by_leaves_out_letters_whose_clock_does_not_run(mailbox, agency):
    waiting = submit(mailbox, subject="待受理", now=at(2025, 3, 3, 9))
    closed = close(
        submit(mailbox, subject="已办结", now=at(2025, 3, 3, 9)), agency, now=at(2025, 3, 4, 10)
    )
    day = closed.due_on + timedelta(days=30)
    assert waiting.due_on is None and closed.due_on <= day
    assert not Letter.objects.due_by(day).exists()


# --- unanswered_since ---------------------------------------------------------------------


def test_unanswered_since_lists_open_letters_received_before_the_moment(mailbox, agency):
    moment = at(2025, 6, 1, 0)
    old = {"received": submit(mailbox, subject="未受理", now=at(2025, 3, 3, 9))}
    old["accepted"] = services.letter_accept(
        letter=submit(mailbox, subject="已受理", now=at(2025, 3, 3, 9)),
        by=agency.clerk,
        now=at(2025, 3, 3, 10),
    )
    old["replied"] = services.letter_reply(  # drafted, not yet approved: not sent
        letter=services.letter_accept(
            letter=submit(mailbox, subject="答复待审", now=at(2025, 3, 3, 9)), by=agency.clerk
        ),
        by=agency.clerk,
        text="答复内容。",
    )
    close(submit(mailbox, subject="已办结", now=at(2025, 3, 3, 9)), agency)
    services.letter_reject(
        letter=submit(mailbox, subject="不予受理", now=at(2025, 3, 3, 9)),
        by=agency.clerk,
        reason="不属于本机关职责",
    )
    submit(mailbox, subject="恰在此刻", now=moment)
    submit(mailbox, subject="之后来信", now=moment + timedelta(days=1))
    found = Letter.objects.unanswered_since(moment)
    assert set(found) == set(old.values())


def test_a_reopened_letter_is_unanswered_again(mailbox, agency):
    letter = close(submit(mailbox, now=at(2025, 3, 3, 9)), agency)
    assert not Letter.objects.unanswered_since(timezone.now()).exists()
    services.letter_rate(letter=letter, satisfaction="unsatisfied", comment="没解决")
    assert list(Letter.objects.unanswered_since(timezone.now())) == [letter]


# --- for_admin_list -----------------------------------------------------------------------


def test_the_admin_list_joins_mailbox_and_department_and_leaves_the_texts(
    mailbox, agency, department, django_assert_num_queries
):
    submit(mailbox)
    assigned = services.letter_accept(letter=submit(mailbox), by=agency.clerk)
    services.letter_assign(letter=assigned, by=agency.clerk, department=department)
    close(submit(mailbox), agency)
    with django_assert_num_queries(1):
        rows = list(Letter.objects.for_admin_list())
        assert {row.mailbox.name for row in rows} == {"局长信箱"}
        departments = {row.department.name if row.department else None for row in rows}
        assert departments == {None, "社会救助处", agency.office.name}
        assert all(row.tracking_code and row.subject for row in rows)
    assert {"body", "reply_text"} <= rows[0].get_deferred_fields()


# --- ReplyQuerySet ------------------------------------------------------------------------


def test_the_public_sees_only_published_replies(mailbox, agency):
    live = publish_reply(Reply.objects.get(letter=close(submit(mailbox), agency)), agency)
    Reply.objects.get(letter=close(submit(mailbox), agency))  # a draft
    submitted = Reply.objects.get(letter=close(submit(mailbox), agency))
    workflow.perform(submitted, step="submit", by=agency.clerk)
    withdrawn = publish_reply(Reply.objects.get(letter=close(submit(mailbox), agency)), agency)
    workflow.perform(withdrawn, step="withdraw", by=agency.publisher, note="调整")
    assert Reply.objects.count() == 4
    assert list(Reply.objects.published()) == [live]


def test_a_scheduled_reply_is_public_once_its_time_has_come(mailbox, agency):
    live = publish_reply(Reply.objects.get(letter=close(submit(mailbox), agency)), agency)
    scheduled = Reply.objects.get(letter=close(submit(mailbox), agency))
    scheduled = workflow.perform(scheduled, step="submit", by=agency.clerk)
    scheduled = workflow.perform(scheduled, step="approve", by=agency.reviewer, note="同意公开。")
    in_two_days = timezone.now() + timedelta(days=2)
    workflow.perform(scheduled, step="publish", by=agency.publisher, publish_at=in_two_days)
    assert list(Reply.objects.published()) == [live]
    later = in_two_days + timedelta(minutes=1)
    assert set(Reply.objects.published(now=later)) == {live, scheduled}


def test_a_reply_listing_joins_what_a_row_shows_and_not_the_letter(
    mailbox, agency, department, django_assert_num_queries
):
    for _ in range(2):
        letter = close(submit(mailbox), agency, department=department)
        publish_reply(Reply.objects.get(letter=letter), agency)
    with django_assert_num_queries(1):
        rows = list(Reply.objects.published().for_listing())
        assert {(row.mailbox.slug, row.mailbox.name) for row in rows} == {("director", "局长信箱")}
        assert {row.department.name for row in rows} == {"社会救助处"}
        assert all(row.title and row.letter_text and row.answer and row.is_live for row in rows)
    assert len(rows) == 2
    assert {"letter_id", "owner_organization_id", "status"} <= rows[0].get_deferred_fields()
