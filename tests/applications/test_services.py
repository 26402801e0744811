"""Every application service: the happy path and each refusal. Dates are real 2026 dates
against the calendar the portal seeds (清明 4–6 April 2026)."""

import threading
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connections

from disclosure.applications import fees, services
from disclosure.applications.models import AnswerLetter, Application, ApplicationEvent
from portal.models import CalendarDay
from tests.applications.factories import APPLICANT, at, received
from tests.portal.roles import staff

Kind = ApplicationEvent.Kind
Status = Application.Status
MARCH_2 = date(2026, 3, 2)  # a Monday; due 30 March


def kinds(application):
    return list(application.timeline().values_list("kind", flat=True))


@pytest.fixture
def app(agency):
    return received(agency.office, agency.clerk, MARCH_2)


# --- intake --------------------------------------------------------------------------------


def test_an_online_application_waits_for_confirmation_and_counts_from_that_day(agency):
    application = services.application_submit(
        data={**APPLICANT, "organization": agency.office}, submission_token="t-1",
        now=at(date(2026, 2, 28)),
    )  # fmt: skip
    assert application.status == Status.PENDING
    assert application.number == "YSQ-2026-00001"
    assert application.received_on is None and application.due_on is None
    assert str(application) == "申请 YSQ-2026-00001"
    services.application_confirm(application=application, by=agency.clerk, now=at(MARCH_2))
    application.refresh_from_db()
    assert application.status == Status.PROCESSING
    assert application.received_on == MARCH_2
    assert application.due_on == date(2026, 3, 30)
    assert kinds(application) == [Kind.SUBMITTED, Kind.CONFIRMED]
    clock = services.clock_of(application, today=MARCH_2)
    assert clock.explanation[1] == "收到日期 2026-03-02（网上申请：机关确认之日）"


def test_a_double_submission_with_the_same_token_creates_one_application(agency):
    data = {**APPLICANT, "organization": agency.office}
    first = services.application_submit(data=data, submission_token="same")
    second = services.application_submit(data=data, submission_token="same")
    assert first.pk == second.pk
    assert Application.objects.count() == 1
    assert ApplicationEvent.objects.count() == 1


def test_the_applicant_finds_the_application_with_code_and_password_only(agency):
    application = services.application_submit(
        data={**APPLICANT, "organization": agency.office}, submission_token="tok"
    )
    password = services.query_password("tok")
    found = services.application_find(
        tracking_code=application.tracking_code.lower(), password=password
    )
    assert found == application
    assert (
        services.application_find(tracking_code=application.tracking_code, password="WRONG") is None
    )
    assert services.application_find(tracking_code="NOSUCHCODE", password=password) is None


def test_numbers_count_up_within_a_year(agency):
    first = received(agency.office, agency.clerk, MARCH_2)
    second = received(agency.office, agency.clerk, MARCH_2)
    assert (first.number, second.number) == ("YSQ-2026-00001", "YSQ-2026-00002")


def test_a_registered_letter_counts_from_the_day_it_was_signed_for(agency):
    application, password = services.application_register(
        data={**APPLICANT, "organization": agency.office}, channel="registered_mail",
        received_on=date(2026, 3, 2), by=agency.clerk, now=at(date(2026, 3, 4)),
    )  # fmt: skip
    assert application.received_on == date(2026, 3, 2)
    assert application.due_on == date(2026, 3, 30)
    assert services.application_find(tracking_code=application.tracking_code, password=password)


def test_an_ordinary_letter_waits_for_confirmation_with_the_applicant(agency):
    application, _ = services.application_register(
        data={**APPLICANT, "organization": agency.office}, channel="ordinary_mail",
        received_on=None, by=agency.clerk, now=at(date(2026, 2, 27)),
    )  # fmt: skip
    assert application.status == Status.PENDING
    services.application_confirm(application=application, by=agency.clerk, now=at(MARCH_2))
    application.refresh_from_db()
    assert application.received_on == MARCH_2


@pytest.mark.parametrize(
    ("channel", "received_on", "message"),
    [
        ("in_person", None, "须填写收到日期"),
        ("in_person", date(2030, 1, 1), "不能晚于今天"),
        ("online", MARCH_2, "网上申请由申请人自行提交"),
    ],
)
def test_registration_refuses_a_missing_or_impossible_receipt_date(
    agency, channel, received_on, message
):
    with pytest.raises(ValidationError, match=message):
        services.application_register(
            data={**APPLICANT, "organization": agency.office}, channel=channel,
            received_on=received_on, by=agency.clerk, now=at(MARCH_2),
        )  # fmt: skip


