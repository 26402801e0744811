"""The catalogue's services (``disclosure.services``): each one's happy path and each of
its refusals; the import's bulk writes; the demo commands' history."""

import io
from datetime import date, datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tablib import Dataset

from disclosure import admin as disclosure_admin
from disclosure import services
from disclosure.models import Attachment, Document, IndexNumberSequence
from disclosure.resources import DocumentResource
from disclosure.services import (
    attachments_save,
    document_create,
    document_migrate,
    document_save,
    documents_import,
)
from portal import workflow
from portal.models import SearchEntry, Status, WorkflowEvent
from tests.disclosure.factories import SHANGHAI, DocumentFactory
from tests.disclosure.test_admin import form_data
from tests.disclosure.test_resources import HEADERS, csv_bytes, import_via_command, row
from tests.portal.factories import OrganizationFactory, UserFactory
from tests.portal.roles import staff

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def draft(agency, **fields) -> Document:
    return DocumentFactory.build(organization=agency.bureau, **fields)


def trail(document) -> list[tuple[str, str, str, str]]:
    return [
        (e.action, e.from_status, e.to_status, e.by.username) for e in workflow.history(document)
    ]


def inserts_into(queries, model) -> int:
    """Statements that write new rows of ``model``: an INSERT, or a pipeline's COPY."""
    table = f'"{model._meta.db_table}"'
    starts = (f"INSERT INTO {table}", f"COPY {table}")
    return sum(1 for query in queries if query["sql"].startswith(starts))


# --- document_create: the 索引号 is drawn here, never by save() ---------------------------


def test_document_create_draws_the_index_number_and_records_the_creation(agency):
    document = document_create(document=draft(agency, written_on=date(2025, 3, 1)), by=agency.clerk)
    assert document.index_number == f"{agency.bureau.credit_code}/2025-00001"
    assert document.status == Status.DRAFT and document.owner_organization == agency.office
    assert trail(document) == [("created", "", "draft", "clerk")]


def test_document_create_numbers_in_the_year_it_is_given(agency):
    document = document_create(
        document=draft(agency, written_on=date(2025, 1, 3)),
        by=agency.clerk,
        number_on=date(2024, 12, 31),
    )
    assert document.index_number == f"{agency.bureau.credit_code}/2024-00001"


def test_document_create_keeps_a_number_typed_for_the_document(agency):
    number = f"{agency.bureau.credit_code}/2024-00042"
    document = document_create(document=draft(agency, index_number=number), by=agency.clerk)
    assert document.index_number == number
    assert not IndexNumberSequence.objects.exists()


def test_save_never_draws_an_index_number(agency):
    with pytest.raises(ValidationError) as caught:
        draft(agency).save()
    assert "disclosure.services" in str(caught.value)
    assert not Document.objects.exists() and not IndexNumberSequence.objects.exists()


def test_save_never_empties_a_stored_index_number(agency):
    document = DocumentFactory(organization=agency.bureau)
    document.index_number = ""
    with pytest.raises(ValidationError) as caught:
        document.save()
    assert "不可更改或清空" in str(caught.value)


def test_a_refused_document_gives_its_index_number_back(agency):
    with pytest.raises(ValidationError):
        document_create(document=draft(agency, title="通知\x01"), by=agency.clerk)
    document = document_create(document=draft(agency), by=agency.clerk)
    assert document.index_number == f"{agency.bureau.credit_code}/2024-00001"


def test_document_create_refuses_an_organization_tree_without_a_credit_code(agency):
    codeless = OrganizationFactory(credit_code="")
    with pytest.raises(ValidationError) as caught:
        document_create(document=DocumentFactory.build(organization=codeless), by=agency.clerk)
    assert "统一社会信用代码" in str(caught.value)
    assert not Document.objects.exists()


