"""Caching public pages safely: every change to what the public sees moves one counter.

Public pages are cached under a key that contains the counter, so a publication,
withdrawal, import or edit of a column makes every cached page stale at once, in every
gunicorn worker, without knowing which pages it touched. Reading the counter is one small
query, which is all a cached page costs. A scheduled publication moves the counter when
its time comes: ``next_change_at`` says when, and the first request after it bumps.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.http import HttpResponse
from django.utils import timezone

from portal.middleware import nonce_used
from portal.models import PublicationState, Publishable
from portal.search import terms

# Facts a view tells the code around it (not the client) on the response object; kept
# with a cached page so that a hit tells them too.
KEPT_ATTRIBUTES = ("search_found",)
PAGE_TIMEOUT = 60 * 60  # stale entries are never served (the key moves); this only frees memory
# [version, vocabulary version, monotonic time until which both are trusted]
_memo: list = [None, None, 0.0]
_scheduled: list = [True]  # is any item scheduled to go live later (as of the last read)?


def publishable_models() -> list[type[Publishable]]:
    """Every concrete ``Publishable`` model of every installed app."""
    return [model for model in apps.get_models() if issubclass(model, Publishable)]


def _next_change(now: datetime) -> datetime | None:
    """When the next scheduled item of any kind goes live (one small indexed query per
    publishable model, only when something was published or withdrawn)."""
    times = [
        model._default_manager.filter(is_live=True, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
        for model in publishable_models()
    ]
    times = [t for t in times if t is not None]
    return min(times) if times else None


def bump(*, vocabularies: bool = False) -> None:
    """Call in the transaction of any change the public can see. The counter moves when
    that transaction commits (at once outside one): a long import does not hold the
    counter's row lock against every other publication, and no page is cached under the
    new version before the change is visible to the request that renders it.
    ``vocabularies``: the change is to reference data (topics, genres, organizations),
    which also makes every process read those again (``per_vocabulary``)."""
    _forget()
    move = (lambda: _move_counter(vocabularies=True)) if vocabularies else _move_counter
    if settings.PUBLICATION_BUMP_ON_COMMIT:
        # robust: the change is committed already; a failed bump is logged, and pages
        # catch up at the next one, rather than the request failing after the fact.
        transaction.on_commit(move, robust=True)
    else:
        move()


def _forget() -> None:
    _memo[:] = [None, None, 0.0]


def _move_counter(*, vocabularies: bool = False) -> None:
    _forget()
    now = timezone.now()
    with transaction.atomic():
        # Lock first, then look for the next scheduled item: a concurrent bump waits here
        # and then sees what this transaction scheduled.
        state, _ = PublicationState.objects.select_for_update().get_or_create(pk=1)
        state.next_change_at = _next_change(now)
        state.version = F("version") + 1
        fields = ["version", "next_change_at"]
        if vocabularies:
            state.vocabulary_version = F("vocabulary_version") + 1
            fields.append("vocabulary_version")
        state.save(update_fields=fields)


def current_version(now: datetime | None = None) -> str:
    """The counter, read at most once per ``PAGE_CACHE_VERSION_SECONDS`` per process: a
    change made in this process shows at once, one made in another worker within that
    time (a second by default)."""
    return _versions(now)[0]


def _versions(now: datetime | None = None) -> tuple[str, str]:
    """(publication version, vocabulary version), trusted as ``current_version`` says."""
    version, vocabulary_version, valid_until = _memo
    if version is not None and time.monotonic() < valid_until:
        return version, vocabulary_version
    version, vocabulary_version = _read_version(now or timezone.now())
    _memo[:] = [version, vocabulary_version, time.monotonic() + settings.PAGE_CACHE_VERSION_SECONDS]
    return version, vocabulary_version


def _read_version(now: datetime) -> tuple[str, str]:
    state = (
        PublicationState.objects.filter(pk=1)
        .values_list("epoch", "version", "vocabulary_version", "next_change_at")
        .first()
    )
    if state is None:
        _move_counter()
        return _read_version(now)
    epoch, version, vocabulary_version, next_change_at = state
    if next_change_at is not None and next_change_at <= now:
        _move_counter()  # a scheduled item has just gone live
        return _read_version(now)
    _scheduled[0] = next_change_at is not None
    return f"{epoch.hex}.{version}", f"{epoch.hex}.{vocabulary_version}"


def anything_scheduled() -> bool:
    """Whether some item is published for a later time, as of the current version."""
    current_version()
    return _scheduled[0]


_vocabularies: dict = {}


def reset_process_caches() -> None:
    """Forget what this process remembers between requests: the trusted counter, the
    vocabularies, the untallied searches. For tests (a rolled-back transaction resets
    the counter) and for anything that changes the database behind the portal's back."""
    _forget()
    _scheduled[0] = True
    _vocabularies.clear()
    terms.discard_tally()


def for_a_while(name: str, seconds: float, load: Callable[[], object]):
    """``load()``'s result, kept in this process for ``seconds``: for figures that change
    by themselves rather than by publications (PostgreSQL's statistics after an ANALYZE)."""
    now = time.monotonic()
    cached = _vocabularies.get(name)
    if cached is None or cached[0] < now:
        cached = _vocabularies[name] = (now + seconds, load())
    return cached[1]


def per_version(name: str, load: Callable[[], object]):
    """``load()``'s result, kept in this process until the publication counter moves:
    for figures that every publication changes (matches per year)."""
    return _kept(name, current_version(), load)


def per_vocabulary(name: str, load: Callable[[], object]):
    """``load()``'s result, kept in this process until reference data every public page
    reads (topic tree, genres, organizations) is edited (``bump(vocabularies=True)``).
    A publication leaves them alone: the first page after one need not read them again."""
    return _kept(name, _versions()[1], load)


def _kept(name: str, version: str, load: Callable[[], object]):
    cached = _vocabularies.get(name)
    if cached is None or cached[0] != version:
        cached = _vocabularies[name] = (version, load())
    return cached[1]


def cached_page(request, render: Callable[[], HttpResponse], *, vary: str = "") -> HttpResponse:
    """``render()``'s response for this URL, from the cache while nothing public changed.

    Only anonymous GETs of 200 responses are cached; staff see fresh pages."""
    if not settings.PAGE_CACHE or request.method != "GET" or request.user.is_authenticated:
        return render()
    # Host and scheme are part of the page (absolute URLs in meta tags and feeds).
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    path = hashlib.sha256(address.encode()).hexdigest()  # any length, any bytes
    # Today's date is part of the key: what a page shows may change at midnight without
    # any publication (a normative document's validity ends by its dates).
    key = f"page:{current_version()}:{timezone.localdate()}:{vary}:{path}"
    hit = cache.get(key)
    if hit is not None:
        content, content_type, attributes = hit
        response = HttpResponse(content, content_type=content_type)
        for name, value in attributes.items():
            setattr(response, name, value)
        response.page_cache = "hit"
        return response
    response = render()
    # A page that wrote this request's CSP nonce would replay it under another request's
    # policy (and block its own script): such pages are never stored.
    if response.status_code == 200 and not response.streaming and not nonce_used(request):
        attributes = {
            name: getattr(response, name) for name in KEPT_ATTRIBUTES if hasattr(response, name)
        }
        cache.set(key, (response.content, response["Content-Type"], attributes), PAGE_TIMEOUT)
        response.page_cache = "miss"
    return response
