"""The four roles of the review-then-publish workflow, as groups (谁公开、谁审查). Each app's
migrations grant the groups their own models' permissions; the portal grants its own."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = ["信息员", "审核员", "发布员", "督查员"]
SUPERVISOR_PORTAL = ["oversee_all", "view_organization", "view_calendarday"]


def create_roles(apps, schema_editor):
    for name in ROLES:
        apps.get_model("auth", "Group").objects.get_or_create(name=name)
    app_config = apps.get_app_config("portal")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    apps.get_model("auth", "Group").objects.get(name="督查员").permissions.add(
        *Permission.objects.filter(content_type__app_label="portal", codename__in=SUPERVISOR_PORTAL)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0005_plain_text_fields"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