def test_document_create_refuses_a_user_without_an_organization(agency):
    with pytest.raises(ValidationError) as caught:
        document_create(document=draft(agency), by=UserFactory())
    assert "未关联机构" in str(caught.value)
    assert not Document.objects.exists() and not IndexNumberSequence.objects.exists()


def test_document_create_refuses_a_document_that_exists(agency):
    document = DocumentFactory(organization=agency.bureau)
    with pytest.raises(ValidationError) as caught:
        document_create(document=document, by=agency.clerk)
    assert caught.value.code == "exists"


def test_the_admin_creates_through_document_create(agency, client, monkeypatch):
    calls = []

    def spy(**kwargs):
        calls.append(kwargs["by"])
        return document_create(**kwargs)

    monkeypatch.setattr(disclosure_admin, "document_create", spy)
    client.force_login(agency.clerk)
    assert (
        client.post(reverse("admin:disclosure_document_add"), form_data(agency)).status_code == 302
    )
    assert calls == [agency.clerk]
    assert Document.objects.get().index_number.startswith(f"{agency.bureau.credit_code}/2026-")


# --- document_save ---------------------------------------------------------------------


def test_document_save_records_a_clerks_edit_of_a_draft(agency):
    document = document_create(document=draft(agency), by=agency.clerk)
    document.title = "改过的标题"
    document_save(document=document, by=agency.second_clerk)
    assert Document.objects.get().title == "改过的标题"
    assert trail(document)[-1] == ("edited", "draft", "draft", "clerk2")


def test_document_save_keeps_the_public_version_of_a_live_document(agency):
    live = DocumentFactory(
        published=True, organization=agency.bureau, owner_organization=agency.office, title="原标题"
    )
    editing = workflow.working_version(live)
    editing.title = "新标题"
    document_save(document=editing, by=agency.clerk)
    stored = Document.objects.get()
    assert stored.title == "原标题" and stored.is_public and stored.status == Status.DRAFT
    assert workflow.working_version(stored).title == "新标题"


def test_document_save_refuses_a_new_document(agency):
    with pytest.raises(ValidationError) as caught:
        document_save(document=draft(agency), by=agency.clerk)
    assert caught.value.code == "new" and not Document.objects.exists()


def test_document_save_refuses_to_change_the_index_number(agency):
    document = document_create(document=draft(agency), by=agency.clerk)
    stored = document.index_number
    document.index_number = f"{agency.bureau.credit_code}/2024-00099"
    with pytest.raises(ValidationError) as caught:
        document_save(document=document, by=agency.clerk)
    assert "索引号一经生成不可更改" in str(caught.value)
    assert Document.objects.get().index_number == stored


def test_document_save_refuses_a_document_under_review(agency):
    document = document_create(document=draft(agency), by=agency.clerk)
    workflow.perform(document, step="submit", by=agency.clerk)
    document.title = "审核中改的"
    with pytest.raises(ValidationError) as caught:
        document_save(document=document, by=agency.clerk)
    assert caught.value.code == "locked"


# --- document_migrate ------------------------------------------------------------------


def test_document_migrate_publishes_a_record_with_its_date_and_a_number(agency):
    published_at = datetime(2024, 5, 7, 9, 0, tzinfo=SHANGHAI)
    document = document_migrate(
        document=draft(agency, published_at=published_at), by=agency.publisher
    )
    assert document.is_public and document.published_at == published_at
    assert document.index_number == f"{agency.bureau.credit_code}/2024-00001"
    assert trail(document) == [("migrated", "", "published", "publisher")]


def test_document_migrate_needs_a_publisher_and_gives_the_number_back(agency):
    with pytest.raises(PermissionDenied):
        document_migrate(document=draft(agency), by=agency.clerk)
    assert not Document.objects.exists() and not IndexNumberSequence.objects.exists()


# --- attachments: a live document's change with its next publication ---------------------


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF)