def test_registration_needs_the_handling_permission_and_the_own_organization(agency):
    data = {**APPLICANT, "organization": agency.office}
    with pytest.raises(PermissionDenied):
        services.application_register(data=data, channel="in_person", received_on=MARCH_2,
                                      by=agency.publisher)  # fmt: skip
    with pytest.raises(PermissionDenied, match="只能为本机关登记"):
        services.application_register(
            data={**data, "organization": agency.elsewhere}, channel="in_person",
            received_on=MARCH_2, by=agency.clerk,
        )  # fmt: skip


def test_a_confirmed_application_cannot_be_confirmed_again(agency, app):
    with pytest.raises(ValidationError, match="不能确认受理"):
        services.application_confirm(application=app, by=agency.clerk, now=at(MARCH_2))


def test_a_clerk_of_another_agency_cannot_handle_the_application(agency, app):
    outsider = staff("outside-clerk", agency.elsewhere, "信息员")
    with pytest.raises(PermissionDenied, match="不归您所在机构"):
        services.application_consult(application=app, by=outsider, party="甲")


def test_the_monthly_count_identifies_the_applicant_by_identity_document(agency):
    for day in (2, 3, 4):
        received(agency.office, agency.clerk, date(2026, 3, day))
    other = received(agency.office, agency.clerk, date(2026, 3, 5), id_number="110105194912310037")
    april = received(agency.office, agency.clerk, date(2026, 4, 1))
    third = Application.objects.order_by("pk")[2]
    assert services.monthly_count(third) == 3
    assert services.monthly_count(other) == 1
    assert services.monthly_count(april) == 1


def test_applications_above_the_monthly_threshold_are_flagged(agency, settings):
    settings.APPLY_HIGH_VOLUME_PER_MONTH = 2
    flags = [received(agency.office, agency.clerk, MARCH_2).is_high_volume for _ in range(3)]
    assert flags == [False, False, True]


def test_the_applicant_may_withdraw_and_the_case_closes_as_other(agency, app):
    services.application_withdraw(application=app, by=agency.clerk, note="申请人书面撤回",
                                  now=at(date(2026, 3, 5)))  # fmt: skip
    app.refresh_from_db()
    assert (app.status, app.outcome, app.decided_on) == (Status.CLOSED, "6.3", date(2026, 3, 5))


# --- 补正 -----------------------------------------------------------------------------------


def test_a_supplement_request_stops_the_clock_and_the_supplement_restarts_it(agency, app):
    services.application_request_supplement(
        application=app,
        by=agency.clerk,
        items="请补充所需信息的文号或年份。",
        now=at(date(2026, 3, 5)),
    )
    app.refresh_from_db()
    assert app.status == Status.SUPPLEMENT
    assert app.due_on is None
    services.application_receive_supplement(application=app, by=agency.clerk, on=date(2026, 3, 16),
                                            now=at(date(2026, 3, 17)))  # fmt: skip
    app.refresh_from_db()
    assert app.status == Status.PROCESSING
    assert app.due_on == date(2026, 4, 14)  # 20 working days from 16 March, past 清明


def test_a_supplement_is_requested_once_only(agency, app):
    services.application_request_supplement(application=app, by=agency.clerk, items="补充文号",
                                            now=at(date(2026, 3, 3)))  # fmt: skip
    services.application_receive_supplement(
        application=app, by=agency.clerk, now=at(date(2026, 3, 4))
    )
    with pytest.raises(ValidationError, match="只能发出一次"):
        services.application_request_supplement(application=app, by=agency.clerk, items="再补充",
                                                now=at(date(2026, 3, 5)))  # fmt: skip


def test_a_supplement_cannot_be_requested_after_seven_working_days(agency, app):
    # 2 March + 7 working days = 11 March.
    services.application_request_supplement(application=app, by=agency.clerk, items="补充",
                                            now=at(date(2026, 3, 11)))  # fmt: skip
    late = received(agency.office, agency.clerk, MARCH_2)
    with pytest.raises(ValidationError, match="7 个工作日"):
        services.application_request_supplement(application=late, by=agency.clerk, items="补充",
                                                now=at(date(2026, 3, 12)))  # fmt: skip


