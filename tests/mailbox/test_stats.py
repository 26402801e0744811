"""The statistics against figures computed by hand."""

import pytest
from django.urls import reverse

from mailbox import services, stats
from tests.mailbox.conftest import at, close, submit


@pytest.fixture
def letters(mailbox, agency, department):
    """March 2025: four letters to the 局长信箱. One rejected, one only accepted, two
    closed (one on time after 0 working days and rated 满意, one closed after its
    due date and rated 不满意, which reopens it: so it no longer counts as closed).
    April: one closed, on time, rated 基本满意."""
    rejected = submit(mailbox, now=at(2025, 3, 3, 9))
    services.letter_reject(
        letter=rejected, by=agency.clerk, reason="不属于受理范围", now=at(2025, 3, 3, 10)
    )
    accepted = submit(mailbox, kind="complaint", now=at(2025, 3, 4, 9))
    services.letter_accept(letter=accepted, by=agency.clerk, now=at(2025, 3, 4, 10))
    quick = close(submit(mailbox, now=at(2025, 3, 5, 9)), agency, department=department,
                  now=at(2025, 3, 5, 10))  # fmt: skip
    services.letter_rate(letter=quick, satisfaction="satisfied", now=at(2025, 3, 6, 9))
    late = submit(mailbox, now=at(2025, 3, 10, 9))  # 咨询: due 13 March
    late = services.letter_accept(letter=late, by=agency.clerk, now=at(2025, 3, 10, 10))
    late = services.letter_reply(
        letter=late, by=agency.clerk, text="答复。", now=at(2025, 3, 17, 9)
    )
    late = services.letter_approve_reply(letter=late, by=agency.reviewer, now=at(2025, 3, 17, 10))
    assert (late.closed_on_time, late.reply_working_days) == (False, 5)
    april = services.letter_accept(letter=submit(mailbox, now=at(2025, 4, 1, 9)), by=agency.clerk,
                                   now=at(2025, 4, 1, 10))  # fmt: skip
    april = services.letter_reply(
        letter=april, by=agency.clerk, text="答复。", now=at(2025, 4, 2, 9)
    )
    april = services.letter_approve_reply(letter=april, by=agency.reviewer, now=at(2025, 4, 2, 10))
    services.letter_rate(letter=april, satisfaction="basically", now=at(2025, 4, 3, 9))
    late_again = services.letter_rate(
        letter=late, satisfaction="unsatisfied", now=at(2025, 3, 18, 9)
    )
    assert late_again.status == "reopened"


@pytest.mark.django_db
def test_monthly_figures_match_the_hand_count(letters, mailbox):
    report = stats._compute(year=2025, mailbox=None)
    march = next(f for m, month, f in report.months if month == 3)
    assert (march.received, march.accepted, march.closed) == (4, 3, 1)
    assert march.reply_rate == pytest.approx(1 / 3)
    assert march.on_time_rate == 1.0
    assert march.average_days == 0
    assert (march.rated, march.satisfied) == (2, 1)  # 满意 and 不满意
    assert march.satisfaction_rate == 0.5
    april = next(f for m, month, f in report.months if month == 4)
    assert (april.received, april.accepted, april.closed, april.on_time) == (1, 1, 1, 1)
    assert april.average_days == 1  # accepted 1 April, closed 2 April
    assert (report.overall.received, report.overall.closed) == (5, 2)
    assert report.overall.satisfaction_rate == pytest.approx(2 / 3)


@pytest.mark.django_db
def test_figures_by_type_and_department(letters):
    report = stats._compute(year=2025, mailbox=None)
    by_kind = dict(report.by_kind)
    assert (by_kind["咨询"].received, by_kind["投诉"].received) == (4, 1)
    by_department = dict(report.by_department)
    assert by_department["社会救助处"].closed == 1


@pytest.mark.django_db
def test_the_page_defines_each_figure_and_offers_csv(client, letters):
    page = client.get(reverse("mailbox:stats") + "?year=2025").content.decode()
    for term, _meaning in stats.DEFINITIONS:
        assert term in page
    assert "<svg" in page and "33.3%" in page
    csv = client.get(reverse("mailbox:stats-csv") + "?year=2025").content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("信箱,月份,收信数")
    assert "局长信箱,2025-03,4,3,1,33.3%,100.0%,0.0,2,50.0%" in csv


@pytest.mark.django_db
def test_a_bad_year_falls_back_to_this_year(client, mailbox):
    assert client.get(reverse("mailbox:stats") + "?year=abc").status_code == 200
    assert client.get(reverse("mailbox:stats") + "?year=99999999999").status_code == 200


@pytest.mark.django_db
def test_the_csv_has_the_year_by_type_and_department_and_the_definitions(client, letters):
    csv = client.get(reverse("mailbox:stats-csv") + "?year=2025").content.decode("utf-8-sig")
    lines = csv.splitlines()
    # 咨询: four received, one rejected, two closed on time (0 and 1 working days), three
    # rated of which two satisfied; the late one was reopened.
    assert "全部信箱·类型：咨询,2025全年,4,3,2,66.7%,100.0%,0.5,3,66.7%" in lines
    assert "全部信箱·类型：投诉,2025全年,1,1,0,0.0%,—,—,0,—" in lines
    assert "全部信箱·承办部门：社会救助处,2025全年,1,1,1,100.0%,100.0%,0.0,1,100.0%" in lines
    definitions = lines[lines.index("指标说明") + 1 :]
    assert [line.split(",", 1)[0] for line in definitions] == [t for t, _ in stats.DEFINITIONS]
