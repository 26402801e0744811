from django.apps import AppConfig
from django.db.backends.signals import connection_created


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal.audit"
    label = "audit"
    verbose_name = "安全审计"

    def ready(self):
        from portal.audit import checks, receivers  # noqa: F401  (registers them)

        receivers.connect()
        connection_created.connect(allow_truncate_in_tests, dispatch_uid="audit-truncate")


def allow_truncate_in_tests(sender, connection, **kwargs):
    """The test suite empties every table between transactional tests (TRUNCATE), which the
    audit table's trigger refuses unless the connection says otherwise."""
    from django.conf import settings

    if (
        getattr(settings, "AUDIT_ALLOW_TRUNCATE_FOR_TESTS", False)
        and connection.vendor == "postgresql"
    ):
        with connection.cursor() as cursor:
            cursor.execute("SET audit.allow_truncate = 'on'")