def test_a_supplement_request_lists_its_items(agency, app):
    with pytest.raises(ValidationError, match="一次性列明"):
        services.application_request_supplement(application=app, by=agency.clerk, items=" ")


def test_no_supplement_by_the_deadline_closes_the_application_as_other_one(agency, app, settings):
    settings.APPLY_SUPPLEMENT_DAYS = 5
    services.application_request_supplement(application=app, by=agency.clerk, items="补充",
                                            now=at(date(2026, 3, 3)))  # fmt: skip
    # 3 March + 5 working days = 10 March.
    with pytest.raises(ValidationError, match="尚未届满"):
        services.application_supplement_expired(
            application=app, by=agency.clerk, now=at(date(2026, 3, 10))
        )
    services.application_supplement_expired(
        application=app, by=agency.clerk, now=at(date(2026, 3, 11))
    )
    app.refresh_from_db()
    assert (app.status, app.outcome, app.decided_on) == (Status.CLOSED, "6.1", date(2026, 3, 11))
    assert app.closed_on == date(2026, 3, 11)


def test_a_supplement_cannot_be_received_when_none_was_asked(agency, app):
    with pytest.raises(ValidationError, match="不能收到补正"):
        services.application_receive_supplement(application=app, by=agency.clerk)


# --- 征求意见 -------------------------------------------------------------------------------


def test_consultation_time_is_not_counted(agency, app):
    services.application_consult(application=app, by=agency.clerk, party="第三方企业",
                                 now=at(date(2026, 3, 9)))  # fmt: skip
    app.refresh_from_db()
    assert app.status == Status.CONSULTING
    event = app.timeline().last()
    assert event.data["reply_due_on"] == "2026-03-30"
    services.application_consultation_answered(application=app, by=agency.clerk, party="第三方企业",
                                               now=at(date(2026, 3, 16)))  # fmt: skip
    app.refresh_from_db()
    assert (app.status, app.paused_days, app.due_on) == (Status.PROCESSING, 5, date(2026, 4, 7))


def test_an_answer_cannot_be_recorded_without_a_consultation(agency, app):
    with pytest.raises(ValidationError, match="不能收到意见"):
        services.application_consultation_answered(application=app, by=agency.clerk)


def test_a_silent_consultation_stops_pausing_after_fifteen_days_and_a_late_reply_is_recorded(
    agency, app
):
    services.application_consult(application=app, by=agency.clerk, party="某公司",
                                 now=at(date(2026, 3, 9)))  # fmt: skip
    services.recompute_open_applications(now=at(date(2026, 3, 31)))
    app.refresh_from_db()
    assert (app.status, app.paused_days, app.due_on) == (Status.PROCESSING, 15, date(2026, 4, 21))
    services.application_consultation_answered(application=app, by=agency.clerk, party="某公司",
                                               now=at(date(2026, 4, 8)))  # fmt: skip
    app.refresh_from_db()
    assert (app.status, app.paused_days, app.due_on) == (Status.PROCESSING, 15, date(2026, 4, 21))
    with pytest.raises(ValidationError, match="没有等待答复的征求意见"):
        services.application_consultation_answered(application=app, by=agency.clerk,
                                                   now=at(date(2026, 4, 9)))  # fmt: skip


def test_a_consultation_names_its_party(agency, app):
    with pytest.raises(ValidationError, match="征求意见的对象"):
        services.application_consult(application=app, by=agency.clerk, party="")


# --- 收费 -----------------------------------------------------------------------------------


def test_a_page_fee_notice_stops_the_clock_until_payment(agency, app):
    app, fee = services.application_fee_notice(application=app, by=agency.clerk, method=fees.PER_PAGE,
                                               pages=40, now=at(date(2026, 3, 9)))  # fmt: skip
    assert fee.amount == 100
    app.refresh_from_db()
    assert app.status == Status.AWAITING_FEE
    notice = app.timeline().last()
    assert (notice.data["amount"], notice.data["method"]) == (100, "per_page")
    services.application_fee_paid(application=app, by=agency.clerk, on=date(2026, 3, 13),
                                  now=at(date(2026, 3, 13)))  # fmt: skip
    app.refresh_from_db()
    assert (app.status, app.paused_days, app.due_on) == (Status.PROCESSING, 4, date(2026, 4, 3))


