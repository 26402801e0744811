"""Every write on the catalogue that carries a rule (STYLE §2): creating and editing a
document, its attachments, migrating records from an earlier catalogue, and the bulk
forms an import uses. The admin, the import resource, the commands and the test
factories call these; none of them sets a status, a live flag or a history row itself.
The review steps themselves are ``portal.workflow.perform``'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from disclosure.index_numbers import IndexNumberPool, allocate_index_number, index_codes
from disclosure.models import Attachment, Document, attachments_publish
from disclosure.normative_rules import needs_interpretation_default
from disclosure.search_index import index_documents
from portal import publication, workflow
from portal.bulk import insert_many, pipelined, reserve_keys
from portal.followers import save_followers
from portal.models import Organization, Status, User, WorkflowEvent
from portal.scopes import acting_scope, in_scope

Action = WorkflowEvent.Action
BATCH = 1000
MIGRATION_NOTE = "从原目录迁移，保留原发布日期"
IMPORT_NOTE = "批量导入"
# The rules' messages, shared with the import resource, which reports them per row.
UNDER_REVIEW = "该文件正在审核中，不能通过导入修改。"
LIVE_NEEDS_A_PERSON = "已公开的文件只能由具名用户修改：请在后台导入，或用 --publish-as 迁移。"
NO_INDEX_CODE = "该机构及其上级机构都没有统一社会信用代码，无法生成索引号。"
# What an import or a migration writes on a document it finds (its 索引号 never changes).
_BULK_UPDATE_FIELDS = [
    *Document.revision_fields,
    "published_at", "status", "is_live", "last_published_at", "withdrawn_at",
]  # fmt: skip


# --- one document ----------------------------------------------------------------------


def document_create(
    *,
    document: Document,
    by: User,
    number_on: date | None = None,
    needs_interpretation: bool | None = None,
) -> Document:
    """Save a new document as a draft of ``by``'s organization, with its 索引号.

    The 索引号 (``<credit code>/<year>-<sequence>``, 国办秘函〔2009〕6号) is drawn here, in
    the transaction that stores the row, so a refused document gives its number back; one
    typed by hand or kept from an earlier catalogue is used as given. Its year is that of
    ``number_on``, else of the 成文日期, else today's.

    ``needs_interpretation`` (需要解读): as given, or when None by the rule "谁起草、谁解读"
    (``normative_rules.needs_interpretation_default``: normative documents, and 决定,
    命令（令）, 意见, 通知, 通告 issued by the agency itself); the clerk may change it later."""
    if document.pk is not None:
        raise ValidationError(
            "该文件已经保存过，不能再次创建：修改请用 document_save。", code="exists"
        )
    if needs_interpretation is None:
        needs_interpretation = _needs_interpretation(document)
    document.needs_interpretation = needs_interpretation
    with transaction.atomic():
        _number(document, number_on)
        return workflow.item_save(document, by=by)


def document_save(*, document: Document, by: User) -> Document:
    """Save a clerk's edit (``portal.workflow.item_save``): a live document keeps its public
    version while the edit waits in a pending revision; one under review is not changed.
    The 索引号 never changes once given (国办秘函〔2009〕6号: it identifies the record)."""
    if document.pk is None:
        raise ValidationError("新文件须先创建，以分配索引号。", code="new")
    stored = Document.objects.filter(pk=document.pk).values_list("index_number", flat=True)
    if document.index_number != stored.first():
        raise ValidationError({"index_number": "索引号一经生成不可更改或清空。"}, code="renumber")
    return workflow.item_save(document, by=by)


def _needs_interpretation(document: Document) -> bool:
    genre = document.genre if document.genre_id else None
    organization = document.organization if document.organization_id else None
    return needs_interpretation_default(
        is_normative=document.is_normative,
        genre_name=genre.name if genre else "",
        organization_kind=organization.kind if organization else "",
    )


def document_record_gazette(*, document: Document, by: User, submitted_on: date) -> Document:
    """Record that a normative document was sent to the government gazette (报送公报) on
    ``submitted_on``, and by whom. An administrative record, not a change the public
    reads: it needs no review and leaves any pending edit alone. Requires
    ``disclosure.change_document`` and the document's organization in ``by``'s scope."""
    if not by.has_perm("disclosure.change_document"):
        raise PermissionDenied("您没有修改公开文件的权限，不能登记报送公报。")
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if not in_scope(document.owner_organization_id, acting_scope(by)):
            raise PermissionDenied(f"“{document}”属于其他机构，您不能登记。")
        if not document.is_normative:
            raise ValidationError(
                f"“{document}”不是规范性文件，无需报送公报。", code="not_normative"
            )
        if submitted_on > timezone.localdate():
            raise ValidationError("报送日期不能晚于今天。", code="future")
        if document.written_on and submitted_on < document.written_on:
            raise ValidationError("报送日期不能早于成文日期。", code="before_issue")
        document.gazette_submitted_on = submitted_on
        document.gazette_recorded_by = by
        document.save(update_fields=["gazette_submitted_on", "gazette_recorded_by", "updated_at"])
    return document


def document_migrate(*, document: Document, by: User, now: datetime | None = None) -> Document:
    """Bring a record over from an earlier catalogue, published at once with its historical
    发布日期 (``portal.workflow.item_migrate_published``: ``by`` must be a publisher, the
    history says it was a migration). A new record gets its 索引号 as ``document_create``
    gives one, unless it keeps its own."""
    with transaction.atomic():
        if document.pk is None:
            _number(document, None)
        return workflow.item_migrate_published(document, by=by, now=now)


def _number(document: Document, number_on: date | None) -> None:
    if document.index_number or document.organization_id is None:
        return  # a missing 发布机构 is the form's error, reported by full_clean
    year = (number_on or document.written_on or timezone.localdate()).year
    document.index_number = allocate_index_number(document.organization, year)


# --- attachments -------------------------------------------------------------------------


def attachments_save(
    *, document: Document, saved: Iterable[Attachment] = (), deleted: Iterable[Attachment] = ()
) -> Document:
    """Add, change and delete a document's attachments by the rule of files that follow a
    publication (``portal.followers``): those of a live document change only with its
    next publication, so the public keeps what was reviewed and the reviewer sees the new
    set. ``disclosure.models.attachments_publish`` (the publication hook) applies it."""
    save_followers(item=document, field="document", saved=saved, deleted=deleted)
    return document


# --- many documents: imports and catalogue migrations ------------------------------------


def documents_import(
    *,
    created: Sequence[Document] = (),
    updated: Sequence[Document] = (),
    by: User,
    publish: bool = False,
    owner: Organization | None = None,
    now: datetime | None = None,
    numbers: IndexNumberPool | None = None,
    codes: dict[int, str] | None = None,
) -> list[Document]:
    """Write an import's documents in bulk, each as a single save or migration would, in a
    few queries per thousand rows (索引号 in blocks, history and revisions bulk-inserted).

    - ``created`` become drafts of ``owner`` (the importing clerk's organization), else of
      the organization they name, numbered as ``document_create`` numbers.
    - ``updated`` (rows the caller has locked) become drafts; a live one keeps its public
      version and the row's content waits in its pending revision, as an edit would. That
      needs a named person: the system actor of a command never changes what the public
      reads. A document under review is not changed.
    - ``publish``: a migration (``by`` must be a publisher): every document goes live at
      once keeping its historical 发布日期, waiting edits are superseded, attachments
      follow, the search index and the publication counter move, as
      ``item_migrate_published`` does for one.

    Every document gets a history row by ``by``. Bodies arrive sanitised (the resource's
    widget, ``plain_text_to_html``): ``bulk_create`` skips ``Document.save``.

    ``numbers``: 索引号 drawn ahead for the whole import, and ``codes`` (``index_codes``):
    given, a batch of new documents reads nothing, so it never waits for the batches
    queued before it."""
    now = now or timezone.now()
    created, updated = list(created), list(updated)
    _check_import(updated, by=by, publish=publish)
    edited_live = [] if publish else [d for d in updated if d.is_live]
    rewritten = [d for d in updated if publish or not d.is_live]
    from_statuses = {d.pk: d.status for d in updated}
    with pipelined():  # one transaction; the database writes while the next rows are read
        # Every query that reads comes first; the inserts are queued after them.
        _number_many(created, numbers or IndexNumberPool(), codes)
        for document in created:
            document.created_by = by
            document.owner_organization_id = owner.pk if owner else document.organization_id
        for document in created + rewritten:
            _set_state(document, publish=publish, now=now)
        reserve_keys(created)  # index entries and history name them before they are written
        Document.objects.bulk_update(rewritten, _BULK_UPDATE_FIELDS, batch_size=BATCH)
        if edited_live:
            workflow.save_pending_revisions(edited_live, by=by, batch_size=BATCH)
            Document.objects.filter(pk__in=[d.pk for d in edited_live]).update(status=Status.DRAFT)
            for document in edited_live:
                document.status = Status.DRAFT
        if publish:
            workflow.drop_pending_revisions(rewritten)  # new documents have none
            attachments_publish(documents=rewritten)
            index_documents(documents=created + rewritten, batch_size=BATCH)
            publication.bump()
        insert_many(created, batch_size=BATCH)
        _record(created, updated, from_statuses, by=by, publish=publish, now=now)
    return created + updated


def _check_import(updated: list[Document], *, by: User, publish: bool) -> None:
    if publish:
        if not by.has_perm(workflow.permission_name(Document, "publish")):
            raise PermissionDenied(f"{by} 不是发布员，不能以其名义迁移发布。")
        # A migration may refresh migrated records, never what a review put online here.
        reviewed = workflow.reviewed_publications(Document, [d.pk for d in updated])
        for document in updated:
            if document.status in (Status.SUBMITTED, Status.APPROVED) or document.pk in reviewed:
                raise ValidationError(
                    workflow.NOT_MIGRATABLE.format(item=document), code="not_migratable"
                )
        return
    if any(d.status in (Status.SUBMITTED, Status.APPROVED) for d in updated):
        raise ValidationError(UNDER_REVIEW, code="locked")
    if by.username == workflow.SYSTEM_USERNAME and any(d.is_live for d in updated):
        raise ValidationError(LIVE_NEEDS_A_PERSON, code="live_needs_a_person")


def _number_many(documents: list[Document], pool: IndexNumberPool, codes) -> None:
    lacking = [d for d in documents if not d.index_number]
    if not lacking:
        return
    codes, today = codes or index_codes(), timezone.localdate()
    if any(not codes.get(d.organization_id) for d in lacking):
        raise ValidationError({"organization": NO_INDEX_CODE})
    numbers = pool.take([(codes[d.organization_id], (d.written_on or today).year) for d in lacking])
    for document, number in zip(lacking, numbers, strict=True):
        document.index_number = number


def _set_state(document: Document, *, publish: bool, now: datetime) -> None:
    document.status = Status.PUBLISHED if publish else Status.DRAFT
    if publish:
        document.is_live = True
        document.published_at = document.published_at or now
        document.last_published_at = now
        document.withdrawn_at = None


def _record(created, updated, from_statuses, *, by: User, publish: bool, now: datetime) -> None:
    note = MIGRATION_NOTE if publish else IMPORT_NOTE
    if publish:  # one action for all: one INSERT per thousand rows
        workflow.record_many(
            created + updated, action=Action.MIGRATED, from_statuses=from_statuses,
            by=by, at=now, note=note, batch_size=BATCH,
        )  # fmt: skip
        return
    workflow.record_many(created, action=Action.CREATED, by=by, at=now, note=note, batch_size=BATCH)
    workflow.record_many(
        updated, action=Action.EDITED, from_statuses=from_statuses,
        by=by, at=now, note=note, batch_size=BATCH,
    )  # fmt: skip
