"""Clerks, reviewers and publishers in the Django admin."""

import pytest
from django.urls import reverse

from disclosure.models import Document, Genre, TopicCategory
from disclosure.services import document_create
from portal import workflow
from portal.models import Status
from tests.disclosure.factories import DocumentFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:disclosure_document_changelist")
ADD = reverse("admin:disclosure_document_add")
INLINE = {
    "attachments-TOTAL_FORMS": "0",
    "attachments-INITIAL_FORMS": "0",
    "attachments-MIN_NUM_FORMS": "0",
    "attachments-MAX_NUM_FORMS": "1000",
}


def form_data(agency, **overrides):
    return {
        "title": "关于开展养老机构安全检查的通知",
        "document_number": "渝民发〔2026〕1号",
        "organization": agency.bureau.pk,
        "category": TopicCategory.objects.get(name="社会福利").pk,
        "genre": Genre.objects.get(name="通知").pk,
        "written_on": "2026-11-20",
        "validity": "有效",
        "body": "<p>正文</p>",
        **INLINE,
        **overrides,
    }


def logged_in(client, user):
    client.force_login(user)
    return client


def test_a_clerk_creates_a_draft_of_their_organization(agency, client):
    response = logged_in(client, agency.clerk).post(ADD, form_data(agency))
    assert response.status_code == 302
    document = Document.objects.get(title="关于开展养老机构安全检查的通知")
    assert document.status == Status.DRAFT and not document.is_live
    assert document.owner_organization == agency.office and document.created_by == agency.clerk
    assert document.index_number.startswith(f"{agency.bureau.credit_code}/2026-")


def test_a_clerk_may_name_only_organizations_of_their_agency(agency, client):
    response = logged_in(client, agency.clerk).post(
        ADD, form_data(agency, organization=agency.elsewhere.pk)
    )
    assert response.status_code == 200
    assert "organization" in response.context["adminform"].form.errors


def test_an_organization_tree_without_a_credit_code_is_a_form_error_not_a_crash(agency, client):
    from tests.portal.factories import OrganizationFactory

    codeless = OrganizationFactory(name="无代码机关", credit_code="")
    admin = agency.clerk
    admin.is_superuser = True
    admin.save()
    response = logged_in(client, admin).post(ADD, form_data(agency, organization=codeless.pk))
    assert response.status_code == 200
    assert "统一社会信用代码" in str(response.context["adminform"].form.errors)


def test_clerks_see_only_their_organization_subtree(agency, client):
    DocumentFactory(title="本处室的", organization=agency.bureau, owner_organization=agency.office)
    DocumentFactory(title="别的机关的", organization=agency.elsewhere)
    html = logged_in(client, agency.clerk).get(CHANGELIST).content.decode()
    assert "本处室的" in html and "别的机关的" not in html


