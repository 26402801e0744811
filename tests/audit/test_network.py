"""The source address: X-Forwarded-For only counts when our own proxy sent it."""

import pytest
from django.test import RequestFactory

from portal.audit import client_ip


def request(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.fixture(autouse=True)
def proxies(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "192.168.1.5"]


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.7", None, "203.0.113.7"),  # no proxy
        ("203.0.113.7", "1.2.3.4", "203.0.113.7"),  # spoofed by the client: ignored
        ("10.1.2.3", "198.51.100.20", "198.51.100.20"),  # our proxy vouches for it
        ("10.1.2.3", "1.2.3.4, 198.51.100.20", "198.51.100.20"),  # client-written part ignored
        ("10.1.2.3", "198.51.100.20, 192.168.1.5", "198.51.100.20"),  # two of our proxies
        ("10.1.2.3", "<script>, 198.51.100.20", "198.51.100.20"),
        ("10.1.2.3", "garbage", "10.1.2.3"),  # malformed: the last trusted hop
        ("10.1.2.3", "", "10.1.2.3"),
        ("10.1.2.3", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address(remote, forwarded, expected):
    assert client_ip(request(remote, forwarded)) == expected


def test_without_trusted_proxies_the_header_is_never_read(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request("10.1.2.3", "198.51.100.20")) == "10.1.2.3"


@pytest.mark.django_db
def test_the_recorded_address_is_the_trusted_one():
    from portal.audit.models import AuditEvent
    from portal.audit.recorder import record

    recorded = record("config_change", request=request("10.1.2.3", "6.6.6.6, 198.51.100.20"))
    assert AuditEvent.objects.get(pk=recorded.pk).ip == "198.51.100.20"
    spoofed = record("config_change", request=request("203.0.113.7", "6.6.6.6"))
    assert AuditEvent.objects.get(pk=spoofed.pk).ip == "203.0.113.7"


def test_a_malformed_trusted_proxy_entry_trusts_nothing_and_breaks_nothing(settings):
    settings.TRUSTED_PROXIES = ["proxy.example", "10.0.0.0/8"]
    assert client_ip(request("10.1.2.3", "198.51.100.20")) == "198.51.100.20"
    settings.TRUSTED_PROXIES = ["proxy.example"]
    assert client_ip(request("10.1.2.3", "198.51.100.20")) == "10.1.2.3"
