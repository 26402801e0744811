"""The workflow roles (谁公开、谁审查) get the catalogue's permissions. The groups are the
portal's (``portal`` 0006 creates them); each app grants its own models' permissions, as
here, and reversing takes back only those."""

from django.db import migrations

from portal.migration_operations import grant_roles

VIEW_VOCABULARIES = ["view_topiccategory", "view_genre"]
ROLES = {
    "信息员": ["add_document", "change_document", "view_document", "submit_document",
            "add_attachment", "change_attachment", "delete_attachment", "view_attachment",
            *VIEW_VOCABULARIES],
    "审核员": ["view_document", "review_document", "view_attachment", *VIEW_VOCABULARIES],
    "发布员": ["view_document", "publish_document", "view_attachment", "view_columnpage",
            "change_columnpage", "view_disclosureguide", "change_disclosureguide", *VIEW_VOCABULARIES],
    "督查员": ["view_document", "view_attachment", "view_columnpage", "view_disclosureguide",
            *VIEW_VOCABULARIES],
}  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0002_seed_vocabularies"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [grant_roles("disclosure", ROLES)]
