"""Encrypt the phones and e-mail addresses of letters stored before 0004 (issue 13);
reversing decrypts them."""

from django.db import migrations

from portal.encrypted_columns import encrypt_columns_operation


class Migration(migrations.Migration):
    dependencies = [("mailbox", "0004_letter_contact_encrypted")]

    operations = [encrypt_columns_operation("mailbox_letter", ["phone", "email"])]
