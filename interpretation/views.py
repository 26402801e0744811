from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from interpretation.models import Interpretation, Media
from portal.errors import error_response
from portal.publication import cached_page
from portal.ranged import ranged_file_response

FILTER_PARAMS = ("kind", "organization", "year")


@require_safe
def interpretation_list(request):
    """政策解读: newest first, filtered by type, organization and year."""
    return cached_page(request, lambda: _interpretation_list(request))


def _chosen(request) -> dict:
    """The valid filters of the request; anything else is ignored, never an error."""
    chosen = {}
    kind = request.GET.get("kind", "")
    if kind in Interpretation.Kind.values:
        chosen["kind"] = kind
    for name in ("organization", "year"):
        value = request.GET.get(name, "")
        if value.isascii() and value.isdigit() and len(value) <= 9:
            chosen[name] = int(value)
    if not 1000 <= chosen.get("year", 1000) <= 9999:
        del chosen["year"]  # a year a date can hold, or none
    return chosen


def _filtered(queryset, chosen: dict, *, leave_out: str = ""):
    if "kind" in chosen and leave_out != "kind":
        queryset = queryset.filter(kind=chosen["kind"])
    if "organization" in chosen and leave_out != "organization":
        queryset = queryset.filter(organization_id=chosen["organization"])
    if "year" in chosen and leave_out != "year":
        queryset = queryset.annotate(year=ExtractYear("published_at")).filter(year=chosen["year"])
    return queryset


def _url(chosen: dict, **change) -> str:
    params = {**chosen, **change}
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse("interpretation:list") + (f"?{query}" if query else "")


def _options(public, chosen: dict) -> list[tuple[str, str, list[dict]]]:
    """The three filters with their counts (each counted under the other two), three
    GROUP BY queries whatever the number of interpretations."""
    labels = dict(Interpretation.Kind.choices)
    kinds = _filtered(public, chosen, leave_out="kind").values("kind").annotate(n=Count("pk"))
    organizations = (
        _filtered(public, chosen, leave_out="organization")
        .values("organization_id", "organization__name", "organization__short_name")
        .annotate(n=Count("pk"))
        .order_by("organization__tree_id", "organization__lft")
    )
    years = (
        _filtered(public, chosen, leave_out="year")
        .annotate(year=ExtractYear("published_at"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("-year")
    )

    def option(name, value, label, count):
        selected = chosen.get(name) == value
        return {"label": label, "count": count, "selected": selected,
                "url": _url(chosen, **{name: None if selected else value}, page=None)}  # fmt: skip

    by_kind = {row["kind"]: row["n"] for row in kinds}
    return [
        (
            "kind",
            "解读形式",
            [
                option("kind", value, label, by_kind[value])
                for value, label in labels.items()
                if value in by_kind
            ],
        ),  # fmt: skip
        (
            "organization",
            "解读机构",
            [
                option(
                    "organization",
                    row["organization_id"],
                    row["organization__short_name"] or row["organization__name"],
                    row["n"],
                )
                for row in organizations
            ],
        ),  # fmt: skip
        (
            "year",
            "年份",
            [option("year", row["year"], f"{row['year']}年", row["n"]) for row in years],
        ),
    ]


def _interpretation_list(request):
    chosen = _chosen(request)
    public = Interpretation.objects.published(timezone.now())
    queryset = _filtered(public, chosen).for_listing().order_by("-published_at", "-pk")
    paginator = Paginator(queryset, settings.CATALOGUE_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "interpretation/list.html",
        {
            "page_obj": page,
            "filters": _options(public, chosen),
            "any_chosen": bool(chosen),
            "page_url": _url(chosen),
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
