"""Security headers on every kind of page, with production settings: a public page, an admin
page and an error page each carry HSTS, the referrer policy, the permissions policy,
frame denial, nosniff and the Content-Security-Policy."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.disclosure.factories import DocumentFactory

pytestmark = pytest.mark.django_db

PRODUCTION = override_settings(
    DEBUG=False,
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31_536_000,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
)


def assert_security_headers(response):
    assert response["Strict-Transport-Security"] == "max-age=31536000"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "unsafe-eval" not in policy


@PRODUCTION
def test_a_public_page_carries_every_security_header(client):
    document = DocumentFactory(published=True)
    response = client.get(document.get_absolute_url(), secure=True)
    assert response.status_code == 200
    assert_security_headers(response)
    assert "unsafe-inline" not in response["Content-Security-Policy"]


@PRODUCTION
def test_an_admin_page_carries_every_security_header(client, agency):
    client.force_login(agency.clerk)
    response = client.get(reverse("admin:index"), secure=True)
    assert response.status_code == 200
    assert_security_headers(response)


@PRODUCTION
def test_the_admin_login_page_carries_every_security_header(client):
    response = client.get(reverse("admin:login"), secure=True)
    assert response.status_code == 200
    assert_security_headers(response)


@PRODUCTION
def test_an_error_page_carries_every_security_header(client):
    response = client.get("/no-such-page/", secure=True)
    assert response.status_code == 404 and "页面不存在" in response.content.decode()
    assert_security_headers(response)


@PRODUCTION
def test_plain_http_is_sent_to_https_first(client):
    response = client.get(reverse("home"))
    assert response.status_code == 301 and response["Location"].startswith("https://")
