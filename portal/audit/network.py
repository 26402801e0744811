"""The client's address as far as it can be trusted (GB/T 22239-2019 8.1.4.3 b: the
audit record names the source). X-Forwarded-For is written by whoever sent the request,
so it counts only as far as our own proxies (``TRUSTED_PROXIES``) vouch for it."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    """The trusted networks; a malformed entry trusts nothing (the system check names it)."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue
    return tuple(networks)


def _parse(value: str):
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def is_trusted_proxy(address: str) -> bool:
    parsed = _parse(address)
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    return parsed is not None and any(parsed in network for network in networks)


def client_ip(request) -> str:
    """REMOTE_ADDR, unless it is a trusted proxy: then the X-Forwarded-For entries from the
    right, skipping trusted proxies, and the first one that is not (the address our
    outermost proxy saw). A malformed entry stops the walk at the last trusted hop, so a
    spoofed header can never put an arbitrary text in the log."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    address = str(_parse(remote) or "")
    if not address or not is_trusted_proxy(address):
        return address
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed([part for part in forwarded.split(",") if part.strip()]):
        parsed = _parse(entry)
        if parsed is None:
            break
        address = str(parsed)
        if not is_trusted_proxy(address):
            break
    return address
