"""Headers: what reaches the client is deliberate; internal facts stay inside."""

import pytest
from django.urls import reverse

from tests.disclosure.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def test_internal_headers_never_reach_the_client(client):
    DocumentFactory(title="城乡低保办法", published=True)
    for _ in range(2):  # a miss, then a hit
        for url in (reverse("disclosure:document-list"), reverse("search") + "?q=低保"):
            response = client.get(url)
            assert not [name for name in response.headers if name.lower().startswith("x-page")]
            assert "X-Search-Found" not in response.headers


def test_every_page_denies_browser_features(client):
    policy = client.get(reverse("home"))["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_public_pages_and_attachments_may_be_cached_briefly(client, settings):
    settings.PUBLIC_CACHE_SECONDS = 90
    document = DocumentFactory(published=True)
    for url in (reverse("home"), reverse("disclosure:document-list"), document.get_absolute_url()):
        assert client.get(url)["Cache-Control"] == "public, max-age=90"


def test_by_default_public_pages_are_revalidated_and_unchanged_ones_cost_no_body(client):
    first = client.get(reverse("home"))
    assert first["Cache-Control"] == "public, no-cache" and first.has_header("ETag")
    again = client.get(reverse("home"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_what_staff_see_is_never_kept_by_a_shared_cache(client, admin_user):
    client.force_login(admin_user)
    assert "private" in client.get(reverse("home"))["Cache-Control"]
    assert "private" in client.get(reverse("admin:index"))["Cache-Control"]


def test_error_pages_are_not_kept(client):
    assert client.get("/no-such-page/")["Cache-Control"] == "no-store"
