import pytest


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
