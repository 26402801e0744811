"""The data migrations encrypt rows stored in clear before encryption (and fill the blind
index), leave tokens alone when run again, and decrypt when reversed."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from disclosure.applications.models import Application
from mailbox.models import Letter
from portal import encryption
from tests.applications.factories import RESIDENT_ID, ApplicationFactory
from tests.mailbox.conftest import mailbox, submit  # noqa: F401  (fixture)

APPLICATION_COLUMNS = ["id_number", "phone", "address", "email"]


def operation(module: str):
    (run_python,) = importlib.import_module(module).Migration.operations
    return run_python


def forward(module):
    operation(module).code(apps, SimpleNamespace(connection=connection))


def backward(module):
    operation(module).reverse_code(apps, SimpleNamespace(connection=connection))


def store_in_clear(table, pk, **values):
    """The row as it was before encryption (what 0005/0004 found in the table)."""
    assigned = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in values)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {assigned} WHERE id = %s", [*values.values(), pk])


def stored(table, pk, *columns):
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quoted} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()


APPLICATIONS = "disclosure.applications.migrations.0006_applicant_encrypt_rows"
LETTERS = "mailbox.migrations.0005_letter_contact_encrypt_rows"


@pytest.mark.django_db
def test_the_migration_encrypts_plaintext_applications_and_fills_the_index():
    old, already = ApplicationFactory(email="a@example.cn"), ApplicationFactory()
    plain = {"id_number": RESIDENT_ID, "phone": "13800000000",
             "address": "重庆市渝中区人民路1号", "email": "a@example.cn"}  # fmt: skip
    store_in_clear("applications_application", old.pk, **plain, id_number_index="")
    token_before = stored("applications_application", already.pk, "phone")
    forward(APPLICATIONS)
    row = stored("applications_application", old.pk, *APPLICATION_COLUMNS, "id_number_index")
    for value, token in zip(plain.values(), row, strict=False):
        assert value not in token and encryption.decrypt(token) == value
    assert row[-1] == encryption.blind_index(RESIDENT_ID, purpose="id_number")
    assert stored("applications_application", already.pk, "phone") == token_before  # not twice
    assert (
        Application.objects.of_applicant(id_type="resident_id", id_number=RESIDENT_ID).count() == 2
    )


@pytest.mark.django_db
def test_reversing_the_migration_leaves_plaintext_that_fits_the_old_columns():
    application = ApplicationFactory()
    backward(APPLICATIONS)
    id_number, phone, address, _email = stored(
        "applications_application", application.pk, *APPLICATION_COLUMNS
    )
    assert (id_number, phone, address) == (RESIDENT_ID, "13800000000", "重庆市渝中区人民路1号")
    assert len(id_number) <= 40 and len(phone) <= 30  # the varchar sizes 0005 restores
    forward(APPLICATIONS)
    assert Application.objects.get(pk=application.pk).phone == "13800000000"


@pytest.mark.django_db
def test_the_mailbox_migration_encrypts_plaintext_letters(mailbox):  # noqa: F811
    letter = submit(mailbox)
    store_in_clear("mailbox_letter", letter.pk, phone="13812345678", email="")
    forward(LETTERS)
    phone, email = stored("mailbox_letter", letter.pk, "phone", "email")
    assert "13812345678" not in phone and email == ""
    assert Letter.objects.get(pk=letter.pk).phone == "13812345678"
    backward(LETTERS)
    assert stored("mailbox_letter", letter.pk, "phone") == ("13812345678",)


def migrate(*targets):
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(list(targets))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_real_migrations_decrypt_going_back_and_encrypt_going_forward(mailbox):  # noqa: F811
    application, letter = ApplicationFactory(), submit(mailbox)
    latest = [
        ("applications", "0006_applicant_encrypt_rows"),
        ("mailbox", "0005_letter_contact_encrypt_rows"),
    ]
    migrate(("applications", "0004_extension_request"), ("mailbox", "0003_roles"))
    try:
        assert stored("applications_application", application.pk, "id_number", "phone") == (
            RESIDENT_ID, "13800000000",
        )  # fmt: skip
        assert stored("mailbox_letter", letter.pk, "phone") == ("13812345678",)
    finally:
        migrate(*latest)
    (token,) = stored("applications_application", application.pk, "id_number")
    assert RESIDENT_ID not in token and encryption.decrypt(token) == RESIDENT_ID
    assert "13812345678" not in stored("mailbox_letter", letter.pk, "phone")[0]
    assert Application.objects.of_applicant(id_type="resident_id", id_number=RESIDENT_ID).get()
