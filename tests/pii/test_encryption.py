"""Personal data at rest: the database holds tokens, never the plaintext; keys rotate;
a missing or wrong key fails clearly; equality lookups go through the blind index."""

import base64
import os

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disclosure.applications.models import Application
from mailbox.models import Letter
from portal import encryption
from portal.encryption import PersonalDataKeyError, UndecryptableError
from tests.applications.factories import RESIDENT_ID, ApplicationFactory
from tests.mailbox.conftest import mailbox, submit  # noqa: F401  (fixture)

OLD_KEY, NEW_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()
INDEX_KEY = base64.urlsafe_b64encode(os.urandom(32)).decode()


def raw(table: str, pk: int, *columns: str) -> tuple:
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quoted} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()


@pytest.mark.django_db
def test_the_application_columns_hold_tokens_that_decrypt_back():
    application = ApplicationFactory(email="wangwu@example.cn")
    stored = raw(
        "applications_application", application.pk, "id_number", "phone", "address", "email"
    )
    plain = [RESIDENT_ID, "13800000000", "重庆市渝中区人民路1号", "wangwu@example.cn"]
    for token, value in zip(stored, plain, strict=True):
        assert value not in token and token.startswith(encryption.TOKEN_PREFIX)
        assert encryption.decrypt(token) == value
    loaded = Application.objects.get(pk=application.pk)
    assert [loaded.id_number, loaded.phone, loaded.address, loaded.email] == plain


@pytest.mark.django_db
def test_the_letter_phone_and_email_are_stored_encrypted(mailbox):  # noqa: F811
    letter = submit(mailbox)
    phone, email = raw("mailbox_letter", letter.pk, "phone", "email")
    assert "13812345678" not in phone and "zhangsf" not in email
    assert Letter.objects.values_list("phone", "email").get(pk=letter.pk) == (
        "13812345678", "zhangsf@example.com",
    )  # fmt: skip


@pytest.mark.django_db
def test_equal_values_get_different_tokens():
    first, second = ApplicationFactory(), ApplicationFactory()
    assert raw("applications_application", first.pk, "phone") != raw(
        "applications_application", second.pk, "phone"
    )


@settings(max_examples=50, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=300))
def test_any_text_survives_the_round_trip(text):
    token = encryption.encrypt(text)
    assert encryption.decrypt(token) == text
    assert text not in token or len(text) < 3


