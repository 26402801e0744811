"""The statutory clock traced with real 2026 dates (the State Council's arrangement: 清明
4–6 April; 中秋 25–27 September; 国庆 1–7 October with 调休 working Sunday 20 September
and Saturday 10 October). Every expected date was counted by hand on a calendar."""

from datetime import date, timedelta

import pytest

from disclosure.applications import clock
from disclosure.applications.clock import ClockEvent as E
from disclosure.applications.models import Application, ApplicationEvent

QINGMING = {date(2026, 4, 4), date(2026, 4, 5), date(2026, 4, 6)}
MID_AUTUMN = {date(2026, 9, 25), date(2026, 9, 26), date(2026, 9, 27)}
NATIONAL_DAY = {date(2026, 10, d) for d in range(1, 8)}
NEW_YEAR_2027 = {date(2027, 1, 1)}
HOLIDAYS = QINGMING | MID_AUTUMN | NATIONAL_DAY | NEW_YEAR_2027
WORKDAYS = {date(2026, 9, 20), date(2026, 10, 10)}


def run(events, today, holidays=HOLIDAYS, workdays=WORKDAYS, **kwargs):
    return clock.compute(events, holidays=holidays, workdays=workdays, today=today, **kwargs)


def received(on, channel="in_person"):
    return E("registered", on, {"channel": channel, "received": True})


# Received Monday 2 March 2026: day 1 is Tuesday 3 March; 20 working days end on Monday 30
# March (3–6, 9–13, 16–20, 23–27, 30).
MARCH = received(date(2026, 3, 2))


def test_the_receipt_day_is_not_counted_and_national_day_is_skipped_with_its_swapped_days():
    # Received Monday 14 September: 15–18 (4), Sunday 20 worked (5), 21–24 (9), 25 中秋,
    # 28–30 (12), 1–7 October 国庆, 8–9 (14), Saturday 10 worked (15), 12–16 (20).
    result = run([received(date(2026, 9, 14))], today=date(2026, 9, 14))
    assert result.received_on == date(2026, 9, 14)
    assert result.due_on == date(2026, 10, 16)
    assert result.status == "processing"
    assert result.explanation[1] == (
        "答复期限 2026-10-16：自 2026-09-14 次日起计 20 个工作日"
        "（其间法定节假日 6 个工作日不计，调休上班日 2 天计入）"
    )


@pytest.mark.parametrize(
    ("today", "days_left"),
    [
        (date(2026, 9, 14), 20),
        (date(2026, 9, 18), 16),
        (date(2026, 9, 19), 16),  # Saturday
        (date(2026, 9, 20), 15),  # the swapped working Sunday counts
        (date(2026, 9, 25), 11),  # 中秋: no working day passes
        (date(2026, 9, 30), 8),
        (date(2026, 10, 4), 8),  # 国庆
        (date(2026, 10, 8), 7),
        (date(2026, 10, 10), 5),  # the swapped working Saturday
        (date(2026, 10, 11), 5),
        (date(2026, 10, 16), 0),
        (date(2026, 10, 17), 0),  # Saturday after the due day: no working day late yet ...
        (date(2026, 10, 19), -1),
    ],
)
def test_days_left_traced_day_by_day_across_national_day(today, days_left):
    result = run([received(date(2026, 9, 14))], today=today)
    assert result.days_left == days_left
    assert result.is_overdue is (today > date(2026, 10, 16))  # ... but overdue already


def test_the_weekend_after_the_due_day_is_overdue_with_no_working_day_counted():
    # Due Monday 30 March; on Saturday 4 April (清明 4–6) nothing was answered.
    result = run([MARCH], today=date(2026, 4, 4))
    assert result.days_left == -4  # 31 March, 1, 2, 3 April
    friday_due = run([received(date(2026, 9, 14))], today=date(2026, 10, 17))
    assert friday_due.is_overdue is True and friday_due.days_left == 0
    assert friday_due.explanation[-1] == "截至 2026-10-17 已超期（答复期限 2026-10-16 已过）"


