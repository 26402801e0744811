"""Answer letters in the admin and the workflow: an issued letter stays issued (no
withdrawal, no 撤回 button or action), and the letter pages speak of issuing to the
applicant, not of publication."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from disclosure.applications import services
from disclosure.applications.models import AnswerLetter, ApplicationEvent
from portal import workflow
from tests.applications.factories import received

pytestmark = pytest.mark.django_db
Kind = ApplicationEvent.Kind


@pytest.fixture
def issued(agency):
    application = received(agency.office, agency.clerk, timezone.localdate())
    letter = services.application_answer(application=application, by=agency.clerk, outcome="1")
    services.answer_letter_submit(letter=letter, by=agency.clerk)
    services.answer_letter_approve(letter=letter, by=agency.reviewer, note="同意")
    return services.answer_letter_issue(letter=letter, by=agency.publisher)


def change_url(letter):
    return reverse("admin:applications_answerletter_change", args=[letter.pk])


def test_an_issued_letter_cannot_be_withdrawn_through_the_workflow(agency, issued):
    before = list(issued.application.events.values_list("kind", flat=True))
    with pytest.raises(ValidationError, match="已发出的告知书不能撤回"):
        workflow.perform(issued, step="withdraw", by=agency.publisher, note="发错了")
    letter = AnswerLetter.objects.get(pk=issued.pk)
    assert letter.is_live and letter.withdrawn_at is None
    assert list(letter.application.events.values_list("kind", flat=True)) == before
    assert Kind.ANSWERED in before and Kind.WITHDRAWN not in before


def test_the_admin_offers_no_withdrawal_of_an_issued_letter(client, agency, issued):
    client.force_login(agency.publisher)
    withdraw = reverse("admin:applications_answerletter_step", args=[issued.pk, "withdraw"])
    html = client.get(change_url(issued)).content.decode()
    assert withdraw not in html
    changelist = client.get(reverse("admin:applications_answerletter_changelist"))
    assert "withdraw_selected" not in changelist.content.decode()
    response = client.post(withdraw, {"note": "发错了"}, follow=True)
    assert "已发出的告知书不能撤回" in response.content.decode()
    assert AnswerLetter.objects.get(pk=issued.pk).is_live


def test_letter_pages_say_issued_and_preview_not_published(client, agency, issued):
    client.force_login(agency.clerk)
    html = client.get(change_url(issued)).content.decode()
    assert "当前状态：<strong>已发出</strong>" in html
    assert "公开中" not in html and "预览公开页面" not in html
    assert ">预览</a>" in html
    listing = client.get(reverse("admin:applications_answerletter_changelist")).content.decode()
    assert "已发出" in listing and "已发布" not in listing
