from django.apps import AppConfig


class PublishingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tests.publishing"
    label = "publishing"
    verbose_name = "测试用发布内容"
