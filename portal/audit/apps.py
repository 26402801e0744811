from django.apps import AppConfig


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal.audit"
    label = "audit"
    verbose_name = "安全审计"

    def ready(self):
        from portal.audit import checks, receivers  # noqa: F401  (registers them)

        receivers.connect()
