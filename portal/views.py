from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from portal import publication
from portal.models import SearchEntry
from portal.publication import cached_page
from portal.search import counts, registry
from portal.search.query import run_search
from portal.search.terms import popular_search_terms, record_search_term

HOME_LATEST = 10


@require_safe
def home(request):
    return cached_page(request, lambda: _home(request))


def _home(request):
    # Everything public of every registered kind, from the narrow index rows.
    public = SearchEntry.objects.filter(published_at__lte=timezone.now())
    topics = registry.facet("category")
    if topics is not None:  # counts kept by every publication, not grouped per request
        stored = counts.visible_counts(
            now=timezone.now(), scheduled=publication.anything_scheduled()
        ).get("category", {})
        topics = topics.options_from({topics.stored_key(k): n for k, n in stored.items()}, None)
    return render(
        request,
        "portal/home.html",
        {
            "latest_entries": public.select_related("organization").order_by(
                "-published_at", "-id"
            )[:HOME_LATEST],
            "categories": topics or [],
        },
    )


@require_safe
def search(request):
    """/search/?q=: every registered kind of public content, ``?kind=`` narrows to one."""
    now = timezone.now()
    response = cached_page(request, lambda: _search(request, now))
    if request.method == "GET" and getattr(response, "search_found", False):
        record_search_term(request.GET.get("q", ""), today=timezone.localdate(now))
    return response


def _search(request, now):
    outcome = run_search(request.GET, now=now)
    if outcome.redirect_to:
        return redirect(outcome.redirect_to)
    popular = [] if outcome.total else popular_search_terms(today=timezone.localdate(now))
    page = outcome.page_obj
    page_range = (
        page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1) if page else []
    )
    response = render(
        request,
        "portal/search.html",
        {"search": outcome, "popular_terms": popular, "page_range": page_range},
    )
    # Popular searches count only queries found in some title: subject words, not names
    # that happen to occur in a body.
    response.search_found = any(
        getattr(entry, "title_hit", False) for entry in outcome.page_obj or []
    )
    return response


@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap-index"))
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /search/", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to the emblem."""
    return HttpResponsePermanentRedirect(static("img/emblem.svg"))


@never_cache
@require_safe
def healthz(request):
    """200 with a JSON body only when the database answers; 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def minimal_for_benchmark(request, size):
    """The ceiling `make bench` compares pages with: same size, no queries, no template."""
    return HttpResponse(b"x" * min(size, 2_000_000), content_type="text/html; charset=utf-8")
