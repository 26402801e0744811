from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from interpretation.models import Interpretation, Media
from portal.errors import error_response
from portal.models import Organization
from portal.publication import cached_page
from portal.ranged import ranged_file_response
from portal.search.facets import ChoiceFacet, FacetedSearch, ModelFacet, YearFacet


@require_safe
def interpretation_list(request):
    """政策解读: newest first, filtered by type, organization and year."""
    return cached_page(request, lambda: _interpretation_list(request))


def _filters(params) -> FacetedSearch:
    """The catalogue's facets (``portal.search.facets``): bad values dropped, each facet
    counted under the others."""
    organizations = Organization.objects.filter(interpretations__isnull=False).distinct()
    return FacetedSearch(
        [
            ChoiceFacet("kind", "解读形式", "kind", Interpretation.Kind.choices),
            ModelFacet(
                "organization", "解读机构", "organization", organizations.order_by("tree_id", "lft")
            ),  # fmt: skip
            YearFacet("year", "年份", "published_at"),
        ],
        params,
        base_url=reverse("interpretation:list"),
    )


def _interpretation_list(request):
    filters = _filters(request.GET)
    public = Interpretation.objects.published(timezone.now())
    queryset = filters.filter(public).for_listing().order_by("-published_at", "-pk")
    paginator = Paginator(queryset, settings.CATALOGUE_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "interpretation/list.html",
        {
            "page_obj": page,
            "facet_groups": filters.groups(public),
            "active_filters": filters.active(),
            "page_url": filters.url_with(),
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        },
    )


@require_safe
def interpretation_detail(request, pk):
    return cached_page(request, lambda: _interpretation_detail(request, pk))


def _interpretation_detail(request, pk):
    interpretation = (
        Interpretation.objects.published().select_related("organization").filter(pk=pk).first()
    )
    if interpretation is None:
        withdrawn = Interpretation.objects.filter(pk=pk, is_live=False, withdrawn_at__isnull=False)
        if withdrawn.exists():
            return error_response(410)
        raise Http404("解读不存在或尚未发布")
    return render(request, "interpretation/detail.html", detail_context(interpretation))


def detail_context(interpretation, *, preview: bool = False) -> dict:
    """The page's documents: the public ones with their metadata, and the titles of those
    withdrawn since (which the public read once); never a draft or a scheduled one, but
    in the reviewer's preview."""
    now = timezone.now()
    linked = interpretation.documents.select_related("organization", "genre", "category")
    public, withdrawn = [], []
    for document in linked.order_by("-published_at", "-pk"):
        # The reviewer's preview shows every link: what the version under review names.
        is_public = document.is_live and document.published_at and document.published_at <= now
        if preview or is_public:
            public.append(document)
        elif not document.is_live and document.withdrawn_at is not None:
            withdrawn.append(document)
    media = interpretation.media.all() if preview else interpretation.media.filter(is_live=True)
    return {
        "interpretation": interpretation,
        "documents": public,
        "withdrawn_documents": withdrawn,
        "media": [m for m in media if not m.remove_on_publish],
        "preview": preview,
    }


def _public_media(pk: int) -> Media:
    return get_object_or_404(
        Media.objects.filter(is_live=True, interpretation__in=Interpretation.objects.published()),
        pk=pk,
    )


@require_safe
def media_file(request, pk):
    media = _public_media(pk)
    try:
        handle = media.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("文件不存在") from missing
    return ranged_file_response(
        request, handle, content_type=media.content_type or "application/octet-stream"
    )


@require_safe
def media_captions(request, pk):
    media = _public_media(pk)
    if not media.captions:
        raise Http404("没有字幕")
    return HttpResponse(media.captions, content_type="text/vtt; charset=utf-8")


def related_block(document, request) -> str:
    """相关解读 on a policy document's page (``portal.related``): its public
    interpretations, or 暂无解读 when it needs one. One query."""
    interpretations = list(
        Interpretation.objects.published()
        .filter(documents=document)
        .select_related("organization")
        .order_by("-published_at", "-pk")
    )
    if not interpretations and not getattr(document, "needs_interpretation", False):
        return ""
    return render_to_string(
        "interpretation/includes/related.html", {"interpretations": interpretations}, request
    )
