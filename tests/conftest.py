import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The flush after a transactional test TRUNCATEs every table, which the audit log's
    triggers always refuse (portal.audit migration 0003). The test database's owner turns
    those two TRUNCATE triggers off here, for the test database only; the audit tests that
    try a TRUNCATE turn them back on inside their transaction."""
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for table in ("audit_auditevent", "audit_chainhead"):
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_truncate")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Templates resolve static files without a collectstatic manifest; uploads go to a
    # throw-away folder.
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "uploads"
    # Page caches live in process memory (never a developer's Redis); a rolled-back test
    # must not leave pages behind.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()
    from portal import publication

    publication.reset_process_caches()  # the counter is reset by each rollback
    settings.SEARCH_TERMS_FLUSH_SECONDS = 0  # popular searches written after each request


@pytest.fixture
def client():
    """Django's test client; an administrator it logs in has passed the second factor too
    (portal.roles: superusers and administrators must use TOTP), as after a real login."""
    from tests.roles.clients import VerifiedClient

    return VerifiedClient()


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


from tests.portal.roles import agency  # noqa: E402,F401  (fixture shared by app tests)
