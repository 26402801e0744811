from django.apps import AppConfig


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = "门户基础"

    def ready(self):
        from django.core.signals import request_finished

        from portal.search import terms

        request_finished.connect(terms.flush_when_due, dispatch_uid="portal-search-terms")