def live_with_attachment(agency) -> tuple[Document, Attachment]:
    document = document_create(document=draft(agency), by=agency.clerk, needs_interpretation=False)
    attachments_save(document=document, saved=[Attachment(file=upload("旧附件.pdf"))])
    document = document_migrate(document=document, by=agency.publisher)
    return document, document.attachments.get()


def publish(document, agency):
    workflow.perform(document, step="submit", by=agency.clerk)
    workflow.perform(document, step="approve", by=agency.reviewer, note="同意")
    return workflow.perform(document, step="publish", by=agency.publisher)


def test_an_attachment_of_a_draft_waits_for_the_publication(agency):
    document = document_create(document=draft(agency), by=agency.clerk)
    attachments_save(document=document, saved=[Attachment(file=upload("附件.pdf"), is_live=True)])
    assert not document.attachments.get().is_live  # a live flag is the service's to set
    document_migrate(document=document, by=agency.publisher)
    assert document.attachments.get().is_live


def test_attachments_of_a_live_document_change_only_with_its_next_publication(agency):
    document, old = live_with_attachment(agency)
    attachments_save(
        document=document, saved=[Attachment(file=upload("新附件.pdf"))], deleted=[old]
    )
    old.refresh_from_db()
    new = document.attachments.exclude(pk=old.pk).get()
    assert old.is_live and old.remove_on_publish and not new.is_live
    document = document_save(document=workflow.working_version(document), by=agency.clerk)
    publish(document, agency)
    assert list(document.attachments.values_list("pk", "is_live")) == [(new.pk, True)]


def test_a_deleted_attachment_of_a_draft_goes_at_once(agency):
    document = document_create(document=draft(agency), by=agency.clerk)
    attachments_save(document=document, saved=[Attachment(file=upload("附件.pdf"))])
    attachments_save(document=document, deleted=[document.attachments.get()])
    assert not Attachment.objects.exists()


def test_a_live_attachment_of_a_live_document_is_not_changed_in_place(agency):
    document, old = live_with_attachment(agency)
    old.title = "改名"
    with pytest.raises(ValidationError) as caught:
        attachments_save(document=document, saved=[old])
    assert caught.value.code == "attachment_live"
    assert Attachment.objects.get().title == ""


def attachment_form(agency, document, attachment, **changes):
    data = form_data(agency, title=document.title, written_on="2024-05-06")
    data.update(
        {
            "attachments-TOTAL_FORMS": "1",
            "attachments-INITIAL_FORMS": "1",
            "attachments-0-id": attachment.pk,
            "attachments-0-document": document.pk,
            "attachments-0-title": "",
            "attachments-0-sort_order": "0",
            **changes,
        }
    )
    return data


def test_the_admin_refuses_changing_a_live_attachment_as_a_form_error(agency, client):
    document, old = live_with_attachment(agency)
    client.force_login(agency.clerk)
    change = reverse("admin:disclosure_document_change", args=[document.pk])
    data = attachment_form(agency, document, old, **{"attachments-0-title": "改名"})
    response = client.post(change, data)
    assert response.status_code == 200 and "已公开的附件不能直接修改" in response.content.decode()
    assert Attachment.objects.get().title == ""


def test_the_admin_deletes_a_live_attachment_through_the_service(agency, client, monkeypatch):
    document, old = live_with_attachment(agency)
    calls = []

    def spy(**kwargs):
        calls.append([a.pk for a in kwargs["deleted"]])
        return attachments_save(**kwargs)

    monkeypatch.setattr(disclosure_admin, "attachments_save", spy)
    client.force_login(agency.clerk)
    change = reverse("admin:disclosure_document_change", args=[document.pk])
    data = attachment_form(agency, document, old, **{"attachments-0-DELETE": "on"})
    assert client.post(change, data).status_code == 302
    assert calls == [[old.pk]]
    old.refresh_from_db()
    assert old.is_live and old.remove_on_publish


# --- documents_import: the bulk form ----------------------------------------------------