def test_the_first_ten_applications_of_a_month_carry_no_fee(agency, app):
    with pytest.raises(ValidationError, match="不收费"):
        services.application_fee_notice(
            application=app, by=agency.clerk, method=fees.PER_APPLICATION
        )


def test_the_eleventh_application_of_the_month_costs_one_hundred_yuan(agency):
    for _ in range(10):
        received(agency.office, agency.clerk, MARCH_2)
    eleventh = received(agency.office, agency.clerk, MARCH_2)
    _, fee = services.application_fee_notice(application=eleventh, by=agency.clerk,
                                             method=fees.PER_APPLICATION, now=at(date(2026, 3, 3)))  # fmt: skip
    assert (fee.quantity, fee.amount) == (11, 100)
    note = eleventh.timeline().last().note
    assert "数量、频次明显超过合理范围" in note


def test_one_fee_notice_per_application_by_one_method(agency, app):
    with pytest.raises(ValidationError, match="二者不能同时适用"):
        services.application_fee_notice(application=app, by=agency.clerk, method="both", pages=40)
    services.application_fee_notice(application=app, by=agency.clerk, method=fees.PER_PAGE, pages=40,
                                    now=at(date(2026, 3, 3)))  # fmt: skip
    services.application_fee_paid(application=app, by=agency.clerk, now=at(date(2026, 3, 4)))
    with pytest.raises(ValidationError, match="已发出过收费通知"):
        services.application_fee_notice(application=app, by=agency.clerk, method=fees.PER_PAGE, pages=40,
                                        now=at(date(2026, 3, 5)))  # fmt: skip


def test_an_unpaid_fee_closes_the_application_as_other_two(agency, app):
    services.application_fee_notice(application=app, by=agency.clerk, method=fees.PER_PAGE, pages=40,
                                    now=at(date(2026, 3, 2)))  # fmt: skip
    # 2 March + 20 working days = 30 March.
    with pytest.raises(ValidationError, match="尚未届满"):
        services.application_fee_expired(
            application=app, by=agency.clerk, now=at(date(2026, 3, 30))
        )
    services.application_fee_expired(application=app, by=agency.clerk, now=at(date(2026, 3, 31)))
    app.refresh_from_db()
    assert (app.status, app.outcome) == (Status.CLOSED, "6.2")


# --- answer, review, issue, service ----------------------------------------------------------


def answered(agency, application, **kwargs):
    kwargs.setdefault("outcome", "1")
    day = at(date(2026, 3, 20))
    letter = services.application_answer(
        application=application, by=agency.clerk, now=day, **kwargs
    )
    services.answer_letter_submit(letter=letter, by=agency.clerk, now=day)
    services.answer_letter_approve(letter=letter, by=agency.reviewer, note="同意", now=day)
    return services.answer_letter_issue(letter=letter, by=agency.publisher, now=day)


def test_the_answer_goes_through_review_and_issuing_it_answers_the_application(agency, app):
    letter = answered(agency, app)
    app.refresh_from_db()
    assert letter.is_live
    assert (app.status, app.outcome, app.decided_on) == (Status.ANSWERED, "1", date(2026, 3, 20))
    assert kinds(app)[-3:] == [Kind.ANSWER_DRAFTED, Kind.ANSWER_APPROVED, Kind.ANSWERED]
    assert app.is_overdue is False
    services.application_serve(
        application=app, by=agency.clerk, method="post", now=at(date(2026, 3, 23))
    )
    app.refresh_from_db()
    assert (app.status, app.closed_on) == (Status.CLOSED, date(2026, 3, 23))


def test_the_letter_body_comes_from_its_template_unless_the_clerk_wrote_one(agency, app):
    letter = services.application_answer(application=app, by=agency.clerk, outcome="1")
    assert letter.body.strip()
    assert letter.body == services.generated_text(letter)
    custom = services.application_answer(application=app, by=agency.clerk, outcome="1", body="正文")
    assert custom.pk == letter.pk and custom.body == "正文"


