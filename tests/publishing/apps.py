from django.apps import AppConfig


class PublishingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tests.publishing"
    label = "publishing"
    verbose_name = "测试用发布内容"

    def ready(self):
        from portal import search
        from tests.publishing.search_index import NOTICES

        search.register(NOTICES)