def test_a_command_import_without_publish_as_records_the_system_actor(agency, tmp_path):
    import_via_command(tmp_path, csv_bytes([row(), row(title="第二份", number="2号")]))
    for document in Document.objects.all():
        assert trail(document) == [("created", "", "draft", workflow.SYSTEM_USERNAME)]
        assert document.created_by.username == workflow.SYSTEM_USERNAME
    actor = workflow.system_actor()
    assert actor.last_name == "系统导入" and not actor.is_active and not actor.is_staff
    assert not actor.has_usable_password() and not actor.groups.exists()


def test_the_system_actor_is_one_account_that_records_edits_too(agency, tmp_path):
    import_via_command(tmp_path, csv_bytes([row()]))
    import_via_command(tmp_path, csv_bytes([row(title="标题改了")]))
    document = Document.objects.get()
    assert [e[0] for e in trail(document)] == ["created", "edited"]
    assert {e[3] for e in trail(document)} == {workflow.SYSTEM_USERNAME}
    assert type(agency.clerk).objects.filter(username=workflow.SYSTEM_USERNAME).count() == 1


def test_a_system_account_that_can_log_in_is_refused(agency, tmp_path):
    UserFactory(username=workflow.SYSTEM_USERNAME)
    with pytest.raises(CommandError) as caught:
        import_via_command(tmp_path, csv_bytes([row()]))
    assert "保留给系统导入" in str(caught.value)
    assert not Document.objects.exists()


def test_a_system_account_with_a_role_is_refused(agency):
    actor = workflow.system_actor()
    actor.groups.set(staff("x", agency.bureau, "发布员").groups.all())
    with pytest.raises(PermissionDenied):
        workflow.system_actor()


def test_the_system_actor_never_changes_a_live_document(agency):
    live = DocumentFactory(published=True, organization=agency.bureau)
    live.title = "系统改的"
    with pytest.raises(ValidationError) as caught:
        documents_import(updated=[live], by=workflow.system_actor())
    assert caught.value.code == "live_needs_a_person"
    assert Document.objects.get().title != "系统改的"


def test_an_import_never_changes_a_document_under_review(agency):
    document = document_create(document=draft(agency), by=agency.clerk)
    document = workflow.perform(document, step="submit", by=agency.clerk)
    document.title = "导入改的"
    with pytest.raises(ValidationError) as caught:
        documents_import(updated=[document], by=agency.clerk)
    assert caught.value.code == "locked"


def test_a_migration_import_needs_a_publisher(agency):
    with pytest.raises(PermissionDenied):
        documents_import(created=[draft(agency)], by=agency.clerk, publish=True)
    assert not Document.objects.exists()


def test_a_migration_import_publishes_indexes_and_records_in_bulk(agency):
    documents = [draft(agency, title=f"迁移的通知{n}", published_at=None) for n in range(3)]
    documents_import(created=documents, by=agency.publisher, publish=True)
    for document in Document.objects.all():
        assert document.is_public and document.created_by == agency.publisher
        assert trail(document) == [("migrated", "", "published", "publisher")]
    assert SearchEntry.objects.filter(kind="document").count() == 3


def test_a_migration_import_brings_waiting_attachments_along(agency, tmp_path):
    import_via_command(tmp_path, csv_bytes([row()]))
    document = Document.objects.get()
    attachments_save(document=document, saved=[Attachment(file=upload("附件.pdf"))])
    import_via_command(tmp_path, csv_bytes([row()]), "--publish-as", "publisher")
    document.refresh_from_db()
    assert document.is_public and document.attachments.get().is_live


def test_a_body_with_quotes_reimports_unchanged(agency, tmp_path):
    rows = [row(**{"正文": 'It\'s a "quoted" 通知。'})]
    import_via_command(tmp_path, csv_bytes(rows))
    out, _ = import_via_command(tmp_path, csv_bytes(rows))
    assert "未变 1" in out
    assert [e[0] for e in trail(Document.objects.get())] == ["created"]


