"""同步审核、同步发布: a document that needs interpretation waits for one; publishing it
publishes its approved interpretations in the same transaction."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from disclosure.models import Genre
from interpretation.sync import DOCUMENT_NOT_PUBLIC, NEEDS_INTERPRETATION
from portal import workflow
from portal.models import Status, WorkflowEvent
from tests.disclosure.factories import DocumentFactory
from tests.interpretation.conftest import through_review
from tests.interpretation.factories import InterpretationFactory

pytestmark = pytest.mark.django_db


def test_a_document_needing_interpretation_cannot_be_approved_before_one_is(agency, policy):
    document, _ = policy
    document = through_review(document, agency, steps=["submit"])
    with pytest.raises(ValidationError) as refused:
        workflow.perform(document, step="approve", by=agency.reviewer, note="同意")
    assert refused.value.messages == [NEEDS_INTERPRETATION]
    document.refresh_from_db()
    assert document.status == Status.SUBMITTED


def test_a_submitted_interpretation_is_not_enough(agency, policy):
    document, interpretation = policy
    through_review(interpretation, agency, steps=["submit"])
    document = through_review(document, agency, steps=["submit"])
    with pytest.raises(ValidationError):
        workflow.perform(document, step="approve", by=agency.reviewer, note="同意")


def test_an_approved_interpretation_lets_the_document_through(agency, policy):
    document, interpretation = policy
    through_review(interpretation, agency)
    document = through_review(document, agency)
    assert document.status == Status.APPROVED


def test_a_document_that_needs_none_is_not_held(agency):
    document = DocumentFactory(
        organization=agency.office, genre=Genre.objects.get(name="函"), by=agency.clerk
    )
    assert through_review(document, agency).status == Status.APPROVED


def test_publishing_the_document_publishes_its_approved_interpretations(agency, policy):
    document, interpretation = policy
    other = InterpretationFactory(organization=agency.office, documents=[document], by=agency.clerk)
    through_review(interpretation, agency)
    through_review(other, agency, steps=["submit"])  # still under review: stays behind
    document = through_review(document, agency, steps=["submit", "approve", "publish"])
    interpretation.refresh_from_db()
    other.refresh_from_db()
    assert document.is_public and interpretation.is_public
    assert interpretation.published_at == document.published_at
    assert other.status == Status.SUBMITTED and not other.is_live
    event = WorkflowEvent.objects.filter(object_id=interpretation.pk, action="published").get()
    assert event.by == agency.publisher and event.note == "随政策文件同步发布"


def test_a_failing_interpretation_rolls_the_document_back(agency, policy, monkeypatch):
    """One transaction: if the interpretation cannot go live, neither does the document."""
    document, interpretation = policy
    through_review(interpretation, agency)
    document = through_review(document, agency)

    def broken(self):
        raise ValidationError("解读内容不完整。")

    monkeypatch.setattr(type(interpretation), "full_clean", broken)
    with pytest.raises(ValidationError):
        workflow.perform(document, step="publish", by=agency.publisher)
    document.refresh_from_db()
    interpretation.refresh_from_db()
    assert document.status == Status.APPROVED and not document.is_live
    assert interpretation.status == Status.APPROVED and not interpretation.is_live


def test_a_scheduled_document_schedules_its_interpretation(agency, policy):
    document, interpretation = policy
    through_review(interpretation, agency)
    document = through_review(document, agency)
    later = timezone.now() + timedelta(days=2)
    workflow.perform(document, step="publish", by=agency.publisher, publish_at=later)
    interpretation.refresh_from_db()
    assert interpretation.is_live and interpretation.is_scheduled
    assert interpretation.published_at == later


def test_an_interpretation_does_not_go_public_before_its_document(agency, policy):
    _, interpretation = policy
    interpretation = through_review(interpretation, agency)
    with pytest.raises(ValidationError) as refused:
        workflow.perform(interpretation, step="publish", by=agency.publisher)
    assert refused.value.messages == [DOCUMENT_NOT_PUBLIC]


def test_an_interpretation_of_a_public_document_is_published_on_its_own(agency):
    document = DocumentFactory(organization=agency.office, published=True)
    interpretation = InterpretationFactory(
        organization=agency.office, documents=[document], by=agency.clerk
    )
    interpretation = through_review(interpretation, agency, steps=["submit", "approve", "publish"])
    assert interpretation.is_public


def test_an_interpretation_without_documents_cannot_be_approved(agency):
    interpretation = InterpretationFactory(organization=agency.office, by=agency.clerk)
    interpretation = through_review(interpretation, agency, steps=["submit"])
    with pytest.raises(ValidationError) as refused:
        workflow.perform(interpretation, step="approve", by=agency.reviewer, note="同意")
    assert "关联至少一个" in refused.value.messages[0]


def test_an_interpretation_waits_for_a_scheduled_document(agency):
    """Review finding: a scheduled document is live but not yet public."""
    document = DocumentFactory(organization=agency.office, by=agency.clerk)
    document = through_review(document, agency)
    workflow.perform(document, step="publish", by=agency.publisher,
                     publish_at=timezone.now() + timedelta(days=1))  # fmt: skip
    interpretation = InterpretationFactory(
        organization=agency.office, documents=[document], by=agency.clerk
    )
    interpretation = through_review(interpretation, agency)
    with pytest.raises(ValidationError) as refused:
        workflow.perform(interpretation, step="publish", by=agency.publisher)
    assert refused.value.messages == [DOCUMENT_NOT_PUBLIC]


def test_a_document_never_goes_live_without_its_interpretation(agency, policy):
    """Review finding: if the publisher may not publish the approved interpretation (it is
    another agency's, say), the document that needs it does not go live alone."""
    document, interpretation = policy
    through_review(interpretation, agency)
    document = through_review(document, agency)
    type(interpretation).objects.filter(pk=interpretation.pk).update(
        owner_organization=agency.elsewhere
    )
    with pytest.raises(ValidationError) as refused:
        workflow.perform(document, step="publish", by=agency.publisher)
    assert refused.value.messages == [NEEDS_INTERPRETATION]
    document.refresh_from_db()
    assert not document.is_live
