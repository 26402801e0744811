"""The 政府信息公开指南 and the column pages go through review-then-publish like documents.

What the public saw before stays public: every existing guide and column becomes a
published item as of its last edit, owned by its organization (a guide) or by nobody
until its first edit (a column seeded with the schema). Clerks draft and submit them,
reviewers approve, publishers publish, as for documents."""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

STATUS_CHOICES = [
    ("draft", "草稿"),
    ("submitted", "待审核"),
    ("approved", "已审核"),
    ("published", "已发布"),
    ("withdrawn", "已撤回"),
]
MODELS = ("columnpage", "disclosureguide")
ROLES = {
    "信息员": ["add", "change", "view", "submit"],
    "审核员": ["view", "review"],
    "发布员": ["view", "publish"],
    "督查员": ["view"],
}


def publish_what_was_public(apps, schema_editor):
    for name in ("ColumnPage", "DisclosureGuide"):
        model = apps.get_model("disclosure", name)
        for item in model.objects.all():
            item.status = "published"
            item.is_live = True
            item.published_at = item.last_published_at = item.updated_at
            if name == "DisclosureGuide":
                item.owner_organization_id = item.organization_id
            item.save(
                update_fields=[
                    "status", "is_live", "published_at", "last_published_at",
                    "owner_organization",
                ]
            )  # fmt: skip


def grant_roles(apps, schema_editor):
    app_config = apps.get_app_config("disclosure")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, actions in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        codenames = [f"{action}_{model}" for action in actions for model in MODELS]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="disclosure", codename__in=codenames)
        )


def _publishable_fields(model_name):
    return [
        migrations.AddField(
            model_name=model_name,
            name="created_by",
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="创建人"),
        ),
        migrations.AddField(
            model_name=model_name,
            name="is_live",
            field=models.BooleanField(default=False, editable=False, verbose_name="公开中"),
        ),
        migrations.AddField(
            model_name=model_name,
            name="last_published_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="最近发布时间"),
        ),
        migrations.AddField(
            model_name=model_name,
            name="owner_organization",
            field=models.ForeignKey(editable=False, help_text="起草和审核的机构：谁公开、谁审查。", null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="portal.organization", verbose_name="承办机构"),
        ),
        migrations.AddField(
            model_name=model_name,
            name="published_at",
            field=models.DateTimeField(blank=True, help_text="首次发布时间；定时发布时为将来的时间。", null=True, verbose_name="发布日期"),
        ),
        migrations.AddField(
            model_name=model_name,
            name="status",
            field=models.CharField(choices=STATUS_CHOICES, default="draft", editable=False, max_length=20, verbose_name="状态"),
        ),
        migrations.AddField(
            model_name=model_name,
            name="withdrawn_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="撤回时间"),
        ),
    ]  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0006_document_legacy_index_number"),
        ("portal", "0005_plain_text_fields"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="columnpage",
            options={"ordering": ["sort_order", "pk"], "permissions": [("submit_columnpage", "可提交审核"), ("review_columnpage", "可审核（保密审查）"), ("publish_columnpage", "可发布和撤回")], "verbose_name": "栏目页面", "verbose_name_plural": "栏目页面"},
        ),
        migrations.AlterModelOptions(
            name="disclosureguide",
            options={"permissions": [("submit_disclosureguide", "可提交审核"), ("review_disclosureguide", "可审核（保密审查）"), ("publish_disclosureguide", "可发布和撤回")], "verbose_name": "政府信息公开指南", "verbose_name_plural": "政府信息公开指南"},
        ),
        *_publishable_fields("columnpage"),
        *_publishable_fields("disclosureguide"),
        migrations.RunPython(publish_what_was_public, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="disclosureguide",
            name="owner_organization",
            field=models.ForeignKey(editable=False, help_text="起草和审核的机构：谁公开、谁审查。", on_delete=django.db.models.deletion.PROTECT, related_name="+", to="portal.organization", verbose_name="承办机构"),
        ),
        migrations.RunPython(grant_roles, migrations.RunPython.noop),
    ]  # fmt: skip
