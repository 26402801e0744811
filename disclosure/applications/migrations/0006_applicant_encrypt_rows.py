"""Encrypt the document numbers, phones, addresses and e-mail addresses of applications
stored before 0005 and fill the document number's blind index (issue 13); reversing
decrypts them."""

from django.db import migrations

from portal.encrypted_columns import encrypt_columns_operation


class Migration(migrations.Migration):
    dependencies = [("applications", "0005_applicant_encrypted")]

    operations = [
        encrypt_columns_operation(
            "applications_application",
            ["id_number", "phone", "address", "email"],
            digests={"id_number_index": ("id_number", "id_number")},
        )
    ]