@pytest.mark.parametrize(
    ("channel", "rule"),
    [
        ("in_person", "当面提交：提交之日"),
        ("registered_mail", "邮政寄送：签收之日"),
        ("email", "电子邮件：电子邮件系统收到之日"),
        ("oral", "口头申请：代为填写之日"),
    ],
)
def test_channels_received_when_registered_count_from_the_registered_day(channel, rule):
    result = run([received(date(2026, 3, 2), channel)], today=date(2026, 3, 2))
    assert result.received_on == date(2026, 3, 2)
    assert result.due_on == date(2026, 3, 30)
    assert result.explanation[0] == f"收到日期 2026-03-02（{rule}）"


@pytest.mark.parametrize(
    ("channel", "first", "rule"),
    [
        ("online", "submitted", "网上申请：机关确认之日"),
        ("fax", "registered", "传真：双方确认之日"),
        ("ordinary_mail", "registered", "平信：与申请人确认之日"),
    ],
)
def test_confirmed_channels_wait_for_the_confirmation_day(channel, first, rule):
    events = [E(first, date(2026, 2, 26), {"channel": channel})]
    pending = run(events, today=date(2026, 2, 27))
    assert pending.status == "pending"
    assert pending.received_on is None
    assert pending.due_on is None
    assert pending.days_left is None
    confirmed = run([*events, E("confirmed", date(2026, 3, 2))], today=date(2026, 3, 2))
    assert confirmed.received_on == date(2026, 3, 2)
    assert confirmed.due_on == date(2026, 3, 30)
    assert f"收到日期 2026-03-02（{rule}）" in confirmed.explanation


def test_supplement_requests_have_seven_working_days_from_receipt():
    # Received Friday 18 September: Sunday 20 worked (1), 21–24 (5), 25 中秋, 28–29 (7).
    result = run([received(date(2026, 9, 18))], date(2026, 9, 18))
    assert result.supplement_due_on == date(2026, 9, 29)
    assert run([MARCH], date(2026, 3, 2)).supplement_due_on == date(2026, 3, 11)


def test_waiting_for_a_supplement_has_no_due_date_and_the_clock_restarts_on_its_arrival():
    asked = [MARCH, E("supplement_requested", date(2026, 3, 5), {"deadline_on": "2026-03-26"})]
    waiting = run(asked, today=date(2026, 3, 10))
    assert waiting.status == "supplement"
    assert waiting.due_on is None
    assert waiting.applicant_due_on == date(2026, 3, 26)
    assert "第 3 个工作日" in waiting.explanation[1]
    # Supplement arrives Monday 16 March: 17–20 (4), 23–27 (9), 30–3 April (14), 6 April
    # 清明, 7–10 (18), 13–14 (20).
    restarted = run([*asked, E("supplement_received", date(2026, 3, 16))], date(2026, 3, 16))
    assert restarted.status == "processing"
    assert restarted.received_on == date(2026, 3, 2)
    assert restarted.started_on == date(2026, 3, 16)
    assert restarted.due_on == date(2026, 4, 14)
    assert restarted.applicant_due_on is None
    assert "补正后重新起算：2026-03-16 收到补正材料，自次日起重新计算 20 个工作日" in (
        restarted.explanation
    )


def test_consultation_time_is_not_counted():
    # Sent Monday 9 March, answered Monday 16 March: 10–13 and 16 stand still (5 days);
    # 30 March + 5 working days = 31, 1, 2, 3, (6 清明) 7 April.
    events = [
        MARCH,
        E("consultation_sent", date(2026, 3, 9), {"party": "第三方"}),
        E("consultation_answered", date(2026, 3, 16), {"party": "第三方"}),
    ]
    result = run(events, today=date(2026, 3, 16))
    assert result.status == "processing"
    assert result.paused_days == 5
    assert result.due_on == date(2026, 4, 7)
    assert result.consultation_due_on is None
    assert (
        "征求意见暂停 5 个工作日（第三方）：2026-03-09 发出，2026-03-16 收到意见"
        "（不计入答复期限，条例第三十二条）"
    ) in result.explanation


