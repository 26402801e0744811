"""The day a step counts from (``services.base.effective_day``): today by default, an
earlier day the clerk gives, never in the future nor before the previous step; each dated
step refuses both (STYLE §9: every refusal tested)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from disclosure.applications import fees, services
from tests.applications.factories import APPLICANT, at, received

pytestmark = pytest.mark.django_db
MARCH_2 = date(2026, 3, 2)


def kinds(application):
    return list(application.timeline().values_list("kind", flat=True))


def answered(agency, application):
    day = at(date(2026, 3, 20))
    letter = services.application_answer(application=application, by=agency.clerk, outcome="1",
                                         now=day)  # fmt: skip
    services.answer_letter_submit(letter=letter, by=agency.clerk, now=day)
    services.answer_letter_approve(letter=letter, by=agency.reviewer, note="同意", now=day)
    return services.answer_letter_issue(letter=letter, by=agency.publisher, now=day)


def _confirmable(agency):
    return services.application_submit(data={**APPLICANT, "organization": agency.office},
                                       submission_token="dated", now=at(MARCH_2))  # fmt: skip


def _supplement_asked(agency):
    application = received(agency.office, agency.clerk, MARCH_2)
    services.application_request_supplement(application=application, by=agency.clerk,
                                            items="请写明文号", now=at(date(2026, 3, 4)))  # fmt: skip
    return application


def _fee_noticed(agency):
    application = received(agency.office, agency.clerk, MARCH_2)
    services.application_fee_notice(application=application, by=agency.clerk, method=fees.PER_PAGE,
                                    pages=40, now=at(date(2026, 3, 4)))  # fmt: skip
    return application


def _issued(agency):
    application = received(agency.office, agency.clerk, MARCH_2)
    answered(agency, application)  # issued on 20 March
    return application


# (prepare, the service, extra arguments, the day of the last step, "today")
DATED_STEPS = {
    "confirm": (_confirmable, services.application_confirm, {}, MARCH_2, date(2026, 3, 5)),
    "supplement_received": (_supplement_asked, services.application_receive_supplement, {},
                            date(2026, 3, 4), date(2026, 3, 10)),
    "fee_paid": (_fee_noticed, services.application_fee_paid, {}, date(2026, 3, 4),
                 date(2026, 3, 10)),
    "serve": (_issued, services.application_serve, {"method": "post"}, date(2026, 3, 20),
              date(2026, 3, 23)),
}  # fmt: skip


@pytest.mark.parametrize("name", DATED_STEPS)
@pytest.mark.parametrize(
    ("offset", "message"),
    [("before_last", "日期不能早于上一步骤的日期"), ("future", "日期不能晚于今天")],
)
def test_a_step_is_never_dated_before_the_previous_one_nor_in_the_future(
    agency, name, offset, message
):
    prepare, service, extra, last, today = DATED_STEPS[name]
    application = prepare(agency)
    before = kinds(application)
    on = last - timedelta(days=1) if offset == "before_last" else today + timedelta(days=1)
    with pytest.raises(ValidationError, match=message) as refused:
        service(application=application, by=agency.clerk, on=on, now=at(today), **extra)
    assert set(refused.value.message_dict) == {"on"}
    assert kinds(application) == before
    # The day of the last step itself, and today, are accepted.
    service(application=application, by=agency.clerk, on=last, now=at(today), **extra)
    assert len(kinds(application)) == len(before) + 1