def import_queries(tmp_path, rows, *args) -> list[dict]:
    with CaptureQueriesContext(connection) as captured:
        import_via_command(tmp_path, csv_bytes(rows), *args)
    return captured.captured_queries


def numbered_rows(start, count, **overrides):
    return [row(title=f"文件{n}", number=f"渝民发〔2025〕{n}号", **overrides) for n in range(start, start + count)]  # fmt: skip


@pytest.mark.parametrize("args", [(), ("--publish-as", "publisher")])
def test_the_import_writes_history_in_a_constant_number_of_queries(agency, tmp_path, args):
    workflow.system_actor()  # created by the first command import only
    few = import_queries(tmp_path, numbered_rows(0, 3), *args)
    many = import_queries(tmp_path, numbered_rows(100, 30), *args)
    assert inserts_into(few, WorkflowEvent) == inserts_into(many, WorkflowEvent) == 1
    assert len(many) == len(few)
    assert WorkflowEvent.objects.count() == 33


def test_a_clerks_import_of_live_documents_writes_revisions_in_bulk(agency, tmp_path):
    import_via_command(tmp_path, csv_bytes(numbered_rows(0, 5)), "--publish-as", "publisher")
    clerk = staff("bureau_clerk", agency.bureau, "信息员")
    dataset = Dataset(*numbered_rows(0, 5, **{"正文": "导入改的正文"}), headers=HEADERS)
    with CaptureQueriesContext(connection) as captured:
        result = DocumentResource(user=clerk).import_data(
            dataset, use_transactions=True, rollback_on_validation_errors=True
        )
    assert not result.has_errors() and not result.has_validation_errors()
    from portal.models import Revision

    assert inserts_into(captured.captured_queries, Revision) == 1
    assert inserts_into(captured.captured_queries, WorkflowEvent) == 1
    for document in Document.objects.all():
        assert document.is_public and "导入改的正文" not in document.body
        assert "导入改的正文" in workflow.working_version(document).body
        assert trail(document)[-1] == ("edited", "published", "draft", "bureau_clerk")


# --- the demo commands ------------------------------------------------------------------


def documents_without_history() -> set[int]:
    events = WorkflowEvent.objects.filter(content_type=ContentType.objects.get_for_model(Document))
    return set(Document.objects.values_list("pk", flat=True)) - set(
        events.values_list("object_id", flat=True)
    )


def test_every_load_demo_document_has_history():
    call_command("load_demo", stdout=io.StringIO())
    assert Document.objects.count() > 50 and documents_without_history() == set()


def test_every_seed_demo_document_is_migrated_with_history():
    call_command("load_demo", stdout=io.StringIO())
    before = Document.objects.count()
    call_command("seed_demo", documents=5, seed=7, stdout=io.StringIO())
    seeded = Document.objects.order_by("-pk")[:5]
    assert Document.objects.count() == before + 5 and documents_without_history() == set()
    for document in seeded:
        assert document.is_public and trail(document) == [("migrated", "", "published", "admin")]
    assert SearchEntry.objects.filter(object_id__in=[d.pk for d in seeded]).count() == 5


def test_seed_demo_needs_the_demo_loaded():
    with pytest.raises(CommandError):
        call_command("seed_demo", documents=1, stdout=io.StringIO())


def test_the_factories_go_through_the_services(agency):
    draft_document = DocumentFactory(organization=agency.bureau)
    live = DocumentFactory(organization=agency.bureau, published=True)
    assert [e[0] for e in trail(draft_document)] == ["created"]
    assert [e[0] for e in trail(live)] == ["migrated"] and live.is_public
    with pytest.raises(TypeError):
        DocumentFactory(status=Status.PUBLISHED)


def test_services_are_keyword_only():
    with pytest.raises(TypeError):
        services.document_create(Document(), None)