def test_an_open_consultation_pauses_up_to_today_and_has_a_fifteen_day_reply_deadline():
    events = [MARCH, E("consultation_sent", date(2026, 3, 9), {"party": "市财政局"})]
    result = run(events, today=date(2026, 3, 12))
    assert result.status == "consulting"
    assert result.paused_days == 3  # 10, 11, 12 March
    assert result.due_on == date(2026, 4, 2)
    # 9 March + 15 working days: 10–13 (4), 16–20 (9), 23–27 (14), 30 (15).
    assert result.consultation_due_on == date(2026, 3, 30)
    later = run(events, today=date(2026, 3, 13))
    assert later.due_on == date(2026, 4, 3)  # another paused day moves it one more
    assert later.days_left == result.days_left  # while paused, nothing is used up


def test_a_silent_third_party_pauses_the_clock_for_fifteen_working_days_only():
    # Sent Monday 9 March, never answered. The reply deadline is 30 March (15 working
    # days); from 31 March the clock runs again: 30 March + 15 working days = 31, 1, 2, 3,
    # (6 清明) 7–10, 13–17, 20, 21 April.
    events = [MARCH, E("consultation_sent", date(2026, 3, 9), {"party": "某公司"})]
    last_day = run(events, today=date(2026, 3, 30))
    assert (last_day.status, last_day.due_on, last_day.days_left) == (
        "consulting", date(2026, 4, 21), 15,
    )  # fmt: skip
    for today, left in [(date(2026, 3, 31), 14), (date(2026, 4, 21), 0)]:
        result = run(events, today=today)
        assert (result.status, result.due_on, result.days_left) == (
            "processing",
            date(2026, 4, 21),
            left,
        )
        assert result.paused_days == 15
        assert result.consultation_due_on is None
    late = run(events, today=date(2026, 6, 30))
    assert late.status == "processing"
    assert late.due_on == date(2026, 4, 21)
    assert late.paused_days == 15
    assert late.is_overdue is True and late.days_left < 0
    assert (
        "征求意见暂停 15 个工作日（某公司）：2026-03-09 发出，至 2026-03-30（15 个工作日）"
        "逾期未答复，自 2026-03-31 起恢复计时（条例第三十二条、第三十四条）"
    ) in late.explanation
    assert not any(line.startswith("暂停计时中") for line in late.explanation)


def test_a_reply_after_the_fifteen_days_is_recorded_but_the_late_days_count():
    events = [
        MARCH,
        E("consultation_sent", date(2026, 3, 9), {"party": "某公司"}),
        E("consultation_answered", date(2026, 4, 8), {"party": "某公司"}),
    ]
    result = run(events, today=date(2026, 4, 9))
    assert result.status == "processing"
    assert result.paused_days == 15
    assert result.due_on == date(2026, 4, 21)
    assert any(
        line.endswith("2026-04-08 收到逾期意见，逾期期间计入答复期限")
        for line in result.explanation
    )


def test_a_late_reply_answers_its_own_party_not_another_still_waiting():
    # 甲 asked 3 March lapses after 24 March; 乙 asked 26 March is still waiting when
    # 甲's late reply comes on 30 March: 乙's pause goes on.
    events = [
        MARCH,
        E("consultation_sent", date(2026, 3, 3), {"party": "甲公司"}),
        E("consultation_sent", date(2026, 3, 26), {"party": "乙机关"}),
        E("consultation_answered", date(2026, 3, 30), {"party": "甲公司"}),
    ]
    result = run(events, today=date(2026, 3, 31))
    assert result.status == "consulting"
    assert any("甲公司" in line and "收到逾期意见" in line for line in result.explanation)
    assert any("乙机关" in line and "尚未收到意见" in line for line in result.explanation)


