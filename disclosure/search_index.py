"""Keeping the search index in step with what is public.

Called inside the transaction of the publication, withdrawal or import it reflects, so
the index never shows what the public may not see, and never lags behind it.
"""

from django.utils.html import strip_tags

from disclosure.models import Attachment, Document, SearchEntry
from portal.textsearch import canonical_document_number, tsvector_literal


def plain_text(html: str) -> str:
    return strip_tags((html or "").replace("</p>", "</p>\n").replace("<br>", "\n")).strip()


def entry_for(document: Document, attachment_text: str = "") -> SearchEntry:
    body = plain_text(document.body)
    rest = " ".join(
        [document.index_number, document.summary, document.keywords, body, attachment_text]
    )
    return SearchEntry(
        kind=SearchEntry.Kind.DOCUMENT,
        object_id=document.pk,
        title=document.title,
        url=document.get_absolute_url(),
        published_at=document.published_at,
        organization_id=document.organization_id,
        category_id=document.category_id,
        genre_id=document.genre_id,
        validity=document.validity,
        document_number=canonical_document_number(document.document_number),
        vector=tsvector_literal(title=f"{document.title} {document.document_number}", rest=rest),
    )


def snippet_sources(entries) -> dict[tuple[str, int], str]:
    """The plain text each shown result's snippet is cut from, read for the page's rows
    only: the index table stays narrow, which is what keeps scans over it fast."""
    document_ids = [e.object_id for e in entries if e.kind == SearchEntry.Kind.DOCUMENT]
    rows = Document.objects.filter(pk__in=document_ids).values_list("pk", "summary", "body")
    return {
        (SearchEntry.Kind.DOCUMENT, pk): f"{summary}\n{plain_text(body)}".strip()
        for pk, summary, body in rows
    }


def _attachment_texts(document_ids) -> dict[int, str]:
    texts: dict[int, list[str]] = {}
    rows = Attachment.objects.filter(document_id__in=document_ids, is_live=True).exclude(text="")
    for document_id, text in rows.values_list("document_id", "text"):
        texts.setdefault(document_id, []).append(text)
    return {document_id: "\n".join(parts) for document_id, parts in texts.items()}


def index_document(document: Document) -> None:
    """(Re)index one public document, as it is in memory (its new public version)."""
    entry = entry_for(document, _attachment_texts([document.pk]).get(document.pk, ""))
    fields = {
        f.attname: getattr(entry, f.attname)
        for f in SearchEntry._meta.concrete_fields
        if f.name != "id"
    }
    SearchEntry.objects.update_or_create(
        kind=entry.kind, object_id=entry.object_id, defaults=fields
    )


def unindex_document(document: Document) -> None:
    SearchEntry.objects.filter(kind=SearchEntry.Kind.DOCUMENT, object_id=document.pk).delete()


def index_documents(document_ids, *, batch_size: int = 1000) -> int:
    """(Re)index many live documents at once (imports, the rebuild command)."""
    document_ids = list(document_ids)
    count = 0
    for start in range(0, len(document_ids), batch_size):
        batch = document_ids[start : start + batch_size]
        documents = Document.objects.filter(pk__in=batch, is_live=True)
        texts = _attachment_texts(batch)
        entries = [entry_for(d, texts.get(d.pk, "")) for d in documents]
        SearchEntry.objects.filter(kind=SearchEntry.Kind.DOCUMENT, object_id__in=batch).delete()
        SearchEntry.objects.bulk_create(entries, batch_size=batch_size)
        count += len(entries)
    return count
