from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from disclosure import normative
from disclosure.catalogue import catalogue_facets, organizations_by_id
from disclosure.models import (
    DEFAULT_EMPTY_NOTE,
    Attachment,
    ColumnPage,
    DisclosureGuide,
    Document,
)
from disclosure.search_index import DOCUMENTS
from portal import publication, related
from portal.errors import error_response
from portal.models import SearchEntry
from portal.publication import cached_page
from portal.search import counts


def _column_page(slug: str) -> ColumnPage | None:
    return ColumnPage.objects.published().filter(slug=slug).first()


@require_safe
def document_list(request):
    """法定主动公开内容: the catalogue, filtered by facets in the URL, newest first."""
    return cached_page(request, lambda: _document_list(request))


def _document_list(request):
    facets = catalogue_facets(request.GET)
    # Filtering, counting and paging run on the narrow search-index rows (one per public
    # document, kept in step with every publication); only the page's 20 documents are
    # read from the wide document table.
    now = timezone.now()
    published = SearchEntry.objects.filter(kind=DOCUMENTS.name, published_at__lte=now)
    paginator = Paginator(
        facets.filter(published)
        .order_by("-published_at", "-id")
        .values_list("object_id", flat=True),
        settings.CATALOGUE_PAGE_SIZE,
    )
    if facets.any_active():
        facet_groups = facets.groups(published)
    else:
        # The whole catalogue: its counts are kept by every publication and withdrawal.
        stored = counts.visible_counts(
            now=now, kind=DOCUMENTS.name, scheduled=publication.anything_scheduled()
        )
        facet_groups = facets.groups_from_counts(stored)
        paginator.count = stored.get("all", {}).get("", 0)
    page = paginator.get_page(request.GET.get("page"))
    documents = Document.objects.catalogue_rows().in_bulk(list(page.object_list))
    page.object_list = [documents[pk] for pk in page.object_list if pk in documents]
    organizations = organizations_by_id()
    for document in page.object_list:
        # One created in another process less than a second ago is read from the table.
        if organization := organizations.get(document.organization_id):
            document.organization = organization
    column = _column_page("catalogue")
    category = facets.selected["category"]
    # A topic's own note explains why the topic is empty, not why a filter combination is.
    topic_note = category.empty_note if category and not facets.others_active("category") else ""
    empty_note = topic_note or (column and column.empty_note)
    return render(
        request,
        "disclosure/document_list.html",
        {
            "page_obj": page,
            "facet_groups": facet_groups,
            "active_filters": facets.active(),
            "column": column,
            "empty_note": empty_note or DEFAULT_EMPTY_NOTE,
            "topic_note": topic_note,
            "category_path": facets.facet("category").ancestors(category) if category else [],
            "page_url": facets.url_with(),
            "page_range": page.paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            ),
        },
    )


@require_safe
def document_detail(request, pk):
    return cached_page(request, lambda: _document_detail(request, pk))


def _document_detail(request, pk):
    now = timezone.now()
    # A repealing or amending document names what it replaced (国办发〔2017〕47号: both pages).
    replaced = (
        Document.objects.published(now)
        .filter(validity__in=[Document.Validity.REPEALED, Document.Validity.AMENDED])
        .only("pk", "title", "document_number", "validity", "superseded_by_id")
        .order_by("-published_at", "-pk")
    )
    document = (
        Document.objects.published(now)
        .select_related("organization", "category__parent", "genre", "superseded_by")
        .prefetch_related(
            Prefetch("attachments", Attachment.objects.filter(is_live=True)),
            Prefetch("supersedes", replaced, to_attr="public_supersedes"),
        )
        .filter(pk=pk)
        .first()
    )
    if document is None:
        withdrawn = Document.objects.filter(pk=pk, is_live=False, withdrawn_at__isnull=False)
        if withdrawn.exists():
            return error_response(410)
        raise Http404("文件不存在或尚未发布")
    if document.superseded_by and not document.superseded_by.is_public:
        document.superseded_by = None
    return render(
        request,
        "disclosure/document_detail.html",
        {
            "document": document,
            "attachments": document.attachments.all(),
            # What other apps show with the document (its 相关解读): ``portal.related``.
            "related_blocks": related.blocks(document, request),
        },
    )


LIBRARY_PAGE_SIZE = 20
VALIDITY_CLASSES = {
    Document.Validity.VALID: "valid",
    Document.Validity.EXPIRED: "expired",
    Document.Validity.REPEALED: "repealed",
    Document.Validity.AMENDED: "amended",
}


@require_safe
def normative_list(request):
    """规范性文件库: published normative documents, filtered by 有效性 (on today's date),
    发布机构 and 发布年份, newest first."""
    return cached_page(request, lambda: _normative_list(request))


def _normative_list(request):
    now = timezone.now()
    today = timezone.localdate(now)
    facets = normative.library_facets(request.GET, today=today)
    library = Document.objects.normative_library(now)
    page = Paginator(facets.filter(library), LIBRARY_PAGE_SIZE).get_page(request.GET.get("page"))
    for document in page.object_list:
        document.shown_validity = document.validity_on(today)
        document.validity_class = VALIDITY_CLASSES.get(document.shown_validity, "")
    return render(
        request,
        "disclosure/normative_list.html",
        {
            "page_obj": page,
            "facet_groups": facets.groups(library),
            "active_filters": facets.active(),
            "page_url": facets.url_with(),
            "page_range": page.paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            ),
        },
    )


@require_safe
def attachment_download(request, pk):
    attachment = get_object_or_404(
        Attachment.objects.filter(is_live=True, document__in=Document.objects.published()), pk=pk
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("附件文件不存在") from missing
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name or attachment.file.name.rsplit("/", 1)[-1],
        content_type=attachment.content_type or "application/octet-stream",
    )


@require_safe
def disclosure_guide(request):
    return cached_page(request, lambda: _disclosure_guide(request))


def _disclosure_guide(request):
    guide = (
        DisclosureGuide.objects.published()
        .select_related("organization")
        .order_by("organization__tree_id", "organization__lft")
        .first()
    )
    column = _column_page("guide")
    return render(
        request,
        "disclosure/guide.html",
        {"guide": guide, "empty_note": (column and column.empty_note) or DEFAULT_EMPTY_NOTE},
    )


@require_safe
def column_page(request, slug):
    return cached_page(request, lambda: _column_page_view(request, slug))


def _column_page_view(request, slug):
    columns = ColumnPage.objects.exclude(slug__in=["catalogue", "guide"]).filter(slug=slug)
    column = columns.published().first()
    if column is None:
        if columns.filter(is_live=False, withdrawn_at__isnull=False).exists():
            return error_response(410)
        raise Http404("栏目不存在")
    return render(request, "disclosure/column_page.html", {"column": column})
