"""The check that refuses the demo accounts outside the demo (portal.accounts.checks)."""

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from portal.accounts.checks import demo_accounts_check
from portal.accounts.demo import DEMO_PASSWORD, DEMO_USERNAMES
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def demo_account(username="clerk", password=DEMO_PASSWORD, **fields):
    return UserFactory(username=username, password=password, **fields)  # the factory hashes


def test_a_demo_account_with_the_demo_password_is_an_error(settings):
    settings.ALLOW_DEMO_ACCOUNTS = False
    demo_account("clerk")
    demo_account("admin", is_superuser=True)
    errors = demo_accounts_check()
    assert [error.id for error in errors] == ["accounts.E001"]
    assert "admin、clerk" in errors[0].msg


def test_manage_py_check_refuses_to_run_with_demo_accounts(settings):
    settings.ALLOW_DEMO_ACCOUNTS = False
    demo_account("reviewer")
    with pytest.raises(SystemCheckError, match="accounts.E001"):
        call_command("check")


def test_allow_demo_accounts_lets_the_demo_run(settings):
    settings.ALLOW_DEMO_ACCOUNTS = True
    demo_account("clerk")
    assert demo_accounts_check() == []


def test_a_demo_name_with_its_own_password_or_disabled_is_fine(settings):
    settings.ALLOW_DEMO_ACCOUNTS = False
    demo_account("clerk", password="Own-secret-password-1")
    demo_account("admin", is_active=False)
    assert demo_accounts_check() == []


def test_the_check_never_rewrites_a_hash(settings):
    settings.ALLOW_DEMO_ACCOUNTS = False
    account = demo_account("publisher")
    account.password = make_password(DEMO_PASSWORD, hasher="md5")
    account.save(update_fields=["password"])
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher",
                                 "django.contrib.auth.hashers.MD5PasswordHasher"]  # fmt: skip
    assert demo_accounts_check()
    account.refresh_from_db()
    assert account.password.startswith("md5$")


def test_the_demo_names_are_the_ones_load_demo_creates():
    from disclosure.management.commands import load_demo

    assert set(DEMO_USERNAMES) == {"admin", *load_demo.ACCOUNTS}
    assert load_demo.DEMO_PASSWORD == DEMO_PASSWORD


def test_gunicorn_refuses_to_start_when_a_deployment_check_fails(monkeypatch):
    """manage.py runs the checks on every command; gunicorn's master runs them, in a
    process of their own, before it serves (``portal.gunicorn_conf.on_starting``). Here a
    production environment without personal-data keys is refused, then one with them
    starts (this run's test database holds no demo accounts)."""
    import secrets

    from cryptography.fernet import Fernet
    from django.db import connection

    from portal import gunicorn_conf
    from tests.security.test_settings import database_url_of

    for name, value in {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_SKIP_DOTENV": "1",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "zwgk.example.gov.cn",
        "DATABASE_URL": database_url_of(connection.settings_dict),
    }.items():
        monkeypatch.setenv(name, value)
    # The browser tests' allowance (async.E001 in a deployment) is not a deployment's.
    for name in ("PII_ENCRYPTION_KEYS", "PII_INDEX_KEY", "ALLOW_DEMO_ACCOUNTS",
                 "DJANGO_ALLOW_ASYNC_UNSAFE"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    assert "portal.E130" in gunicorn_conf.failed_checks()
    monkeypatch.setenv("PII_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    monkeypatch.setenv("PII_INDEX_KEY", secrets.token_urlsafe(48))
    assert gunicorn_conf.failed_checks() == ""