def test_the_drafter_of_a_letter_cannot_approve_it(agency, app):
    letter = services.application_answer(application=app, by=agency.clerk_and_reviewer, outcome="1")
    services.answer_letter_submit(letter=letter, by=agency.clerk_and_reviewer)
    with pytest.raises(PermissionDenied, match="不能审核自己"):
        services.answer_letter_approve(letter=letter, by=agency.clerk_and_reviewer, note="同意")
    assert not ApplicationEvent.objects.filter(kind=Kind.ANSWER_APPROVED).exists()


def test_a_refusal_needs_reasons_and_legal_basis(agency, app):
    with pytest.raises(ValidationError) as refused:
        services.application_answer(application=app, by=agency.clerk, outcome="3.1")
    assert set(refused.value.message_dict) == {"reasons", "legal_basis"}


PARTIAL = {"reasons": "名单中含有个人身份证号码", "legal_basis": "条例第十五条、第三十七条"}


def test_a_partial_disclosure_needs_reasons_and_legal_basis_for_the_part_withheld(agency, app):
    with pytest.raises(ValidationError) as refused:
        services.application_answer(application=app, by=agency.clerk, outcome="2")
    assert set(refused.value.message_dict) == {"reasons", "legal_basis"}
    assert "第三十七条" in refused.value.message_dict["reasons"][0]
    letter = services.application_answer(application=app, by=agency.clerk, outcome="2", **PARTIAL)
    assert "名单中含有个人身份证号码" in letter.body
    assert "依法不应当公开" not in letter.body


@pytest.mark.parametrize(("outcome", "step"), [("6.1", "逾期未补正"), ("6.2", "逾期未缴费")])
def test_other_handling_one_and_two_are_no_answer_a_clerk_drafts(agency, app, outcome, step):
    with pytest.raises(ValidationError, match=step) as refused:
        services.application_answer(application=app, by=agency.clerk, outcome=outcome,
                                    reasons="逾期")  # fmt: skip
    assert set(refused.value.message_dict) == {"outcome"}
    assert not AnswerLetter.objects.exists()
    assert Kind.ANSWER_DRAFTED not in kinds(app)


def test_still_unclear_after_supplement_needs_a_supplement_asked_for_and_received(agency, app):
    with pytest.raises(ValidationError, match="须先告知补正并收到补正材料"):
        services.application_answer(application=app, by=agency.clerk, outcome="4.3")
    services.application_request_supplement(application=app, by=agency.clerk, items="请写明文件名称",
                                             now=at(date(2026, 3, 3)))  # fmt: skip
    services.application_receive_supplement(application=app, by=agency.clerk,
                                             now=at(date(2026, 3, 9)))  # fmt: skip
    letter = services.application_answer(application=app, by=agency.clerk, outcome="4.3",
                                         now=at(date(2026, 3, 10)))  # fmt: skip
    assert letter.outcome == "4.3"
    assert not AnswerLetter.objects.exclude(pk=letter.pk).exists()


def test_not_ours_needs_the_other_agency_and_its_contact(agency, app):
    with pytest.raises(ValidationError) as refused:
        services.application_answer(
            application=app, by=agency.clerk, outcome="4.1", letter_type="not_ours"
        )
    assert set(refused.value.message_dict) == {"other_agency_name", "other_agency_contact"}
    letter = services.application_answer(
        application=app, by=agency.clerk, outcome="4.1", letter_type="not_ours",
        other_agency_name="市规划自然资源局", other_agency_contact="023-12345678",
    )  # fmt: skip
    assert letter.letter_type == "not_ours"


def test_an_outcome_takes_only_its_own_letter_types(agency, app):
    with pytest.raises(ValidationError, match="告知书类型只能是"):
        services.application_answer(
            application=app, by=agency.clerk, outcome="2", letter_type="refuse"
        )
    with pytest.raises(ValidationError, match="请选择办理结果"):
        services.application_answer(application=app, by=agency.clerk, outcome="7")


def test_a_letter_under_review_cannot_be_redrafted(agency, app):
    letter = services.application_answer(application=app, by=agency.clerk, outcome="1")
    services.answer_letter_submit(letter=letter, by=agency.clerk)
    with pytest.raises(ValidationError, match="正在审核中"):
        services.application_answer(application=app, by=agency.clerk, outcome="2", **PARTIAL)


