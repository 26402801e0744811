import pytest
from django.db.models import Q

from portal.audit.models import AuditEvent

PASSWORD = "Correct-Horse-42!"
PHONE = "13812345678"
ID_NUMBER = "500101199001011234"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.ADMIN_2FA_REQUIRED = False  # the admin pages here are not about 2FA


def events(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("id"))


def assert_absent_everywhere(*secrets):
    """No column of any audit row holds any of ``secrets``."""
    rows = [str(row) for row in AuditEvent.objects.values()]
    for secret in secrets:
        assert not [row for row in rows if secret in row], secret


def new_since(last_id):
    return AuditEvent.objects.filter(id__gt=last_id).order_by("id")


def last_id():
    return (
        AuditEvent.objects.filter(~Q(id=None)).order_by("-id").values_list("id", flat=True).first()
        or 0
    )
