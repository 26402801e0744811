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
    settings.PAGE_CACHE_VERSION_SECONDS = 0  # every request re-reads the counter
    # Page caches live in process memory; a rolled-back test must not leave pages behind.
    from django.core.cache import cache

    cache.clear()


from tests.portal.roles import agency  # noqa: E402,F401  (fixture shared by app tests)