def test_a_consultation_lapses_before_a_later_step_of_the_timeline():
    # The fee notice of 1 April comes after the consultation lapsed: paying ends the only
    # open pause, and the clock runs (no consultation left open).
    events = [
        MARCH,
        E("consultation_sent", date(2026, 3, 9), {"party": "甲"}),
        E("fee_notice", date(2026, 4, 1)),
        E("fee_paid", date(2026, 4, 2)),
    ]
    result = run(events, today=date(2026, 4, 3))
    assert result.status == "processing"
    assert result.paused_days == 16  # 15 for the consultation, 2 April for the fee


def test_two_parties_consulted_pause_until_the_last_answers():
    events = [
        MARCH,
        E("consultation_sent", date(2026, 3, 9), {"party": "甲"}),
        E("consultation_sent", date(2026, 3, 10), {"party": "乙"}),
        E("consultation_answered", date(2026, 3, 11), {"party": "甲"}),
    ]
    still = run(events, today=date(2026, 3, 12))
    assert still.status == "consulting"
    done = run(
        [*events, E("consultation_answered", date(2026, 3, 13), {"party": "乙"})], date(2026, 3, 13)
    )
    assert done.status == "processing"
    assert done.paused_days == 4  # 10, 11, 12, 13 March: the union, not the sum
    assert done.due_on == date(2026, 4, 3)


def test_an_extension_adds_its_working_days_once_approved():
    # 30 March + 20: 31 March–3 April (4), 7–10 (8), 13–17 (13), 20–24 (18), 27–28 (20).
    events = [MARCH, E("extended", date(2026, 3, 25), {"working_days": 20})]
    result = run(events, today=date(2026, 3, 25))
    assert result.extended_days == 20
    assert result.due_on == date(2026, 4, 28)
    assert "2026-03-25 经批准延长答复期限 20 个工作日（条例第三十三条，最长 20 个工作日）" in (
        result.explanation
    )


@pytest.mark.parametrize("paused", [False, True])
def test_an_extension_request_and_its_refusal_leave_the_clock_and_status_alone(paused):
    before = [MARCH]
    if paused:
        before.append(E("consultation_sent", date(2026, 3, 9), {"party": "甲"}))
    asked = E("extension_requested", date(2026, 3, 20), {"working_days": 20})
    refused = E("extension_refused", date(2026, 3, 23), {"working_days": 20})
    today = date(2026, 3, 24)
    plain = run(before, today=today)
    for events in ([*before, asked], [*before, asked, refused]):
        result = run(events, today=today)
        assert (result.status, result.due_on, result.extended_days) == (
            plain.status, plain.due_on, 0,
        )  # fmt: skip
        assert result.explanation == plain.explanation
    assert plain.status == ("consulting" if paused else "processing")
    approved = run([*before, asked, E("extended", date(2026, 3, 23), {"working_days": 20})],
                   today=today)  # fmt: skip
    assert approved.extended_days == 20 and approved.due_on > plain.due_on


def test_a_fee_notice_stops_the_clock_until_payment():
    notice = E("fee_notice", date(2026, 3, 9), {"deadline_on": "2026-04-07"})
    waiting = run([MARCH, notice], today=date(2026, 3, 11))
    assert waiting.status == "awaiting_fee"
    assert waiting.applicant_due_on == date(2026, 4, 7)
    assert any(line.startswith("收费通知暂停计时") for line in waiting.explanation)
    paid = run([MARCH, notice, E("fee_paid", date(2026, 3, 13))], today=date(2026, 3, 13))
    assert paid.status == "processing"
    assert paid.paused_days == 4
    assert paid.due_on == date(2026, 4, 3)
    assert paid.applicant_due_on is None


def test_an_unpaid_fee_closes_the_application_as_other_handling_two():
    events = [MARCH, E("fee_notice", date(2026, 3, 9)), E("fee_expired", date(2026, 4, 8))]
    result = run(events, today=date(2026, 4, 9))
    assert result.status == "closed"
    assert result.decided_on == date(2026, 4, 8)
    assert result.days_left is None
    assert "2026-04-08 申请人逾期未缴纳信息处理费，不再处理（其他处理-2）" in result.explanation


