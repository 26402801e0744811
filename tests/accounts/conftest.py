import pytest
from django.urls import reverse

from tests.portal.factories import UserFactory

PASSWORD = "Kq7-harbour-lamp"  # 16 characters, 4 classes, not common


@pytest.fixture
def staff(db):
    return UserFactory(username="clerk1", is_staff=True, password=PASSWORD)


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    # The second factor (portal.roles) has its own tests; these log in with a password only.
    settings.ADMIN_2FA_REQUIRED = False


def log_in(client, username, password, **extra):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password}, **extra
    )


def fail(client, username, times, **extra):
    """``times`` logins of ``username`` with a wrong password."""
    return [log_in(client, username, "Wrong-password-1", **extra) for _ in range(times)]
