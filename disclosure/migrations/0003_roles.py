"""The workflow roles as groups (谁公开、谁审查). Later apps add their models' permissions
to the same groups in migrations of their own."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

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
SUPERVISOR_PORTAL = ["oversee_all", "view_organization", "view_calendarday"]


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; these groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="disclosure", codename__in=codenames)
        )
    Group.objects.get(name="督查员").permissions.add(
        *Permission.objects.filter(content_type__app_label="portal", codename__in=SUPERVISOR_PORTAL)
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0002_seed_vocabularies"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
