import json

import pytest
from django.db import OperationalError
from django.urls import reverse

from tests.disclosure.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def test_the_home_page_lists_the_latest_documents_and_topic_entrances(client):
    DocumentFactory(title="最新的通知", published=True)
    DocumentFactory(title="未发布的通知")
    html = client.get(reverse("home")).content.decode()
    assert "最新的通知" in html and "未发布的通知" not in html
    assert "民政、扶贫、救灾" in html
    assert 'lang="zh-CN"' in html and 'href="#main"' in html


def test_the_home_page_query_count_does_not_grow(client, django_assert_num_queries):
    DocumentFactory.create_batch(3, published=True)
    with django_assert_num_queries(4):
        client.get(reverse("home"))
    DocumentFactory.create_batch(15, published=True)
    with django_assert_num_queries(4):
        client.get(reverse("home"))


def test_healthz_answers_json_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    from portal import views

    class Unreachable:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(views, "connection", Unreachable())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "unreachable"


def test_an_unknown_page_answers_404_in_chinese(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "您访问的页面不存在" in response.content.decode()


def test_a_post_to_a_public_page_is_refused_not_crashed(client):
    assert client.post(reverse("disclosure:document-list")).status_code == 405


def test_settings_follow_the_environment_defaults(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def test_database_urls_are_parsed():
    from portal.settings import database_from_url

    parsed = database_from_url("postgres://portal:p%40ss@db.internal:5433/portal?sslmode=require")
    assert parsed["USER"] == "portal" and parsed["PASSWORD"] == "p@ss"
    assert (
        parsed["HOST"] == "db.internal" and parsed["PORT"] == "5433" and parsed["NAME"] == "portal"
    )
    assert parsed["OPTIONS"] == {"sslmode": "require"}


def test_a_non_postgresql_database_url_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    from portal.settings import database_from_url

    with pytest.raises(ImproperlyConfigured):
        database_from_url("sqlite:///db.sqlite3")


def _settings_in_a_clean_environment(**variables):
    """Import the settings in a fresh interpreter with only ``variables`` set."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    environment = {
        "PATH": os.environ["PATH"],
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        **variables,
    }
    code = "import portal.settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
    # PORTAL_SKIP_DOTENV: the checkout's own .env must not leak into this environment
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        env={**environment, "PYTHONPATH": str(root), "PORTAL_SKIP_DOTENV": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_debug_is_off_and_the_cookies_secure_unless_asked():
    result = _settings_in_a_clean_environment(
        SECRET_KEY="x" * 50, ALLOWED_HOSTS="portal.example.gov.cn"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True"]


def test_a_missing_secret_key_stops_the_start_when_debug_is_off():
    result = _settings_in_a_clean_environment(ALLOWED_HOSTS="portal.example.gov.cn")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr
