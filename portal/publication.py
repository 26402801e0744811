"""Caching public pages safely: every change to what the public sees moves one counter.

Public pages are cached under a key that contains the counter, so a publication,
withdrawal, import or edit of a column makes every cached page stale at once, in every
gunicorn worker, without knowing which pages it touched. Reading the counter is one small
query, which is all a cached page costs. A scheduled publication moves the counter when
its time comes: ``next_change_at`` says when, and the first request after it bumps.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from django.core.cache import cache
from django.db.models import F
from django.http import HttpResponse
from django.utils import timezone

from portal.models import PublicationState

KEPT_HEADERS = ("X-Search-Found",)
PAGE_TIMEOUT = 60 * 60  # stale entries are never served (the key moves); this only frees memory
_upcoming: list[Callable[[datetime], datetime | None]] = []


def register_upcoming(provider: Callable[[datetime], datetime | None]) -> None:
    """A model with scheduled publication tells when its next item goes live."""
    _upcoming.append(provider)


def _next_change(now: datetime) -> datetime | None:
    times = [t for t in (provider(now) for provider in _upcoming) if t is not None]
    return min(times) if times else None


def bump(now: datetime | None = None) -> None:
    """Call in the transaction of any change the public can see."""
    now = now or timezone.now()
    updated = PublicationState.objects.filter(pk=1).update(
        version=F("version") + 1, next_change_at=_next_change(now)
    )
    if not updated:
        PublicationState.objects.get_or_create(pk=1, defaults={"next_change_at": _next_change(now)})


def current_version(now: datetime | None = None) -> int:
    now = now or timezone.now()
    state = PublicationState.objects.filter(pk=1).values_list("version", "next_change_at").first()
    if state is None:
        bump(now)
        return current_version(now)
    version, next_change_at = state
    if next_change_at is not None and next_change_at <= now:
        bump(now)  # a scheduled item has just gone live
        return current_version(now)
    return version


def cached_page(request, render: Callable[[], HttpResponse], *, vary: str = "") -> HttpResponse:
    """``render()``'s response for this URL, from the cache while nothing public changed.

    Only anonymous GETs of 200 responses are cached; staff see fresh pages."""
    if request.method != "GET" or request.user.is_authenticated:
        return render()
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()  # any length, any bytes
    key = f"page:{current_version()}:{vary}:{path}"
    hit = cache.get(key)
    if hit is not None:
        content, headers = hit
        response = HttpResponse(content, headers=headers)
        response["X-Page-Cache"] = "hit"
        return response
    response = render()
    if response.status_code == 200 and not response.streaming:
        kept = {
            name: response[name]
            for name in ("Content-Type", *KEPT_HEADERS)
            if response.has_header(name)
        }
        cache.set(key, (response.content, kept), PAGE_TIMEOUT)
        response["X-Page-Cache"] = "miss"
    return response
