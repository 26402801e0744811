"""The portal's settings plus the test-only publishable app (``tests.publishing``)."""

from portal.settings import *  # noqa: F403
from portal.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.publishing"]
ROOT_URLCONF = "tests.urls"
# A test's transaction is rolled back, never committed: the counter moves at once.
PUBLICATION_BUMP_ON_COMMIT = False
# Unset personal-data keys are derived from SECRET_KEY, as with DEBUG (portal.encryption).
PII_DEV_KEYS = True
# serialized_rollback must not rewrite the audit log's rows (its trigger refuses UPDATE);
# the flush between transactional tests may empty it (tests/conftest.py django_db_setup).
TEST_NON_SERIALIZED_APPS = ["portal.audit"]