def test_a_missing_supplement_closes_the_application_without_a_due_date():
    events = [
        MARCH,
        E("supplement_requested", date(2026, 3, 3)),
        E("supplement_expired", date(2026, 3, 24)),
    ]
    result = run(events, today=date(2026, 3, 25))
    assert result.status == "closed"
    assert result.due_on is None
    assert result.is_overdue is False


def test_year_rollover_received_in_december_is_due_in_january():
    # Received Monday 14 December: 15–18 (4), 21–25 (9), 28–31 (13), 1 January 元旦,
    # 4–8 (18), 11–12 (20).
    events = [received(date(2026, 12, 14)), E("rolled_over", date(2027, 1, 1), {"year": 2027})]
    result = run(events, today=date(2027, 1, 4), known_years={2026})
    assert result.due_on == date(2027, 1, 12)
    assert result.days_left == 6
    assert "2027-01-01 跨年未办结，结转 2027 年继续办理" in result.explanation
    assert "（2027 年节假日安排尚未录入，期限为暂定）" in result.explanation
    assert "暂定" not in "".join(
        run(events, date(2027, 1, 4), known_years={2026, 2027}).explanation
    )


def test_a_holiday_added_after_receipt_moves_the_due_date_on_recompute():
    before = run([MARCH], today=date(2026, 3, 2), holidays=set())
    assert before.due_on == date(2026, 3, 30)
    after = run([MARCH], today=date(2026, 3, 2), holidays={date(2026, 3, 20)})
    assert after.due_on == date(2026, 3, 31)


def test_answered_in_time_stops_the_clock():
    result = run([MARCH, E("answered", date(2026, 3, 30))], today=date(2026, 4, 20))
    assert result.status == "answered"
    assert result.decided_on == date(2026, 3, 30)
    assert result.days_left is None
    assert result.is_overdue is False
    assert result.explanation[-1] == "2026-03-30 作出答复（在期限内）"


def test_answered_late_is_overdue_for_ever_and_served_closes():
    events = [MARCH, E("answered", date(2026, 3, 31)), E("served", date(2026, 4, 1))]
    result = run(events, today=date(2026, 4, 20))
    assert result.status == "closed"
    assert result.is_overdue is True


def test_an_open_application_past_its_due_day_is_overdue():
    result = run([MARCH], today=date(2026, 4, 1))
    assert result.days_left == -2
    assert result.is_overdue is True
    assert result.explanation[-1] == "截至 2026-04-01 已超期 2 个工作日"


def test_the_clock_never_reads_a_date_it_was_not_given():
    # Same events, same calendar, same today: same answer, whatever the real date is.
    first = run([MARCH], today=date(2026, 3, 10))
    assert first == run([MARCH], today=date(2026, 3, 10))
    assert first.days_left == 14


def test_the_clock_knows_every_event_kind_and_status_by_its_stored_value():
    kinds = {v for k, v in vars(clock).items() if k.isupper() and isinstance(v, str)}
    assert kinds <= set(ApplicationEvent.Kind.values) | set(Application.Status.values)
    assert {clock.PENDING, clock.PROCESSING, clock.SUPPLEMENT, clock.CONSULTING,
            clock.AWAITING_FEE, clock.ANSWERED_STATUS, clock.CLOSED} == set(Application.Status.values)  # fmt: skip


def test_working_days_between_consecutive_days_add_up():
    # A sanity trace over the whole autumn: the days left shrink by one per working day.
    start = date(2026, 9, 14)
    lefts = [run([received(start)], start + timedelta(days=n)).days_left for n in range(40)]
    drops = [a - b for a, b in zip(lefts, lefts[1:], strict=False)]
    assert set(drops) == {0, 1}
    assert lefts[0] - lefts[-1] == 20 + 5  # due after 20 working days, then 5 days late