def test_a_letter_cannot_be_issued_while_the_clock_is_paused(agency, app):
    letter = services.application_answer(application=app, by=agency.clerk, outcome="1")
    services.application_consult(application=app, by=agency.clerk, party="甲")
    services.answer_letter_submit(letter=letter, by=agency.clerk)
    with pytest.raises(ValidationError, match="征求意见"):
        services.answer_letter_approve(letter=letter, by=agency.reviewer, note="同意")


def test_an_answer_letter_is_never_scheduled(agency, app):
    from datetime import timedelta

    from django.utils import timezone

    from portal import workflow

    letter = services.application_answer(application=app, by=agency.clerk, outcome="1")
    services.answer_letter_submit(letter=letter, by=agency.clerk)
    services.answer_letter_approve(letter=letter, by=agency.reviewer, note="同意")
    with pytest.raises(ValidationError, match="不能定时"):
        workflow.perform(letter, step="publish", by=agency.publisher,
                         publish_at=timezone.now() + timedelta(days=2))  # fmt: skip
    assert AnswerLetter.objects.get(pk=letter.pk).is_live is False


def test_service_is_in_person_by_another_agency_or_by_post_never_by_courier(agency, app):
    answered(agency, app)
    with pytest.raises(ValidationError, match="不得使用快递"):
        services.application_serve(application=app, by=agency.clerk, method="courier")


def test_an_unanswered_application_cannot_be_served(agency, app):
    with pytest.raises(ValidationError, match="不能送达"):
        services.application_serve(application=app, by=agency.clerk, method="post")


# --- upkeep ---------------------------------------------------------------------------------


def test_a_holiday_added_to_the_calendar_moves_open_due_dates(
    agency, app, django_capture_on_commit_callbacks
):
    assert app.due_on == date(2026, 3, 30)
    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(
            day=date(2026, 3, 20), kind=CalendarDay.Kind.HOLIDAY, name="测试"
        )
    app.refresh_from_db()
    assert app.due_on == date(2026, 3, 31)
    last = app.timeline().last()
    assert last.kind == Kind.RECALCULATED
    assert "2026-03-30 调整为 2026-03-31" in last.note


def test_rollover_marks_open_applications_once(agency):
    december = received(agency.office, agency.clerk, date(2025, 12, 22))
    decided = received(agency.office, agency.clerk, date(2025, 12, 1))
    services.application_withdraw(application=decided, by=agency.clerk, note="撤回",
                                  now=at(date(2025, 12, 5)))  # fmt: skip
    assert services.applications_rollover(2026, now=at(date(2026, 1, 1))) == 1
    assert services.applications_rollover(2026, now=at(date(2026, 1, 2))) == 0
    assert kinds(december)[-1] == Kind.ROLLED_OVER
    assert december.timeline().last().on == date(2026, 1, 1)


def test_the_daily_command_flags_overdue_applications_and_is_idempotent(agency, app, capsys):
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=at(date(2026, 4, 1))):
        call_command("applications_deadlines")
        call_command("applications_deadlines")
    app.refresh_from_db()
    assert app.is_overdue is True
    assert Application.objects.overdue(date(2026, 4, 1)).get() == app
    assert kinds(app).count(Kind.RECALCULATED) == 0
    assert "超期 1 件" in capsys.readouterr().out


# --- races ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_confirmations_make_one(agency):
    application = services.application_submit(
        data={**APPLICANT, "organization": agency.office}, submission_token="race"
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def act(user):
        try:
            barrier.wait()
            services.application_confirm(
                application=Application.objects.get(pk=application.pk), by=user
            )
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(u,)) for u in (agency.clerk, agency.second_clerk)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1
    refusal = next(o for o in outcomes if o != "ok")
    assert "不能确认受理" in refusal.messages[0]
    assert ApplicationEvent.objects.filter(kind=Kind.CONFIRMED).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_posts_of_one_form_create_one_application(agency):
    barrier = threading.Barrier(2)
    made = []

    def post():
        try:
            barrier.wait()
            data = {**APPLICANT, "organization": agency.office}
            made.append(services.application_submit(data=data, submission_token="twin").pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 2 and made[0] == made[1]
    assert Application.objects.count() == 1
    assert ApplicationEvent.objects.filter(kind=Kind.SUBMITTED).count() == 1
