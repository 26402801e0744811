"""Every error page is our own Chinese page, with the security headers, revealing nothing,
and rendered without the request's host, user or database."""

import pytest
from django.test import Client
from django.urls import reverse

from portal.errors import PAGES, error_response
from tests.disclosure.factories import DocumentFactory

pytestmark = pytest.mark.django_db

SECURITY_HEADERS = ("Content-Security-Policy", "Permissions-Policy", "X-Content-Type-Options")


def assert_our_page(response, status, text):
    body = response.content.decode()
    assert response.status_code == status
    assert text in body and 'lang="zh-CN"' in body
    for header in SECURITY_HEADERS:
        assert response.has_header(header), header
    for leak in ("Traceback", "DEBUG", "evil.example", "site-packages", "Django"):
        assert leak not in body


@pytest.mark.parametrize(
    "path", ["/", "/disclosure/", "/search/?q=低保", "/admin/login/", "/feeds/documents/"]
)
def test_a_host_outside_allowed_hosts_gets_our_400_page(client, path):
    response = client.get(path, HTTP_HOST="evil.example")
    assert_our_page(response, 400, "请求有误")


@pytest.mark.parametrize("charset", ["gbk", "utf-16", "latin-1"])
def test_a_form_post_in_another_charset_gets_our_400_page(charset):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("admin:login"))
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("admin:login"),
        data=f"csrfmiddlewaretoken={token}&username=a&password=b",
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )
    assert_our_page(response, 400, "请求有误")


def test_a_form_without_its_csrf_token_gets_our_page_not_djangos():
    response = Client(enforce_csrf_checks=True).post(
        reverse("admin:login"), {"username": "a", "password": "b"}
    )
    assert_our_page(response, 403, "页面已过期")
    assert "CSRF" not in response.content.decode()


def test_an_unknown_page_gets_our_404_page(client):
    assert_our_page(client.get("/no-such-page/"), 404, "页面不存在")


def test_a_crash_gets_our_500_page_with_the_headers(client, monkeypatch):
    from portal import views

    def crash(request):
        raise RuntimeError("secret detail /srv/app/portal/views.py")

    monkeypatch.setattr(views, "_home", crash)
    client.raise_request_exception = False
    response = client.get(reverse("home"))
    assert_our_page(response, 500, "服务暂时不可用")
    assert "secret detail" not in response.content.decode()
    assert response["Cache-Control"] == "no-store"


def test_a_withdrawn_document_gets_our_410_page(agency, client):
    document = DocumentFactory(published=True)
    document.is_live, document.withdrawn_at = False, document.published_at
    document.save()
    assert_our_page(client.get(document.get_absolute_url()), 410, "该信息已撤回")


@pytest.mark.parametrize("status", sorted(PAGES))
def test_each_error_page_renders_without_the_request_or_the_database(
    status, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = error_response(status)
    assert response.status_code == status
    assert PAGES[status][0] in response.content.decode()
