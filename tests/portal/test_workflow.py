"""The review-then-publish workflow, exercised through documents."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections
from django.utils import timezone

from disclosure.models import Document
from disclosure.services import document_create
from portal import workflow
from portal.models import Revision, Status, WorkflowEvent
from tests.disclosure.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def draft_by(clerk, **fields):
    document = DocumentFactory.build(organization=clerk.organization.get_root(), **fields)
    return document_create(document=document, by=clerk, needs_interpretation=False)


def approved(agency, **fields):
    document = draft_by(agency.clerk, **fields)
    workflow.perform(document, step="submit", by=agency.clerk)
    return workflow.perform(document, step="approve", by=agency.reviewer, note="不涉密，同意公开")


def published(agency, **fields):
    return workflow.perform(approved(agency, **fields), step="publish", by=agency.publisher)


def trail(document):
    return [
        (event.action, event.from_status, event.to_status, event.by.username, event.note)
        for event in workflow.history(document)
    ]


def test_a_document_travels_draft_submitted_approved_published(agency):
    document = draft_by(agency.clerk, title="关于做好城乡低保工作的通知")
    assert document.status == Status.DRAFT and document.owner_organization == agency.office
    assert not Document.objects.published().filter(pk=document.pk).exists()

    document = workflow.perform(document, step="submit", by=agency.clerk)
    document = workflow.perform(
        document, step="approve", by=agency.reviewer, note="不涉密，同意公开"
    )
    assert not Document.objects.published().filter(pk=document.pk).exists()
    document = workflow.perform(document, step="publish", by=agency.publisher)

    assert document.status == Status.PUBLISHED and document.is_live
    assert Document.objects.published().filter(pk=document.pk).exists()
    assert trail(document) == [
        ("created", "", "draft", "clerk", ""),
        ("submitted", "draft", "submitted", "clerk", ""),
        ("approved", "submitted", "approved", "reviewer", "不涉密，同意公开"),
        ("published", "approved", "published", "publisher", ""),
    ]


def test_the_publish_time_is_the_moment_of_publishing_never_a_typed_date(agency):
    document = approved(agency)
    before = timezone.now()
    document = workflow.perform(document, step="publish", by=agency.publisher)
    assert before <= document.published_at <= timezone.now()


def test_a_back_dated_publish_time_is_refused(agency):
    document = approved(agency)
    with pytest.raises(ValidationError) as caught:
        workflow.perform(
            document,
            step="publish",
            by=agency.publisher,
            publish_at=timezone.now() - timedelta(days=3),
        )
    assert "不得倒签" in caught.value.message_dict["publish_at"][0]
    document.refresh_from_db()
    assert document.status == Status.APPROVED


def test_a_reviewer_returns_a_submission_with_a_reason(agency):
    document = draft_by(agency.clerk)
    workflow.perform(document, step="submit", by=agency.clerk)
    document = workflow.perform(
        document, step="return", by=agency.reviewer, note="涉及个人信息，请删除"
    )
    assert document.status == Status.DRAFT
    assert trail(document)[-1] == (
        "returned",
        "submitted",
        "draft",
        "reviewer",
        "涉及个人信息，请删除",
    )


@pytest.mark.parametrize(
    "step, user, note",
    [
        ("approve", "reviewer", ""),
        ("return", "reviewer", "   "),
    ],
)
def test_an_opinion_or_reason_is_mandatory(agency, step, user, note):
    document = draft_by(agency.clerk)
    workflow.perform(document, step="submit", by=agency.clerk)
    with pytest.raises(ValidationError) as caught:
        workflow.perform(document, step=step, by=getattr(agency, user), note=note)
    assert "请填写" in caught.value.message_dict["note"][0]


def test_withdrawing_needs_a_reason(agency):
    document = published(agency)
    with pytest.raises(ValidationError):
        workflow.perform(document, step="withdraw", by=agency.publisher)


def test_the_author_of_a_version_can_never_approve_it(agency):
    document = draft_by(agency.clerk_and_reviewer)
    workflow.perform(document, step="submit", by=agency.clerk_and_reviewer)
    with pytest.raises(PermissionDenied) as caught:
        workflow.perform(document, step="approve", by=agency.clerk_and_reviewer, note="同意")
    assert "不能审核自己" in str(caught.value)


def test_whoever_edited_the_version_counts_as_its_author(agency):
    document = draft_by(agency.clerk)
    document.title = "改过的标题"
    workflow.item_save(document, by=agency.clerk_and_reviewer)
    workflow.perform(document, step="submit", by=agency.clerk)
    with pytest.raises(PermissionDenied):
        workflow.perform(document, step="approve", by=agency.clerk_and_reviewer, note="同意")
    assert (
        workflow.perform(document, step="approve", by=agency.reviewer, note="同意").status
        == Status.APPROVED
    )


def test_the_author_of_an_earlier_published_version_may_review_a_later_edit(agency):
    first = draft_by(agency.clerk_and_reviewer)
    workflow.perform(first, step="submit", by=agency.clerk_and_reviewer)
    workflow.perform(first, step="approve", by=agency.reviewer, note="同意")
    workflow.perform(first, step="publish", by=agency.publisher)
    second = workflow.working_version(Document.objects.get(pk=first.pk))
    second.title = "第二版"
    workflow.item_save(second, by=agency.clerk)
    workflow.perform(second, step="submit", by=agency.clerk)
    assert workflow.authors_of_pending_version(second) == {agency.clerk.pk}
    approved = workflow.perform(second, step="approve", by=agency.clerk_and_reviewer, note="同意")
    assert approved.status == Status.APPROVED


def test_a_reviewer_of_another_organization_is_refused(agency):
    document = draft_by(agency.clerk)
    workflow.perform(document, step="submit", by=agency.clerk)
    with pytest.raises(PermissionDenied) as caught:
        workflow.perform(document, step="approve", by=agency.outside_reviewer, note="同意")
    assert "不属于您所在机构" in str(caught.value)


@pytest.mark.parametrize(
    "role, step",
    [
        ("clerk", "approve"),
        ("reviewer", "publish"),
        ("publisher", "approve"),
        ("supervisor", "submit"),
        ("supervisor", "publish"),
        ("clerk", "withdraw"),
    ],
)
def test_a_step_needs_its_role(agency, role, step):
    document = (
        approved(agency)
        if step == "publish"
        else published(agency)
        if step == "withdraw"
        else draft_by(agency.clerk)
    )
    if step == "approve":
        workflow.perform(document, step="submit", by=agency.clerk)
    with pytest.raises(PermissionDenied):
        workflow.perform(document, step=step, by=getattr(agency, role), note="理由")


def test_a_draft_cannot_be_published(agency):
    document = draft_by(agency.clerk)
    with pytest.raises(ValidationError) as caught:
        workflow.perform(document, step="publish", by=agency.publisher)
    assert caught.value.code == "invalid_transition"


def test_the_publisher_of_the_agency_publishes_for_any_of_its_departments(agency):
    document = approved(agency)
    assert document.owner_organization == agency.office
    assert agency.publisher.organization == agency.publicity
    assert workflow.perform(document, step="publish", by=agency.publisher).is_live


def test_a_withdrawn_document_disappears_and_answers_410(agency, client):
    document = published(agency)
    assert client.get(document.get_absolute_url()).status_code == 200
    document = workflow.perform(document, step="withdraw", by=agency.publisher, note="内容有误")
    assert document.status == Status.WITHDRAWN and not document.is_live
    response = client.get(document.get_absolute_url())
    assert response.status_code == 410
    assert "已撤回" in response.content.decode()
    assert not Document.objects.published().filter(pk=document.pk).exists()
    assert trail(document)[-1] == ("withdrawn", "published", "withdrawn", "publisher", "内容有误")


def test_scheduled_publishing_goes_live_by_itself_at_its_time(agency, client):
    document = approved(agency)
    at = timezone.now() + timedelta(hours=2)
    document = workflow.perform(document, step="publish", by=agency.publisher, publish_at=at)
    assert document.is_scheduled
    assert not Document.objects.published().filter(pk=document.pk).exists()
    assert client.get(document.get_absolute_url()).status_code == 404
    later = at + timedelta(seconds=1)
    assert Document.objects.published(now=later).filter(pk=document.pk).exists()


def test_the_public_keeps_the_published_version_until_the_edit_is_published(agency, client):
    document = published(agency, title="第一版标题", body="<p>原来的正文</p>")
    editing = workflow.working_version(Document.objects.get(pk=document.pk))
    editing.title = "第二版标题"
    editing.body = "<p>修改后的正文</p>"
    workflow.item_save(editing, by=agency.clerk)

    live = Document.objects.get(pk=document.pk)
    assert live.title == "第一版标题" and live.is_live and live.status == Status.DRAFT
    assert "第一版标题" in client.get(document.get_absolute_url()).content.decode()
    assert workflow.working_version(live).title == "第二版标题"

    changes = {change.label: change for change in workflow.pending_changes(live)}
    assert set(changes) == {"标题", "正文"}
    assert changes["标题"].before == "第一版标题" and changes["标题"].after == "第二版标题"
    assert "-原来的正文" in changes["正文"].diff and "+修改后的正文" in changes["正文"].diff

    workflow.perform(live, step="submit", by=agency.clerk)
    workflow.perform(live, step="approve", by=agency.reviewer, note="同意")
    republished = workflow.perform(live, step="publish", by=agency.publisher)
    assert republished.title == "第二版标题"
    assert republished.published_at == document.published_at  # 发布日期 keeps the first publication
    assert "第二版标题" in client.get(document.get_absolute_url()).content.decode()
    revisions = Revision.objects.filter(object_id=document.pk)
    assert revisions.count() == 2 and not revisions.filter(is_pending=True).exists()


def test_an_item_under_review_cannot_be_edited(agency):
    document = draft_by(agency.clerk)
    workflow.perform(document, step="submit", by=agency.clerk)
    document.title = "偷偷改标题"
    with pytest.raises(ValidationError) as caught:
        workflow.item_save(document, by=agency.clerk)
    assert caught.value.code == "locked"
    assert Document.objects.get(pk=document.pk).title != "偷偷改标题"


def test_history_is_append_only(agency):
    document = draft_by(agency.clerk)
    event = WorkflowEvent.objects.get(object_id=document.pk)
    event.note = "篡改"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


def test_a_supervisor_may_take_no_step(agency):
    document = draft_by(agency.clerk)
    assert workflow.allowed_steps(document, agency.supervisor) == []
    assert [step.name for step in workflow.allowed_steps(document, agency.clerk)] == ["submit"]


def test_a_migration_publishes_with_its_historical_date_and_says_so(agency):
    document = DocumentFactory(
        organization=agency.bureau, published_at=timezone.now() - timedelta(days=900)
    )
    with pytest.raises(PermissionDenied):
        workflow.item_migrate_published(document, by=agency.clerk)
    migrated = workflow.item_migrate_published(document, by=agency.publisher)
    assert migrated.is_public and migrated.published_at < timezone.now() - timedelta(days=800)
    assert trail(migrated)[-1][0:4] == ("migrated", "draft", "published", "publisher")


def _race(step, users, document, note=""):
    barrier = threading.Barrier(len(users))
    outcomes = []

    def act(user):
        try:
            barrier.wait()
            workflow.perform(Document.objects.get(pk=document.pk), step=step, by=user, note=note)
            outcomes.append("ok")
        except (ValidationError, PermissionDenied) as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_concurrent_double_approval_makes_one_transition(agency):
    from tests.portal.roles import staff

    second_reviewer = staff("reviewer2", agency.office, "审核员")
    document = draft_by(agency.clerk)
    workflow.perform(document, step="submit", by=agency.clerk)
    outcomes = _race("approve", [agency.reviewer, second_reviewer], document, note="同意")
    assert sorted(map(str, outcomes)).count("ok") == 1
    refusal = next(outcome for outcome in outcomes if outcome != "ok")
    assert isinstance(refusal, ValidationError) and "已被他人处理" in refusal.messages[0]
    assert WorkflowEvent.objects.filter(object_id=document.pk, action="approved").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_concurrent_double_publish_makes_one_transition(agency):
    document = approved(agency)
    outcomes = _race("publish", [agency.publisher, agency.publisher], document)
    assert outcomes.count("ok") == 1
    assert WorkflowEvent.objects.filter(object_id=document.pk, action="published").count() == 1
    assert Revision.objects.filter(object_id=document.pk).count() == 1


def test_history_cannot_be_rewritten_in_bulk_either(agency):
    from django.db import DatabaseError, transaction

    draft_by(agency.clerk)
    with pytest.raises(DatabaseError), transaction.atomic():
        WorkflowEvent.objects.update(note="篡改")
    with pytest.raises(DatabaseError), transaction.atomic():
        WorkflowEvent.objects.all().delete()
    assert WorkflowEvent.objects.filter(note="篡改").count() == 0


def test_a_withdrawal_turns_a_waiting_edit_into_the_draft(agency):
    document = published(agency, title="第一版")
    editing = workflow.working_version(Document.objects.get(pk=document.pk))
    editing.title = "等待审核的修改"
    workflow.item_save(editing, by=agency.clerk)
    withdrawn = workflow.perform(
        Document.objects.get(pk=document.pk), step="withdraw", by=agency.publisher, note="暂停公开"
    )
    assert withdrawn.title == "等待审核的修改"
    assert workflow.pending_revision(withdrawn) is None
    fixed = Document.objects.get(pk=document.pk)
    fixed.title = "改好的第二版"
    workflow.item_save(fixed, by=agency.clerk)
    workflow.perform(fixed, step="submit", by=agency.clerk)
    workflow.perform(fixed, step="approve", by=agency.reviewer, note="同意")
    assert workflow.perform(fixed, step="publish", by=agency.publisher).title == "改好的第二版"


def test_a_stale_form_cannot_bring_a_withdrawn_document_back(agency):
    document = published(agency)
    stale_form = Document.objects.get(pk=document.pk)
    stale_form.is_live = False  # as a form loaded before would hold other workflow values
    workflow.perform(
        Document.objects.get(pk=document.pk), step="withdraw", by=agency.publisher, note="撤回"
    )
    stale_form.is_live = True
    stale_form.title = "旧表单里的修改"
    saved = workflow.item_save(stale_form, by=agency.clerk)
    assert not saved.is_live and saved.withdrawn_at is not None
    assert not Document.objects.published().filter(pk=document.pk).exists()


@pytest.mark.parametrize("state", ["published", "submitted"])
def test_a_migration_never_republishes_what_a_review_put_online_or_is_reviewing(agency, state):
    document = published(agency) if state == "published" else approved(agency)
    document = Document.objects.get(pk=document.pk)
    document.title = "未经审核的新标题"
    with pytest.raises(ValidationError) as refused:
        workflow.item_migrate_published(document, by=agency.publisher)
    assert "请走审核流程" in str(refused.value)
    assert Document.objects.get(pk=document.pk).title != "未经审核的新标题"


def test_a_migrated_record_may_be_migrated_again_and_keeps_a_published_version(agency):
    document = DocumentFactory(published=True, organization=agency.bureau)
    document.title = "迁移更正后的标题"
    workflow.item_migrate_published(document, by=agency.publisher)
    assert Document.objects.published().get(pk=document.pk).title == "迁移更正后的标题"
    assert Revision.objects.filter(object_id=document.pk, published_at__isnull=False).exists()
