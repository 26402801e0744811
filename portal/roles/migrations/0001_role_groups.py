"""The three administrator roles of 三员分立 as groups. Their permissions are granted by
codename in portal.roles.signals.grant_role_permissions after each migrate, because two of
the roles' permissions come from apps (accounts, audit) that may migrate after this one."""

import django.contrib.auth.models
from django.db import migrations

ROLES = ["系统管理员", "安全管理员", "审计管理员"]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.CreateModel(
            name="RoleGrant",
            fields=[],
            options={
                "verbose_name": "角色授权",
                "verbose_name_plural": "角色授权",
                "permissions": [
                    ("grant_roles", "可授予和撤销角色与权限"),
                    ("reset_two_factor", "可重置他人的双因素认证"),
                ],
                "proxy": True,
                "default_permissions": (),
                "indexes": [],
                "constraints": [],
            },
            bases=("auth.group",),
            managers=[
                ("objects", django.contrib.auth.models.GroupManager()),
            ],
        ),
        migrations.RunPython(create_roles, migrations.RunPython.noop),
    ]
