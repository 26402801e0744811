"""The application's models: the timeline is append-only below the ORM, personal data
stays out of ``__str__``, and the outcome taxonomy has exactly the 21 leaves of the
report, each reachable through a service."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from disclosure.applications import fees, services
from disclosure.applications.models import (
    ALLOWED,
    OPEN_STATUSES,
    Application,
    ApplicationEvent,
    answer_errors,
)
from disclosure.applications.querysets import OPEN_STATUSES as LISTED_OPEN
from disclosure.applications.vocabularies import (
    LETTER_TYPES,
    OUTCOME_GROUPS,
    Outcome,
    outcome_full_label,
)
from tests.applications.factories import AnswerLetterFactory, ApplicationFactory, at, received

MARCH_2 = date(2026, 3, 2)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE applications_applicationevent SET note = 'rewritten' WHERE id = %s",
        "DELETE FROM applications_applicationevent WHERE id = %s",
    ],
)
def test_the_trigger_refuses_rewriting_the_timeline_with_raw_sql(agency, sql):
    application = received(agency.office, agency.clerk, MARCH_2)
    event = application.events.get()
    with pytest.raises(DatabaseError, match="办理记录不可修改或删除"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert ApplicationEvent.objects.get(pk=event.pk).note == event.note


@pytest.mark.django_db
def test_the_orm_refuses_editing_or_deleting_an_event(agency):
    event = received(agency.office, agency.clerk, MARCH_2).events.get()
    event.note = "rewritten"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            ApplicationEvent.objects.filter(pk=event.pk).update(note="bulk")


@pytest.mark.django_db
def test_the_string_of_an_application_is_its_number_never_the_applicant():
    application = ApplicationFactory(name="张三丰", number="YSQ-2026-00042")
    assert str(application) == "申请 YSQ-2026-00042"
    assert "张" not in str(AnswerLetterFactory(application=application))


@pytest.mark.django_db
def test_known_personal_data_lists_the_applicants_details():
    application = ApplicationFactory(contact_person="李四", email="a@example.com")
    values = {value for _label, value in application.known_personal_data}
    assert {"王五", "李四", application.id_number, application.phone, "a@example.com"} <= values


def test_the_taxonomy_has_exactly_the_twenty_one_leaves_of_the_report():
    assert len(Outcome.values) == 21
    leaves = [leaf for _code, _label, group in OUTCOME_GROUPS for leaf in group]
    assert leaves == Outcome.values
    assert [len(group) for _c, _l, group in OUTCOME_GROUPS] == [1, 1, 8, 3, 5, 3]
    assert set(LETTER_TYPES) == set(Outcome.values)
    assert outcome_full_label("3.4") == "（三）不予公开：4.保护第三方合法权益"
    assert outcome_full_label("1") == "（一）予以公开"


def test_the_open_statuses_agree_between_model_and_queryset():
    assert set(OPEN_STATUSES) == set(LISTED_OPEN)
    assert set(ALLOWED) <= set(ApplicationEvent.Kind.values)


@pytest.mark.django_db
def test_an_answer_letter_validates_its_outcome_and_type():
    letter = AnswerLetterFactory.build(
        application=ApplicationFactory(), outcome="3.2", letter_type="refuse"
    )
    with pytest.raises(ValidationError) as refused:
        letter.clean()
    assert set(refused.value.message_dict) == {"reasons", "legal_basis"}
    letter.letter_type = "already_public"
    letter.outcome = "1"
    with pytest.raises(ValidationError, match="获取该信息的方式"):
        letter.clean()


@pytest.mark.parametrize("outcome", ["2", "3.4"])
def test_partial_and_refused_letters_need_reasons_and_legal_basis(outcome):
    errors = answer_errors(outcome=outcome, letter_type=LETTER_TYPES[outcome][0])
    assert set(errors) == {"reasons", "legal_basis"}
    assert not answer_errors(outcome=outcome, letter_type=LETTER_TYPES[outcome][0],
                             reasons="含个人信息", legal_basis="条例第十五条")  # fmt: skip


@pytest.mark.parametrize("outcome", ["6.1", "6.2"])
def test_other_handling_closed_by_expiry_is_never_a_drafted_answer(outcome):
    assert set(answer_errors(outcome=outcome, letter_type="other", reasons="x")) == {"outcome"}


ANSWER_EXTRAS = {
    "refuse": {"reasons": "涉及国家秘密。", "legal_basis": "《政府信息公开条例》第十四条"},
    "partial": {"reasons": "含个人信息。", "legal_basis": "《政府信息公开条例》第十五条"},
}


def _answer(agency, application, outcome, day):
    letter_type = LETTER_TYPES[outcome][0]
    letter = services.application_answer(
        application=application, by=agency.clerk, outcome=outcome, now=day,
        **ANSWER_EXTRAS.get(letter_type, {}),
    )  # fmt: skip
    services.answer_letter_submit(letter=letter, by=agency.clerk, now=day)
    services.answer_letter_approve(letter=letter, by=agency.reviewer, note="同意", now=day)
    services.answer_letter_issue(letter=letter, by=agency.publisher, now=day)


@pytest.mark.django_db
def test_each_of_the_twenty_one_leaves_is_reachable_through_a_service(agency, settings):
    settings.APPLY_SUPPLEMENT_DAYS = 1
    settings.APPLY_FEE_PAYMENT_DAYS = 1
    day = at(date(2026, 3, 20))
    for outcome in Outcome.values:
        application = received(agency.office, agency.clerk, MARCH_2)
        if outcome == "6.1":
            services.application_request_supplement(
                application=application, by=agency.clerk, items="补充", now=at(date(2026, 3, 3))
            )
            services.application_supplement_expired(
                application=application, by=agency.clerk, now=day
            )
        elif outcome == "6.2":
            services.application_fee_notice(application=application, by=agency.clerk,
                                            method=fees.PER_PAGE, pages=31, now=at(date(2026, 3, 3)))  # fmt: skip
            services.application_fee_expired(application=application, by=agency.clerk, now=day)
        else:
            if outcome == "4.3":  # 补正后申请内容仍不明确: after a supplement (条例 Art 30)
                services.application_request_supplement(application=application, by=agency.clerk,
                                                        items="补充", now=at(date(2026, 3, 3)))  # fmt: skip
                services.application_receive_supplement(application=application, by=agency.clerk,
                                                        now=at(date(2026, 3, 4)))  # fmt: skip
            _answer(agency, application, outcome, day)
        application.refresh_from_db()
        assert (application.outcome, application.decided_on) == (outcome, date(2026, 3, 20))
        assert application.status in (Application.Status.ANSWERED, Application.Status.CLOSED)
    assert sorted(Application.objects.values_list("outcome", flat=True)) == sorted(Outcome.values)
