"""interpretation.services: which documents a clerk may link, saving an interpretation with
its links (all or nothing), the links of a live interpretation, and its images and media
following its publication."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from disclosure.models import Document
from interpretation.models import Interpretation, Media
from interpretation.services import (
    LINKS_OF_LIVE,
    MEDIA_NOUN,
    documents_link,
    interpretation_save,
    linkable_documents,
    media_save,
)
from portal import workflow
from portal.models import Status
from tests.disclosure.factories import DocumentFactory
from tests.interpretation.conftest import through_review
from tests.interpretation.factories import InterpretationFactory
from tests.portal.factories import UserFactory
from tests.portal.roles import staff
from tests.portal.test_uploads import png

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsider_clerk(agency):
    return staff("outside-clerk", agency.elsewhere, "信息员")


# --- linkable_documents ------------------------------------------------------------------


@pytest.fixture
def documents(agency):
    """One draft document owned by each organization of the agency, and one of another."""
    return {
        name: DocumentFactory(organization=getattr(agency, name), title=f"{name}的文件")
        for name in ("bureau", "office", "publicity", "elsewhere")
    }


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("clerk", {"office"}),  # their own office (and what is below it)
        ("reviewer", {"office"}),
        ("clerk_and_reviewer", {"office"}),
        ("publisher", {"bureau", "office", "publicity"}),  # the publicity office: the agency
        ("outside_reviewer", {"elsewhere"}),  # another agency's reviewer: theirs only
    ],
)
def test_each_role_may_link_the_documents_of_its_scope(agency, documents, who, expected):
    linkable = set(linkable_documents(getattr(agency, who)))
    assert linkable == {documents[name] for name in expected}


def test_a_clerk_of_the_agency_root_may_link_the_documents_below(agency, documents):
    bureau_clerk = staff("bureau-clerk", agency.bureau, "信息员")
    linkable = set(linkable_documents(bureau_clerk))
    assert linkable == {documents[name] for name in ("bureau", "office", "publicity")}


@pytest.mark.parametrize("who", ["supervisor", "superuser"])
def test_supervisors_and_superusers_may_link_every_document(agency, documents, who):
    user = (
        UserFactory(is_superuser=True, is_staff=True) if who == "superuser" else agency.supervisor
    )
    linkable = linkable_documents(user)
    assert set(documents.values()) <= set(linkable)
    assert linkable.count() == Document.objects.count()


def test_staff_without_an_organization_may_link_no_document(documents):
    assert not linkable_documents(UserFactory(is_staff=True)).exists()


# --- interpretation_save -----------------------------------------------------------------


def test_a_clerk_saves_a_new_interpretation_as_a_draft_of_their_office(agency):
    document = DocumentFactory(organization=agency.office, by=agency.clerk)
    interpretation = Interpretation(
        title="低保新政问答",
        kind=Interpretation.Kind.QA,
        organization=agency.office,
        body="<p>问：谁可以申请？</p>",
    )
    saved = interpretation_save(
        interpretation=interpretation, by=agency.clerk, documents=[document]
    )
    saved = Interpretation.objects.get(pk=saved.pk)
    assert saved.status == Status.DRAFT and not saved.is_live
    assert saved.owner_organization == agency.office and saved.created_by == agency.clerk
    assert list(saved.documents.all()) == [document]
    assert [(e.action, e.by) for e in workflow.history(saved)] == [("created", agency.clerk)]


def test_saving_without_documents_leaves_the_links_as_they_were(agency):
    document = DocumentFactory(organization=agency.office, by=agency.clerk)
    interpretation = InterpretationFactory(
        organization=agency.office, documents=[document], by=agency.clerk
    )
    interpretation.title = "改过的标题"
    interpretation_save(interpretation=interpretation, by=agency.clerk)
    interpretation.refresh_from_db()
    assert interpretation.title == "改过的标题"
    assert list(interpretation.documents.all()) == [document]


def test_a_new_interpretation_with_a_refused_link_is_not_saved_at_all(agency, outsider_clerk):
    theirs = DocumentFactory(organization=agency.office, by=agency.clerk)
    interpretation = Interpretation(
        title="越权关联的解读", organization=agency.elsewhere, body="<p>正文</p>"
    )
    with pytest.raises(PermissionDenied):
        interpretation_save(interpretation=interpretation, by=outsider_clerk, documents=[theirs])
    assert not Interpretation.objects.filter(title="越权关联的解读").exists()


def test_a_clerk_cannot_save_another_organizations_interpretation(agency, outsider_clerk):
    interpretation = InterpretationFactory(organization=agency.office, by=agency.clerk)
    interpretation.title = "别家改的标题"
    with pytest.raises(PermissionDenied):
        interpretation_save(interpretation=interpretation, by=outsider_clerk, documents=[])
    assert Interpretation.objects.get(pk=interpretation.pk).title != "别家改的标题"


def test_an_edit_of_a_live_interpretation_with_its_links_waits_for_review(agency):
    document = DocumentFactory(organization=agency.office, published=True)
    live = InterpretationFactory(
        organization=agency.office, title="公开的标题", documents=[document], published=True
    )
    edit = Interpretation.objects.get(pk=live.pk)
    edit.title = "待审的标题"
    saved = interpretation_save(interpretation=edit, by=agency.clerk, documents=[document])
    saved.refresh_from_db()
    assert saved.title == "公开的标题" and saved.is_live and saved.status == Status.DRAFT
    assert workflow.pending_revision(saved).data["title"] == "待审的标题"
    assert list(saved.documents.all()) == [document]


def test_a_refused_relink_of_a_live_interpretation_leaves_no_pending_edit(agency):
    """One transaction: the edit is not kept when its links are refused."""
    first = DocumentFactory(organization=agency.office, published=True)
    other = DocumentFactory(organization=agency.office, published=True)
    live = InterpretationFactory(organization=agency.office, documents=[first], published=True)
    edit = Interpretation.objects.get(pk=live.pk)
    edit.title = "换了文件的解读"
    with pytest.raises(ValidationError) as refused:
        interpretation_save(interpretation=edit, by=agency.clerk, documents=[other])
    assert refused.value.messages == [LINKS_OF_LIVE]
    live.refresh_from_db()
    assert live.status == Status.PUBLISHED and workflow.pending_revision(live) is None
    assert list(live.documents.all()) == [first]


# --- documents_link ----------------------------------------------------------------------


def test_the_links_of_a_live_interpretation_do_not_change_unreviewed(agency):
    first = DocumentFactory(organization=agency.office, published=True)
    other = DocumentFactory(organization=agency.office, published=True)
    interpretation = InterpretationFactory(
        organization=agency.office, documents=[first], published=True
    )
    with pytest.raises(ValidationError) as refused:
        documents_link(interpretation=interpretation, documents=[first, other], by=agency.clerk)
    assert refused.value.messages == [LINKS_OF_LIVE]
    assert list(interpretation.documents.all()) == [first]


def test_a_clerk_cannot_link_another_organizations_document(agency, outsider_clerk):
    theirs = DocumentFactory(organization=agency.office, by=agency.clerk)
    interpretation = InterpretationFactory(organization=agency.elsewhere, by=outsider_clerk)
    with pytest.raises(PermissionDenied):
        documents_link(interpretation=interpretation, documents=[theirs], by=outsider_clerk)
    assert not interpretation.documents.exists()


def test_linking_replaces_the_documents_of_a_draft(agency):
    first, second, third = (
        DocumentFactory(organization=agency.office, by=agency.clerk) for _ in range(3)
    )
    interpretation = InterpretationFactory(
        organization=agency.office, documents=[first, second], by=agency.clerk
    )
    documents_link(interpretation=interpretation, documents=[second, third], by=agency.clerk)
    assert set(interpretation.documents.all()) == {second, third}
    documents_link(interpretation=interpretation, documents=[], by=agency.clerk)
    assert not interpretation.documents.exists()


def test_one_refused_document_refuses_the_whole_link(agency):
    mine = DocumentFactory(organization=agency.office, by=agency.clerk)
    theirs = DocumentFactory(organization=agency.elsewhere)
    interpretation = InterpretationFactory(
        organization=agency.office, documents=[mine], by=agency.clerk
    )
    with pytest.raises(PermissionDenied):
        documents_link(interpretation=interpretation, documents=[mine, theirs], by=agency.clerk)
    assert list(interpretation.documents.all()) == [mine]


def test_a_publisher_links_documents_from_anywhere_in_the_agency(agency):
    bureaus = DocumentFactory(organization=agency.bureau)
    publicitys = DocumentFactory(organization=agency.publicity)
    interpretation = InterpretationFactory(organization=agency.office, by=agency.clerk)
    documents_link(
        interpretation=interpretation, documents=[bureaus, publicitys], by=agency.publisher
    )
    assert set(interpretation.documents.all()) == {bureaus, publicitys}


def test_a_live_interpretation_may_be_given_the_same_links_again(agency):
    document = DocumentFactory(organization=agency.office, published=True)
    interpretation = InterpretationFactory(
        organization=agency.office, documents=[document], published=True
    )
    assert (
        documents_link(interpretation=interpretation, documents=[document], by=agency.clerk) is None
    )
    assert list(interpretation.documents.all()) == [document]


def test_a_withdrawn_interpretation_may_be_relinked(agency):
    first = DocumentFactory(organization=agency.office, published=True)
    other = DocumentFactory(organization=agency.office, published=True)
    interpretation = InterpretationFactory(
        organization=agency.office, documents=[first], published=True
    )
    interpretation = through_review(interpretation, agency, steps=["withdraw"])
    documents_link(interpretation=interpretation, documents=[other], by=agency.clerk)
    assert list(interpretation.documents.all()) == [other]


# --- media_save --------------------------------------------------------------------------


VIDEO = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 200  # an MP4 header, by content


def image(name: str = "图解.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png(1, 1, pixels=b"\x00\xff\x00\x00"), "image/png")


def draft_interpretation(agency) -> Interpretation:
    document = DocumentFactory(organization=agency.office, published=True)
    return InterpretationFactory(organization=agency.office, documents=[document], by=agency.clerk)


def live_with_image(agency) -> tuple[Interpretation, Media]:
    interpretation = draft_interpretation(agency)
    media_save(
        interpretation=interpretation, saved=[Media(file=image("旧图解.png"), description="旧图解")]
    )
    interpretation = workflow.item_migrate_published(interpretation, by=agency.publisher)
    return interpretation, interpretation.media.get()


def test_an_image_of_a_draft_waits_for_the_publication(agency):
    interpretation = draft_interpretation(agency)
    media_save(
        interpretation=interpretation,
        saved=[Media(file=image(), description="一图读懂", is_live=True)],
    )
    media = interpretation.media.get()
    assert not media.is_live  # a live flag is the service's to set
    assert media.kind == Media.Kind.IMAGE and media.content_type == "image/png"
    workflow.item_migrate_published(interpretation, by=agency.publisher)
    media.refresh_from_db()
    assert media.is_live


def test_media_of_a_live_interpretation_change_only_with_its_next_publication(agency):
    interpretation, old = live_with_image(agency)
    media_save(
        interpretation=interpretation,
        saved=[Media(file=image("新图解.png"), description="新图解")],
        deleted=[old],
    )
    old.refresh_from_db()
    new = interpretation.media.exclude(pk=old.pk).get()
    assert old.is_live and old.remove_on_publish and not new.is_live
    edit = workflow.working_version(interpretation)
    interpretation = interpretation_save(interpretation=edit, by=agency.clerk)
    through_review(interpretation, agency, steps=["submit", "approve", "publish"])
    assert list(interpretation.media.values_list("pk", "is_live")) == [(new.pk, True)]


def test_a_deleted_image_of_a_draft_goes_at_once(agency):
    interpretation = draft_interpretation(agency)
    media_save(interpretation=interpretation, saved=[Media(file=image(), description="图解")])
    media_save(interpretation=interpretation, deleted=[interpretation.media.get()])
    assert not Media.objects.exists()


def test_a_live_image_of_a_live_interpretation_is_not_changed_in_place(agency):
    interpretation, old = live_with_image(agency)
    old.description = "改过的替代文字"
    with pytest.raises(ValidationError) as refused:
        media_save(interpretation=interpretation, saved=[old])
    assert refused.value.code == "attachment_live"
    assert MEDIA_NOUN in refused.value.messages[0]
    assert Media.objects.get().description == "旧图解"


def test_a_video_without_captions_or_transcript_is_refused(agency):
    interpretation = draft_interpretation(agency)
    video = Media(file=SimpleUploadedFile("talk.mp4", VIDEO, "video/mp4"), description="访谈")
    with pytest.raises(ValidationError) as refused:
        media_save(interpretation=interpretation, saved=[video])
    assert "transcript" in refused.value.message_dict
    assert not Media.objects.exists()
