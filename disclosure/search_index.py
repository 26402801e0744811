"""Documents in the portal's search index: how a document becomes an entry, where its
snippet text comes from, and the exact 索引号 lookup. Registered in
``DisclosureConfig.ready``; the workflow keeps entries in step with every publication and
withdrawal, and bulk paths call ``index_documents``."""

import unicodedata
from datetime import datetime

from disclosure.models import Attachment, Document
from disclosure.normative_rules import VALID
from portal import search
from portal.richtext import plain_text
from portal.search.textsearch import looks_like_index_number


def _attachment_texts(document_ids) -> dict[int, str]:
    texts: dict[int, list[str]] = {}
    if not document_ids:
        return texts
    rows = Attachment.objects.filter(document_id__in=document_ids, is_live=True).exclude(text="")
    for document_id, text in rows.values_list("document_id", "text"):
        texts.setdefault(document_id, []).append(text)
    return {document_id: "\n".join(parts) for document_id, parts in texts.items()}


def document_entries(documents: list[Document]):
    """Index entries of live documents: title and 文号 first, then 索引号, summary,
    keywords, body and the text of live attachments (条例 Art 24: searchable)."""
    # A document not yet stored (an import's new row) has no attachments to read.
    attachments = _attachment_texts([d.pk for d in documents if not d._state.adding])
    url = search.url_pattern("disclosure:document-detail")
    return [
        search.entry(
            "document",
            document,
            title=document.title,
            document_number=document.document_number,
            text=" ".join(
                [
                    document.index_number,
                    document.summary,
                    document.keywords,
                    plain_text(document.body),
                    attachments.get(document.pk, ""),
                ]
            ),
            organization_id=document.organization_id,
            category_id=document.category_id,
            genre_id=document.genre_id,
            # A normative document is never blank; whether it has lapsed is decided by
            # date when read (``disclosure.catalogue.ValidityFacet``).
            validity=document.validity or (VALID if document.is_normative else ""),
            url=url(document.pk),
        )
        for document in documents
    ]


def document_texts(document_ids: list[int]) -> dict[int, str]:
    rows = Document.objects.filter(pk__in=document_ids).values_list("pk", "summary", "body")
    return {pk: f"{summary}\n{plain_text(body)}".strip() for pk, summary, body in rows}


def index_number_lookup(query: str, now: datetime) -> str:
    """A 索引号 names one public document."""
    if not looks_like_index_number(query):
        return ""
    number = unicodedata.normalize("NFKC", query).strip().upper()
    document = Document.objects.published(now).filter(index_number=number).first()
    return document.get_absolute_url() if document else ""


DOCUMENTS = search.SearchKind(
    name="document",
    label="公开文件",
    model=Document,
    entries=document_entries,
    snippet_texts=document_texts,
    lookup=index_number_lookup,
)


def index_documents(document_ids=None, *, documents=None, batch_size: int = 1000) -> int:
    """(Re)index many documents at once (imports, the rebuild command): by id, or the
    ``documents`` a caller already holds in memory (no second read of their bodies)."""
    if documents is not None:
        return search.index_items(documents, batch_size=batch_size)
    document_ids = list(document_ids)
    count = 0
    for start in range(0, len(document_ids), batch_size):
        batch = Document.objects.filter(pk__in=document_ids[start : start + batch_size])
        count += search.index_items(batch, batch_size=batch_size)
    return count
