"""Password history, expiry, temporary passwords and Argon2id (portal.accounts)."""

from datetime import timedelta

import pytest
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import PasswordHistory
from portal.models import User
from tests.accounts.conftest import PASSWORD, log_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db
SIX = [f"Harbour-lamp-{n}x" for n in range(1, 7)]


def set_password(user, password):
    user.set_password(password)
    user.save()


def age_password(user, *, days):
    PasswordHistory.objects.filter(user=user).update(
        created_at=timezone.now() - timedelta(days=days)
    )


def test_none_of_the_last_five_passwords_comes_back(staff):
    for password in SIX:
        set_password(staff, password)
    for password in SIX[1:]:
        with pytest.raises(ValidationError, match="最近 5 次"):
            password_validation.validate_password(password, staff)
    password_validation.validate_password(SIX[0], staff)  # the sixth before is allowed again
    assert PasswordHistory.objects.filter(user=staff).count() == 5


def test_the_current_password_counts_even_without_history(staff):
    assert not PasswordHistory.objects.filter(user=staff).exists()
    with pytest.raises(ValidationError, match="最近 5 次"):
        password_validation.validate_password(PASSWORD, staff)


def test_the_history_stores_hashes_never_the_password(staff):
    set_password(staff, SIX[0])
    stored = PasswordHistory.objects.get(user=staff).password
    assert SIX[0] not in stored and stored == staff.password


def test_a_password_older_than_90_days_opens_only_the_change_page(client, staff):
    set_password(staff, SIX[0])
    age_password(staff, days=91)
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:password_change")
    assert client.get("/admin/portal/user/").status_code == 302
    assert client.get(reverse("admin:password_change")).status_code == 200


def test_changing_the_expired_password_opens_the_admin_again(client, staff):
    set_password(staff, SIX[0])
    age_password(staff, days=91)
    client.force_login(staff)
    response = client.post(
        reverse("admin:password_change"),
        {"old_password": SIX[0], "new_password1": SIX[1], "new_password2": SIX[1]},
    )
    assert response.status_code == 302, response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 200


def test_an_account_without_history_counts_from_the_day_it_joined(client):
    old = UserFactory(is_staff=True, date_joined=timezone.now() - timedelta(days=120))
    new = UserFactory(is_staff=True)
    client.force_login(new)
    assert client.get(reverse("admin:index")).status_code == 200
    client.force_login(old)
    assert client.get(reverse("admin:index")).status_code == 302


def test_in_the_last_seven_days_a_message_says_how_many_days_are_left(client, staff):
    set_password(staff, SIX[0])
    age_password(staff, days=85)
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "您的密码将在 5 天后过期" in response.content.decode()
    # Once per session, not on every page.
    assert "天后过期" not in client.get(reverse("admin:index")).content.decode()


def test_no_warning_before_the_last_seven_days(client, staff):
    set_password(staff, SIX[0])
    age_password(staff, days=80)
    client.force_login(staff)
    assert "天后过期" not in client.get(reverse("admin:index")).content.decode()


def test_the_asvs_preset_never_expires_passwords(client, staff, settings):
    settings.PASSWORD_POLICY = "asvs"
    set_password(staff, SIX[0])
    age_password(staff, days=400)
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200


def superuser():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_an_account_created_by_an_administrator_changes_its_password_at_first_login(client):
    client.force_login(superuser())
    response = client.post(
        reverse("admin:portal_user_add"),
        {"username": "newclerk", "password1": SIX[0], "password2": SIX[0], "_save": "1"},
    )
    assert response.status_code == 302, response.content.decode()
    client.logout()
    user = User.objects.get(username="newclerk")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    assert log_in(client, "newclerk", SIX[0]).status_code == 302
    assert client.get(reverse("admin:index"))["Location"] == reverse("admin:password_change")


def test_a_password_reset_by_an_administrator_must_be_changed(client, staff):
    client.force_login(superuser())
    response = client.post(
        reverse("admin:auth_user_password_change", args=[staff.pk]),
        {"password1": SIX[2], "password2": SIX[2], "set_usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()
    client.logout()
    assert log_in(client, staff.username, SIX[2]).status_code == 302
    assert client.get(reverse("admin:index"))["Location"] == reverse("admin:password_change")


def test_a_password_the_user_sets_himself_is_not_temporary(client, staff):
    client.force_login(staff)
    client.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": SIX[3], "new_password2": SIX[3]},
    )
    assert not PasswordHistory.objects.get(user=staff).is_temporary


def test_production_hashes_passwords_with_argon2id(settings):
    from portal import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    assert make_password(PASSWORD).startswith("argon2$argon2id$")


def test_an_older_hash_is_rewritten_with_argon2id_at_login(client, settings):
    from portal import settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    user = UserFactory(is_staff=True)
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    assert log_in(client, user.username, PASSWORD).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")


def test_a_rehash_at_login_neither_renews_nor_clears_an_expired_password(client, settings):
    from portal import settings as production

    user = UserFactory(is_staff=True)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    set_password(user, PASSWORD)
    age_password(user, days=91)
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    assert log_in(client, user.username, PASSWORD).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert PasswordHistory.objects.filter(user=user).count() == 1
    assert client.get(reverse("admin:index"))["Location"] == reverse("admin:password_change")


def test_a_rehash_at_login_keeps_a_temporary_password_and_logs_no_password_change(client, settings):
    from portal import settings as production
    from portal.accounts.passwords import password_mark_temporary
    from portal.audit.models import AuditEvent

    user = UserFactory(is_staff=True)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    set_password(user, PASSWORD)
    password_mark_temporary(user=user)
    changes = AuditEvent.objects.filter(action="password_change", object_id=str(user.pk))
    before = changes.count()
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    assert log_in(client, user.username, PASSWORD).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")  # rehashed
    newest = PasswordHistory.objects.filter(user=user).first()
    assert newest.is_temporary and newest.password == user.password
    assert client.get(reverse("admin:index"))["Location"] == reverse("admin:password_change")
    assert changes.count() == before


def test_a_real_password_change_is_still_audited(staff):
    from portal.audit.models import AuditEvent

    staff.set_password("Another-harbour-77")
    staff.save()
    assert AuditEvent.objects.filter(action="password_change", object_id=str(staff.pk)).exists()
