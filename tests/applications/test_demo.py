"""The demo applications (``manage.py load_applications_demo``): made through the services,
in every status and with a range of outcome leaves, every answer letter reviewed by
someone other than its drafter, and one application a visitor can track with the
credentials the command prints."""

import io
import os
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from disclosure.applications import demo, services
from disclosure.applications.letters import issued_text
from disclosure.applications.models import AnswerLetter, Application, ApplicationEvent
from disclosure.applications.vocabularies import ApplicantType, Channel
from portal import credit_code, id_numbers
from portal.models import Status, WorkflowEvent

pytestmark = pytest.mark.django_db

TRACK = reverse("applications:application-track")
PRINTED = re.compile(r"示例查询码 (\w+)，查询密码 (\w+)")


def counts():
    return (
        Application.objects.count(),
        ApplicationEvent.objects.count(),
        AnswerLetter.objects.count(),
        WorkflowEvent.objects.count(),
    )


@pytest.fixture
def loaded(db):
    call_command("load_demo", stdout=open(os.devnull, "w"))
    outputs = []
    for _ in range(2):  # a second run changes nothing
        out = io.StringIO()
        call_command("load_applications_demo", stdout=out)
        outputs.append((out.getvalue(), counts()))
    (first, after_first), (second, after_second) = outputs
    assert after_first == after_second
    return first, second


def test_the_demo_needs_load_demo_first():
    with pytest.raises(CommandError, match="load_demo"):
        call_command("load_applications_demo", stdout=open(os.devnull, "w"))


def test_two_runs_make_each_application_once(loaded):
    first, second = loaded
    assert f"共 {len(demo.DEMOS)} 件申请（本次新建 {len(demo.DEMOS)} 件）" in first
    assert f"共 {len(demo.DEMOS)} 件申请（本次新建 0 件）" in second
    titles = list(Application.objects.values_list("info_title", flat=True))
    assert len(titles) == len(set(titles)) == len(demo.DEMOS)


def test_the_agency_receives_the_demo_applications_and_signs_the_letters(loaded):
    # The agency (the public form's default receiving body) receives; the demo clerk of
    # its office handles every application, and the letters go out in its name.
    assert set(Application.objects.values_list("organization__name", flat=True)) == {demo.AGENCY}
    assert set(ApplicationEvent.objects.exclude(by=None).values_list(
        "by__organization__name", flat=True)) <= {"重庆市民政局办公室", "重庆市民政局宣传信息处"}  # fmt: skip
    for letter in AnswerLetter.objects.filter(is_live=True):
        assert issued_text(letter).rstrip().splitlines()[-2].strip() == demo.AGENCY


def test_every_status_channel_and_applicant_type_is_there(loaded):
    applications = Application.objects.all()
    assert {a.status for a in applications} == set(Application.Status.values)
    assert {a.channel for a in applications} == set(Channel.values)
    assert {a.applicant_type for a in applications} == set(ApplicantType.values)
    assert len({a.submitted_at.year for a in applications}) >= 2  # this year and the last


def test_processing_includes_due_soon_overdue_extended_and_carried_over(loaded):
    today = timezone.localdate()
    running = Application.objects.filter(status=Application.Status.PROCESSING)
    left = [services.clock_of(a, today=today).days_left for a in running]
    assert sum(1 for n in left if n < 0) == 1  # one overdue
    assert any(0 <= n <= 5 for n in left)  # due soon
    assert running.filter(extended_days__gt=0).exists()
    assert Application.objects.overdue(today).get().due_on < today
    carried = Application.objects.filter(events__kind=ApplicationEvent.Kind.ROLLED_OVER)
    assert carried.count() >= 1
    rolled = carried.first()
    assert rolled.received_on.year < rolled.decided_on.year


def test_outcomes_cover_the_answer_types_of_the_brief(loaded):
    leaves = set(Application.objects.exclude(outcome="").values_list("outcome", flat=True))
    assert len(leaves) >= 6
    assert {"1", "2", "3.4", "4.1", "5.2", "6.1"} <= leaves
    types = set(AnswerLetter.objects.values_list("letter_type", flat=True))
    assert {"disclose", "already_public", "partial", "refuse", "not_exist", "not_ours"} <= types
    refused = AnswerLetter.objects.get(outcome="3.4")
    assert refused.reasons and "第十五条" in refused.legal_basis
    assert refused.application.events.filter(kind="consultation_answered").exists()
    not_ours = AnswerLetter.objects.get(letter_type="not_ours")
    assert not_ours.other_agency_name and not_ours.other_agency_contact
    closed_61 = Application.objects.get(outcome="6.1")
    assert closed_61.status == Application.Status.CLOSED
    assert closed_61.events.filter(kind="supplement_expired").exists()


def test_the_fee_notice_follows_the_109_calculation(loaded):
    notice = ApplicationEvent.objects.get(
        kind=ApplicationEvent.Kind.FEE_NOTICE, application__status="awaiting_fee"
    )
    # 150 pages: 31–100 at 10 元, 101–150 at 20 元.
    assert notice.data["method"] == "per_page" and notice.data["quantity"] == 150
    assert notice.data["amount"] == 70 * 10 + 50 * 20


def test_every_letter_was_approved_by_someone_other_than_its_drafter(loaded):
    content_type = ContentType.objects.get_for_model(AnswerLetter)
    answered = Application.objects.exclude(answer_letter=None).filter(
        events__kind=ApplicationEvent.Kind.ANSWERED
    )
    assert answered.count() >= 10
    for application in answered:
        events = WorkflowEvent.objects.filter(
            content_type=content_type, object_id=application.answer_letter.pk
        )
        drafters = set(events.filter(action__in=["created", "edited"]).values_list("by", flat=True))
        approvers = set(events.filter(action="approved").values_list("by", flat=True))
        publishers = set(events.filter(action="published").values_list("by", flat=True))
        assert drafters and approvers and publishers, application.number
        assert not drafters & approvers, application.number
        assert application.answer_letter.status == Status.PUBLISHED


def test_applicants_are_fake_but_valid(loaded):
    for application in Application.objects.all():
        assert re.fullmatch(r"1380000\d{4}", application.phone)
        assert application.address.startswith("重庆市")
        if application.applicant_type == ApplicantType.NATURAL:
            assert id_numbers.is_valid(application.id_number)
        else:
            assert credit_code.credit_code_error(application.id_number) is None


def test_the_printed_credentials_track_the_issued_letter(loaded, client, settings):
    settings.RATELIMIT_ENABLE = False
    first, second = loaded
    code, password = PRINTED.search(first).groups()
    assert PRINTED.search(second).groups() == (code, password)  # stable across runs
    found = services.application_find(tracking_code=code, password=password)
    assert found is not None and found.submission_token == demo.TRACKING_TOKEN
    assert found.answer_letter.is_live
    page = client.post(TRACK, {"tracking_code": code, "password": password}).content.decode()
    assert "决定予以公开" in page
    assert found.name not in page
    assert client.get(reverse("applications:letter-pdf")).content.startswith(b"%PDF")
    assert client.get(reverse("applications:letter-docx")).content.startswith(b"PK")
