from django.apps import AppConfig


class RolesConfig(AppConfig):
    name = "portal.roles"
    label = "roles"
    verbose_name = "角色与双因素认证"

    def ready(self):
        from django.db.models.signals import post_migrate

        from portal.roles import checks, signals  # noqa: F401  (register themselves)

        post_migrate.connect(
            signals.grant_role_permissions, dispatch_uid="portal.roles.grant_role_permissions"
        )
