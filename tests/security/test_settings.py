"""Settings chosen from the environment: the shared cache that rate limits and CAPTCHA
answers use, and a production configuration that ``check --deploy`` accepts."""

import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

SETTINGS_FILE = Path(settings.BASE_DIR) / "portal" / "settings.py"
REDIS = "django.core.cache.backends.redis.RedisCache"


def settings_with(monkeypatch, **environment) -> dict:
    """The names portal/settings.py defines when the environment holds ``environment``."""
    monkeypatch.setenv("PORTAL_SKIP_DOTENV", "1")  # a developer's .env must not decide
    monkeypatch.setenv("DEBUG", "true")
    for name in ("REDIS_URL", "CACHE_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_without_redis_rate_limits_are_counted_in_the_shared_database_table(monkeypatch):
    caches = settings_with(monkeypatch)["CACHES"]
    assert caches["ratelimit"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert caches["default"]["BACKEND"].endswith("LocMemCache")


def test_redis_url_puts_rate_limits_captcha_and_pages_in_that_redis(monkeypatch):
    found = settings_with(monkeypatch, REDIS_URL="redis://10.0.0.5:6379/2")
    assert found["RATELIMIT_CACHE"] == "ratelimit"  # portal.antiabuse's counters and CAPTCHA
    for alias in ("ratelimit", "default"):
        assert found["CACHES"][alias] == {"BACKEND": REDIS, "LOCATION": "redis://10.0.0.5:6379/2"}


def test_cache_redis_url_wins_over_redis_url(monkeypatch):
    found = settings_with(
        monkeypatch, REDIS_URL="redis://one:6379/0", CACHE_REDIS_URL="redis://two:6379/0"
    )
    assert found["CACHES"]["ratelimit"]["LOCATION"] == "redis://two:6379/0"


PRODUCTION = {
    "DEBUG": False,
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": ["zwgk.example.gov.cn"],
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31_536_000,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "CAPTCHA_TEST_MODE": False,
    "RATELIMIT_ENABLE": True,
}


@pytest.fixture
def without_browser_allowance(monkeypatch):
    """The browser tests' conftest allows sync database calls inside Playwright's event loop
    (DJANGO_ALLOW_ASYNC_UNSAFE) for the whole run; a deployment never sets it, and the
    deploy check rightly refuses it (async.E001)."""
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)


@pytest.mark.django_db
def test_check_deploy_passes_with_production_settings(without_browser_allowance):
    with override_settings(**PRODUCTION):
        call_command("check", "--deploy", fail_level="WARNING")  # SystemCheckError otherwise


@pytest.mark.django_db
def test_check_deploy_fails_when_a_production_setting_is_missing():
    from django.core.management.base import SystemCheckError

    with override_settings(**{**PRODUCTION, "SESSION_COOKIE_SECURE": False}):
        with pytest.raises(SystemCheckError, match="SESSION_COOKIE_SECURE"):
            call_command("check", "--deploy", fail_level="WARNING")


def database_url_of(settings_dict: dict) -> str:
    """A DATABASE_URL naming the test database, so that the checks that read accounts see
    this run's database (no demo accounts), not a developer's demo."""
    user, password = quote(settings_dict["USER"] or ""), quote(settings_dict["PASSWORD"] or "")
    host, port = settings_dict["HOST"] or "", settings_dict["PORT"] or ""
    credentials = f"{user}:{password}@" if password else f"{user}@"
    if host.startswith("/"):  # a socket directory goes in the query
        return f"postgresql://{credentials}/{quote(settings_dict['NAME'])}?host={quote(host)}"
    return f"postgresql://{credentials}{host}{':' + port if port else ''}/{quote(settings_dict['NAME'])}"


@pytest.mark.django_db
def test_check_deploy_passes_with_the_real_settings_module_and_a_production_environment(
    without_browser_allowance,
):
    """What CI runs (the Makefile's ``test`` target): portal.settings itself, no test
    settings, the environment a deployment sets (its own keys for personal data)."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("SECURE_", "SESSION_", "CSRF_", "DEBUG", "CAPTCHA", "RATELIMIT"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        PORTAL_SKIP_DOTENV="1",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="zwgk.example.gov.cn",
        PII_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        PII_INDEX_KEY=secrets.token_urlsafe(48),
        DATABASE_URL=database_url_of(connection.settings_dict),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_checks_are_silenced_only_by_name_and_only_on_top_of_the_defaults(monkeypatch):
    """``make bench`` starts gunicorn with the acceptance-test switches on, which the
    deploy check refuses: it silences exactly those two checks, nothing else."""
    monkeypatch.delenv("SILENCED_SYSTEM_CHECKS", raising=False)
    defaults = settings_with(monkeypatch)["SILENCED_SYSTEM_CHECKS"]
    bench = settings_with(monkeypatch, SILENCED_SYSTEM_CHECKS=" mailbox.E001, mailbox.E002 ")
    assert "mailbox.E001" not in defaults
    assert bench["SILENCED_SYSTEM_CHECKS"] == [*defaults, "mailbox.E001", "mailbox.E002"]
