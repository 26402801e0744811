"""An application's statutory clock: pure arithmetic over its events, no ORM, no "now".

Rules (statutory.md §2):

- Receipt date by channel (条例 Art 31; 国办公开办函〔2015〕207号): in person the day
  submitted; registered mail the day signed for; ordinary letter the day confirmed with
  the applicant; online form or fax the day both sides confirm; a published e-mail address
  the day the mail system receives it. The event that carries it is REGISTERED (with
  ``data["received"]``) or CONFIRMED; its ``on`` is the receipt date.
- The answer is due **20 working days** after receipt (Art 33). The day a period starts
  from is not counted (民法典 Art 201): the first working day after it is day 1, as in
  ``portal.workdays`` and ``mailbox.deadlines``.
- 补正 (Art 30): requested within 7 working days of receipt, once; the 20 days start
  again from the day the supplement arrives.
- Consultation of a third party or another agency (Arts 32, 34) and a fee notice until
  payment (国办函〔2020〕109号) are not counted: the working days after the day sent up to
  and including the day answered (or paid) are skipped. An open pause runs up to today,
  but a consultation's at most 15 working days (Arts 32, 34: the time the consultation
  needs, within the reply deadline): after that the office decides without the reply and
  the clock runs again, whether or not a late reply is recorded.
- One extension of at most 20 working days (Art 33) lengthens the period once the office
  head has approved it; the request and a refusal leave the clock as it is.

``compute`` walks the events in order; every line of ``Clock.explanation`` is a Chinese
sentence for the "how this date was computed" panel.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from disclosure.applications.vocabularies import RECEIPT_RULES
from portal import workdays as _workdays

ANSWER_DAYS = 20  # 条例 Art 33
MAX_EXTENSION_DAYS = 20  # 条例 Art 33
SUPPLEMENT_REQUEST_DAYS = 7  # 条例 Art 30
CONSULTATION_DAYS = 15  # 条例 Art 32

# Event kinds and statuses, as stored (ApplicationEvent.Kind, Application.Status): plain
# strings here so that this module needs no models.
SUBMITTED = "submitted"
REGISTERED = "registered"
CONFIRMED = "confirmed"
SUPPLEMENT_REQUESTED = "supplement_requested"
SUPPLEMENT_RECEIVED = "supplement_received"
SUPPLEMENT_EXPIRED = "supplement_expired"
CONSULTATION_SENT = "consultation_sent"
CONSULTATION_ANSWERED = "consultation_answered"
EXTENDED = "extended"
# Asking for an extension and its refusal do not touch the clock: only the approved
# extension (EXTENDED) lengthens the period (条例 Art 33). ``compute`` passes over them.
EXTENSION_REQUESTED = "extension_requested"
EXTENSION_REFUSED = "extension_refused"
FEE_NOTICE = "fee_notice"
FEE_PAID = "fee_paid"
FEE_EXPIRED = "fee_expired"
ANSWERED = "answered"
SERVED = "served"
ROLLED_OVER = "rolled_over"
WITHDRAWN = "withdrawn"

PENDING = "pending"
PROCESSING = "processing"
SUPPLEMENT = "supplement"
CONSULTING = "consulting"
AWAITING_FEE = "awaiting_fee"
ANSWERED_STATUS = "answered"
CLOSED = "closed"

FINISHED = frozenset({ANSWERED_STATUS, CLOSED})


@dataclass(frozen=True)
class ClockEvent:
    """The part of an event the clock reads (``ApplicationEvent`` rows fit as they are)."""

    kind: str
    on: date
    data: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class Clock:
    status: str
    received_on: date | None  # 收到日期 by the channel's rule
    started_on: date | None  # the day the 20 days count from: receipt, or the supplement
    due_on: date | None  # None while pending or waiting for a supplement
    days_left: int | None  # working days to the due date; 0 on it, negative when late
    paused_days: int
    extended_days: int
    supplement_due_on: date | None  # last day a 补正 notice may be sent
    consultation_due_on: date | None  # reply deadline of the earliest open consultation
    applicant_due_on: date | None  # the applicant's deadline to supplement or pay
    decided_on: date | None
    is_overdue: bool
    explanation: list[str]


@dataclass
class _Pause:
    kind: str  # "consultation" or "fee"
    begin: date
    end: date | None = None
    party: str = ""
    lapsed: bool = False  # a consultation unanswered after its 15 days (ends on its deadline)
    answered: date | None = None  # the day the reply came, even late


def _d(day: date | None) -> str:
    return day.isoformat() if day else ""


def compute(
    events: Iterable,
    *,
    holidays: Collection[date],
    workdays: Collection[date],
    today: date,
    known_years: Collection[int] | None = None,
) -> Clock:
    """The clock of an application whose events (in order) are ``events``.

    ``holidays`` and ``workdays`` are the calendar's exceptions (public holidays, 调休
    working weekends); ``known_years`` the years whose arrangement is published (a due
    date in another year is marked provisional).
    """
    calendar = _workdays.Calendar(holidays, workdays, known_years or frozenset())
    waiting_supplement = False
    lines: list[str] = []
    status = PENDING
    channel = ""
    received_on = started_on = decided_on = applicant_due_on = None
    pauses: list[_Pause] = []
    extended = 0

    for event in events:
        kind, on, data = event.kind, event.on, event.data or {}
        if _lapse(calendar, pauses, on) and status == CONSULTING:
            status = _paused_status(pauses)
        if kind in (SUBMITTED, REGISTERED):
            channel = data.get("channel", channel)
            if kind == REGISTERED and data.get("received"):
                received_on = started_on = on
                status = PROCESSING
                lines.append(f"收到日期 {_d(on)}（{RECEIPT_RULES.get(channel, '登记之日')}）")
            else:
                lines.append(
                    f"{_d(on)} {'提交' if kind == SUBMITTED else '登记'}申请，"
                    f"待确认（{RECEIPT_RULES.get(channel, '确认之日')}为收到日期）"
                )
        elif kind == CONFIRMED:
            received_on = started_on = on
            status = PROCESSING
            lines.append(f"收到日期 {_d(on)}（{RECEIPT_RULES.get(channel, '机关确认之日')}）")
        elif kind == SUPPLEMENT_REQUESTED:
            status, waiting_supplement = SUPPLEMENT, True
            applicant_due_on = _date(data.get("deadline_on"))
            nth = calendar.between(received_on, on) if received_on else 0
            line = f"{_d(on)} 告知补正（收到申请后第 {nth} 个工作日，条例第三十条限 7 个工作日内），答复期限待补正后重新计算"
            if applicant_due_on:
                line += f"；补正期限至 {_d(applicant_due_on)}"
            lines.append(line)
        elif kind == SUPPLEMENT_RECEIVED:
            started_on, waiting_supplement = on, False
            applicant_due_on = None
            pauses = [p for p in pauses if p.end is None]  # earlier pauses lie before the restart
            status = PROCESSING
            lines.append(
                f"补正后重新起算：{_d(on)} 收到补正材料，自次日起重新计算 {ANSWER_DAYS} 个工作日"
            )
        elif kind == SUPPLEMENT_EXPIRED:
            status, decided_on, applicant_due_on = CLOSED, on, None
            lines.append(f"{_d(on)} 申请人逾期未补正，不再处理（其他处理-1）")
        elif kind == CONSULTATION_SENT:
            party = str(data.get("party", ""))
            pauses.append(_Pause("consultation", on, party=party))
            status = CONSULTING
        elif kind == CONSULTATION_ANSWERED:
            party = str(data.get("party", ""))
            open_ = [p for p in pauses if p.kind == "consultation" and p.end is None]
            late = [p for p in pauses if p.lapsed and p.answered is None]
            # The party's own consultation first, open or past its 15 days (a late reply
            # leaves its pause at the deadline); only a reply naming no waiting party
            # answers the oldest one still open.
            match = next((p for p in open_ + late if p.party == party), None)
            if match is None:
                match = open_[0] if open_ else (late[0] if late else None)
            if match is not None:
                match.answered = on
                match.end = match.end or on
            if status == CONSULTING:
                status = _paused_status(pauses)
        elif kind in (EXTENSION_REQUESTED, EXTENSION_REFUSED):
            continue  # awaiting or refused approval: the period is unchanged (Art 33)
        elif kind == EXTENDED:
            days = int(data.get("working_days", 0))
            extended += days
            lines.append(
                f"{_d(on)} 经批准延长答复期限 {days} 个工作日（条例第三十三条，最长 {MAX_EXTENSION_DAYS} 个工作日）"
            )
        elif kind == FEE_NOTICE:
            pauses.append(_Pause("fee", on))
            applicant_due_on = _date(data.get("deadline_on"))
            status = AWAITING_FEE
        elif kind == FEE_PAID:
            for pause in pauses:
                if pause.kind == "fee" and pause.end is None:
                    pause.end = on
            applicant_due_on = None
            status = _paused_status(pauses)
        elif kind == FEE_EXPIRED:
            for pause in pauses:
                if pause.kind == "fee" and pause.end is None:
                    pause.end = on
            status, decided_on, applicant_due_on = CLOSED, on, None
            lines.append(f"{_d(on)} 申请人逾期未缴纳信息处理费，不再处理（其他处理-2）")
        elif kind == WITHDRAWN:
            status, decided_on = CLOSED, on
            lines.append(f"{_d(on)} 申请人撤回申请")
        elif kind == ANSWERED:
            status, decided_on = ANSWERED_STATUS, on
        elif kind == SERVED:
            status = CLOSED
        elif kind == ROLLED_OVER:
            lines.append(f"{_d(on)} 跨年未办结，结转 {data.get('year', on.year)} 年继续办理")

    if _lapse(calendar, pauses, decided_on or today) and status == CONSULTING:
        status = _paused_status(pauses)
    supplement_due_on = calendar.add(received_on, SUPPLEMENT_REQUEST_DAYS) if received_on else None
    open_consultations = [p for p in pauses if p.kind == "consultation" and p.end is None]
    consultation_due_on = (
        calendar.add(min(p.begin for p in open_consultations), CONSULTATION_DAYS)
        if open_consultations
        else None
    )

    due_on = None
    paused: set[date] = set()
    if started_on is not None and not waiting_supplement:
        stop = decided_on or today
        for pause in pauses:
            end = pause.end or max(stop, pause.begin)
            paused |= {d for d in calendar.working_days_in(pause.begin, end) if d > started_on}
        due_on, paused_days = _due(calendar, started_on, ANSWER_DAYS + extended, paused)
        lines.extend(_pause_lines(calendar, pauses, started_on))
        lines.append(_due_line(calendar, started_on, due_on, extended, paused_days))
        if known_years is not None and due_on.year not in known_years:
            lines.append(f"（{due_on.year} 年节假日安排尚未录入，期限为暂定）")
    else:
        paused_days = 0

    days_left = None
    is_overdue = False
    if due_on is not None:
        if status in FINISHED:
            is_overdue = decided_on is not None and decided_on > due_on
            lines.append(f"{_d(decided_on)} 作出答复（{'逾期' if is_overdue else '在期限内'}）")
        else:
            days_left = calendar.between(today, due_on)
            # Past the due day unanswered, even on the weekend after it (0 working days
            # late): ApplicationQuerySet.overdue's rule.
            is_overdue = today > due_on
            if status in (CONSULTING, AWAITING_FEE):
                lines.append(f"暂停计时中：截至 {_d(today)}，恢复计时后期限随之顺延")
            if is_overdue and days_left < 0:
                lines.append(f"截至 {_d(today)} 已超期 {-days_left} 个工作日")
            elif is_overdue:
                lines.append(f"截至 {_d(today)} 已超期（答复期限 {_d(due_on)} 已过）")
            else:
                lines.append(f"截至 {_d(today)} 剩余 {days_left} 个工作日")
    if consultation_due_on is not None:
        lines.append(
            f"征求意见答复期限 {_d(consultation_due_on)}（发出后 {CONSULTATION_DAYS} 个工作日，条例第三十二条）"
        )

    return Clock(
        status=status,
        received_on=received_on,
        started_on=started_on,
        due_on=due_on,
        days_left=days_left,
        paused_days=paused_days,
        extended_days=extended,
        supplement_due_on=supplement_due_on,
        consultation_due_on=consultation_due_on,
        applicant_due_on=applicant_due_on,
        decided_on=decided_on,
        is_overdue=is_overdue,
        explanation=lines,
    )


def _lapse(calendar: _workdays.Calendar, pauses: list[_Pause], day: date) -> bool:
    """End on its reply deadline every open consultation still unanswered on ``day``, past
    that deadline (条例 Arts 32, 34: 15 working days after the day sent; the day itself
    is the last day to reply). Whether any lapsed."""
    lapsed = False
    for pause in pauses:
        if pause.kind == "consultation" and pause.end is None:
            deadline = calendar.add(pause.begin, CONSULTATION_DAYS)
            if day > deadline:
                pause.end, pause.lapsed, lapsed = deadline, True, True
    return lapsed


def _paused_status(pauses: list[_Pause]) -> str:
    """The status while the clock may still be paused: an open fee notice or
    consultation stops it, otherwise it runs."""
    open_ = {p.kind for p in pauses if p.end is None}
    if "fee" in open_:
        return AWAITING_FEE
    return CONSULTING if open_ else PROCESSING


def _date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _due(
    calendar: _workdays.Calendar, start: date, days: int, paused: set[date]
) -> tuple[date, int]:
    """The day the ``days``-th counted working day after ``start`` falls on, skipping the
    paused working days; and how many paused days it skipped."""
    day, counted, skipped = start, 0, 0
    while counted < days:
        day += timedelta(days=1)
        if not calendar.is_working_day(day):
            continue
        if day in paused:
            skipped += 1
        else:
            counted += 1
    return day, skipped


def _pause_lines(calendar: _workdays.Calendar, pauses: list[_Pause], started_on: date) -> list[str]:
    lines = []
    for pause in pauses:
        if pause.kind == "consultation":
            who = f"（{pause.party}）" if pause.party else ""
            if pause.end is None:
                lines.append(
                    f"征求意见暂停计时{who}：{_d(pause.begin)} 发出，尚未收到意见；该期间不计入答复期限（条例第三十二条）"
                )
            elif pause.lapsed:
                n = calendar.between(pause.begin, pause.end)
                line = (
                    f"征求意见暂停 {n} 个工作日{who}：{_d(pause.begin)} 发出，至 {_d(pause.end)}"
                    f"（{CONSULTATION_DAYS} 个工作日）逾期未答复，自 {_d(calendar.add(pause.end, 1))} "
                    "起恢复计时（条例第三十二条、第三十四条）"
                )
                if pause.answered:
                    line += f"；{_d(pause.answered)} 收到逾期意见，逾期期间计入答复期限"
                lines.append(line)
            else:
                n = calendar.between(pause.begin, pause.end)
                lines.append(
                    f"征求意见暂停 {n} 个工作日{who}：{_d(pause.begin)} 发出，{_d(pause.end)} 收到意见（不计入答复期限，条例第三十二条）"
                )
        elif pause.end is None:
            lines.append(
                f"收费通知暂停计时：{_d(pause.begin)} 发出收费通知，尚未缴费；通知至缴费期间不计入答复期限（国办函〔2020〕109号）"
            )
        else:
            n = calendar.between(pause.begin, pause.end)
            lines.append(
                f"收费通知暂停 {n} 个工作日：{_d(pause.begin)} 发出收费通知，{_d(pause.end)} 缴费（不计入答复期限，国办函〔2020〕109号）"
            )
    return lines


def _due_line(calendar, started_on, due_on, extended, paused_days) -> str:
    parts = [f"{ANSWER_DAYS} 个工作日"]
    if extended:
        parts.append(f"延长 {extended} 个工作日")
    if paused_days:
        parts.append(f"暂停 {paused_days} 个工作日")
    span = (started_on + timedelta(days=n) for n in range(1, (due_on - started_on).days + 1))
    skipped = swapped = 0
    for day in span:
        if day in calendar.holidays and day.weekday() < 5:
            skipped += 1
        elif day in calendar.workdays:
            swapped += 1
    line = f"答复期限 {_d(due_on)}：自 {_d(started_on)} 次日起计 {' + '.join(parts)}"
    if skipped or swapped:
        line += f"（其间法定节假日 {skipped} 个工作日不计，调休上班日 {swapped} 天计入）"
    return line