def test_a_supervisor_sees_everything_and_changes_nothing(agency, client):
    DocumentFactory(title="别的机关的", organization=agency.elsewhere)
    document = DocumentFactory(organization=agency.bureau, owner_organization=agency.office)
    client = logged_in(client, agency.supervisor)
    assert "别的机关的" in client.get(CHANGELIST).content.decode()
    change = reverse("admin:disclosure_document_change", args=[document.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, form_data(agency, title="督查员改的")).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def submitted(agency):
    document = document_create(
        document=DocumentFactory.build(organization=agency.bureau, title="待审核的通知"),
        by=agency.clerk,
        needs_interpretation=False,
    )
    return workflow.perform(document, step="submit", by=agency.clerk)


def test_the_review_queue_lists_what_waits_for_this_reviewer(agency, client):
    waiting = submitted(agency)
    DocumentFactory(title="还是草稿", organization=agency.bureau, owner_organization=agency.office)
    response = logged_in(client, agency.reviewer).get(CHANGELIST, {"queue": "review"})
    listed = list(response.context["cl"].result_list)
    assert listed == [waiting]


def test_bulk_approval_asks_for_the_opinion_first(agency, client):
    document = submitted(agency)
    client = logged_in(client, agency.reviewer)
    selection = {"action": "approve_selected", "_selected_action": [document.pk]}
    page = client.post(CHANGELIST, selection)
    assert page.status_code == 200 and "审查意见" in page.content.decode()
    document.refresh_from_db()
    assert document.status == Status.SUBMITTED

    empty = client.post(CHANGELIST, {**selection, "apply": "1", "note": ""})
    assert "请填写审查意见" in empty.content.decode()

    done = client.post(CHANGELIST, {**selection, "apply": "1", "note": "经审查不涉密"}, follow=True)
    assert "已审核通过 1 项" in done.content.decode()
    document.refresh_from_db()
    assert document.status == Status.APPROVED


def test_a_refused_bulk_step_is_a_message_not_a_crash(agency, client):
    draft = DocumentFactory(organization=agency.bureau, owner_organization=agency.office)
    response = logged_in(client, agency.publisher).post(
        CHANGELIST,
        {
            "action": "publish_selected",
            "_selected_action": [draft.pk],
            "apply": "1",
            "publish_at": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "不能发布" in response.content.decode()


def test_the_change_page_offers_the_allowed_steps_and_shows_the_history(agency, client):
    document = submitted(agency)
    html = (
        logged_in(client, agency.reviewer)
        .get(reverse("admin:disclosure_document_change", args=[document.pk]))
        .content.decode()
    )
    assert "审核通过" in html and "退回" in html and "发布</a>" not in html
    assert "流程记录" in html and "提交审核" in html
    assert "预览公开页面" in html


def test_returning_from_the_change_page_needs_a_reason(agency, client):
    document = submitted(agency)
    url = reverse("admin:disclosure_document_step", args=[document.pk, "return"])
    client = logged_in(client, agency.reviewer)
    assert "退回理由" in client.get(url).content.decode()
    assert "请填写退回理由" in client.post(url, {"note": ""}).content.decode()
    client.post(url, {"note": "请补充附件"})
    document.refresh_from_db()
    assert document.status == Status.DRAFT
    change = reverse("admin:disclosure_document_change", args=[document.pk])
    clerk_view = logged_in(client, agency.clerk).get(change).content.decode()
    assert "退回，理由：请补充附件" in clerk_view


def test_publishing_can_be_scheduled_from_the_intermediate_page(agency, client):
    document = submitted(agency)
    workflow.perform(document, step="approve", by=agency.reviewer, note="同意")
    url = reverse("admin:disclosure_document_step", args=[document.pk, "publish"])
    logged_in(client, agency.publisher).post(url, {"publish_at": "2099-01-01T09:00"})
    document.refresh_from_db()
    assert document.is_scheduled
    assert document.published_at.astimezone().strftime("%Y-%m-%d %H:%M") == "2099-01-01 09:00"


def test_editing_a_published_document_keeps_the_public_version(agency, client):
    document = DocumentFactory(
        published=True, organization=agency.bureau, owner_organization=agency.office, title="原标题"
    )
    change = reverse("admin:disclosure_document_change", args=[document.pk])
    client = logged_in(client, agency.clerk)
    # 成文日期 as the published record has it (a later one would be after its 发布日期).
    data = form_data(agency, title="新标题", written_on="2024-05-06")
    response = client.post(change, data, follow=True)
    assert "待审版本" in response.content.decode()
    document.refresh_from_db()
    assert document.title == "原标题" and document.is_live and document.status == Status.DRAFT
    assert client.get(change).context["adminform"].form.initial["title"] == "新标题"
    preview = client.get(reverse("admin:disclosure_document_preview", args=[document.pk]))
    assert "新标题" in preview.content.decode() and "预览" in preview.content.decode()


def test_a_document_under_review_is_read_only(agency, client):
    document = submitted(agency)
    change = reverse("admin:disclosure_document_change", args=[document.pk])
    assert logged_in(client, agency.clerk).post(change, form_data(agency)).status_code == 403


def test_the_status_badge_shows_scheduled_and_edited_states(agency):
    from datetime import timedelta

    from django.utils import timezone

    from portal.workflow_admin import WorkflowAdminMixin

    badge = WorkflowAdminMixin().status_badge
    live = DocumentFactory(published=True, organization=agency.bureau)
    assert ">已发布<" in badge(live)
    live.status = Status.DRAFT
    assert ">已发布 · 修改草稿<" in badge(live)
    scheduled = DocumentFactory(published=True, organization=agency.bureau)
    scheduled.published_at = timezone.now() + timedelta(days=1)
    assert "定时发布" in badge(scheduled)
    assert ">待审核<" in badge(DocumentFactory.build(status=Status.SUBMITTED))


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_attachments_of_a_live_document_change_only_with_its_next_publication(agency, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from disclosure.models import Attachment

    document = DocumentFactory(
        published=True, organization=agency.bureau, owner_organization=agency.office
    )
    old = Attachment.objects.create(
        document=document, file=SimpleUploadedFile("旧附件.pdf", PDF), is_live=True
    )
    change = reverse("admin:disclosure_document_change", args=[document.pk])
    data = form_data(agency, title=document.title, written_on="2024-05-06")
    data.update(
        {
            "attachments-TOTAL_FORMS": "2",
            "attachments-INITIAL_FORMS": "1",
            "attachments-0-id": old.pk,
            "attachments-0-document": document.pk,
            "attachments-0-title": "",
            "attachments-0-sort_order": "0",
            "attachments-0-DELETE": "on",
            "attachments-1-document": document.pk,
            "attachments-1-title": "新附件",
            "attachments-1-sort_order": "1",
            "attachments-1-file": SimpleUploadedFile("新附件.pdf", PDF),
        }
    )
    client = logged_in(client, agency.clerk)
    assert client.post(change, data).status_code == 302

    public = client.get(document.get_absolute_url()).content.decode()
    assert "旧附件.pdf" in public and "新附件" not in public

    workflow.perform(document, step="submit", by=agency.clerk)
    workflow.perform(document, step="approve", by=agency.reviewer, note="同意")
    workflow.perform(document, step="publish", by=agency.publisher)
    public = client.get(document.get_absolute_url()).content.decode()
    assert "新附件" in public and "旧附件.pdf" not in public
    assert not Attachment.objects.filter(pk=old.pk).exists()