@pytest.mark.django_db
def test_an_old_key_still_decrypts_and_new_writes_use_the_first_key():
    with override_settings(PII_ENCRYPTION_KEYS=[OLD_KEY]):
        application = ApplicationFactory()
    with override_settings(PII_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        assert Application.objects.get(pk=application.pk).phone == "13800000000"
        newer = ApplicationFactory(phone="13900000000")
    (token,) = raw("applications_application", newer.pk, "phone")
    assert Fernet(NEW_KEY.encode()).decrypt(token.encode()) == b"13900000000"
    with pytest.raises(InvalidToken):  # the old key alone cannot read the new token
        Fernet(OLD_KEY.encode()).decrypt(token.encode())


@pytest.mark.django_db
def test_reencrypting_after_a_rotation_lets_the_old_key_go(mailbox):  # noqa: F811
    with override_settings(PII_ENCRYPTION_KEYS=[OLD_KEY]):
        application, letter = ApplicationFactory(), submit(mailbox)
    with override_settings(PII_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        call_command("reencrypt_personal_data", stdout=open(os.devnull, "w"))
    with override_settings(PII_ENCRYPTION_KEYS=[NEW_KEY]):
        assert Application.objects.get(pk=application.pk).address == "重庆市渝中区人民路1号"
        assert Letter.objects.get(pk=letter.pk).phone == "13812345678"


@pytest.mark.django_db
def test_reencrypting_recomputes_the_blind_index_under_a_new_index_key():
    application = ApplicationFactory()
    with override_settings(PII_INDEX_KEY=INDEX_KEY):
        applicant = Application.objects.of_applicant(id_type="resident_id", id_number=RESIDENT_ID)
        assert not applicant.exists()  # the digests still follow the old key
        call_command("reencrypt_personal_data", stdout=open(os.devnull, "w"))
        assert list(applicant.values_list("pk", flat=True)) == [application.pk]


@pytest.mark.django_db
def test_a_wrong_key_is_a_clear_error_that_names_no_value():
    with override_settings(PII_ENCRYPTION_KEYS=[OLD_KEY]):
        application = ApplicationFactory()
    with override_settings(PII_ENCRYPTION_KEYS=[NEW_KEY]):
        with pytest.raises(UndecryptableError, match="PII_ENCRYPTION_KEYS") as error:
            Application.objects.get(pk=application.pk)
    assert "13800000000" not in str(error.value) and OLD_KEY not in str(error.value)


@override_settings(PII_ENCRYPTION_KEYS=[], PII_INDEX_KEY="", PII_DEV_KEYS=False, DEBUG=False)
def test_without_keys_and_without_debug_nothing_is_derived():
    with pytest.raises(PersonalDataKeyError, match="PII_ENCRYPTION_KEYS 未设置"):
        encryption.encrypt("13800000000")
    with pytest.raises(PersonalDataKeyError, match="PII_INDEX_KEY 未设置"):
        encryption.blind_index(RESIDENT_ID, purpose="id_number")


def test_the_deploy_check_refuses_missing_derived_or_malformed_keys():
    with override_settings(PII_ENCRYPTION_KEYS=[], PII_INDEX_KEY="", DEBUG=False):
        messages = " ".join(e.msg for e in encryption.check_keys())
        assert "PII_ENCRYPTION_KEYS" in messages and "PII_INDEX_KEY" in messages
    with override_settings(PII_ENCRYPTION_KEYS=["not-a-key"], PII_INDEX_KEY=INDEX_KEY):
        errors = encryption.check_keys()
        assert [e.id for e in errors] == ["portal.E130"] and "格式不对" in errors[0].msg
    with override_settings(PII_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY], PII_INDEX_KEY=INDEX_KEY):
        assert encryption.check_keys() == []


@pytest.mark.django_db
def test_the_deploy_check_is_registered_for_check_deploy():
    from django.core import checks

    with override_settings(PII_ENCRYPTION_KEYS=[], PII_INDEX_KEY="", DEBUG=False):
        found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    assert "portal.E130" in {message.id for message in found}


@pytest.mark.django_db
def test_lookups_on_encrypted_fields_are_refused_with_a_clear_message():
    ApplicationFactory()
    for lookup in ({"phone": "13800000000"}, {"id_number__startswith": "110"},
                   {"address__icontains": "人民路"}):  # fmt: skip
        with pytest.raises(FieldError, match="加密字段"):
            list(Application.objects.filter(**lookup))
    assert Application.objects.filter(phone__isnull=False).count() == 1


@pytest.mark.django_db
def test_the_blind_index_finds_an_applicants_applications_however_the_number_is_typed():
    mine = ApplicationFactory.create_batch(2)
    ApplicationFactory(id_number="110105194912310021")
    found = Application.objects.of_applicant(
        id_type="resident_id", id_number=" 11010519491231002x "
    )
    assert sorted(found.values_list("pk", flat=True)) == sorted(a.pk for a in mine)
    (digest,) = raw("applications_application", mine[0].pk, "id_number_index")
    assert RESIDENT_ID not in digest and len(digest) == 64


@pytest.mark.django_db
def test_the_monthly_place_counts_the_same_applicant_through_the_blind_index():
    first, second = ApplicationFactory.create_batch(2)
    ApplicationFactory(id_number="110105194912310021")
    assert Application.objects.month_place(first) == 1
    assert Application.objects.month_place(second) == 2


@pytest.mark.django_db
def test_the_blind_index_depends_on_the_index_key():
    application = ApplicationFactory()
    with override_settings(PII_INDEX_KEY=INDEX_KEY):
        other = encryption.blind_index(RESIDENT_ID, purpose="id_number")
    assert application.id_number_index != other
    assert application.id_number_index == encryption.blind_index(RESIDENT_ID, purpose="id_number")
