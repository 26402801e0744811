from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal.accounts"
    label = "accounts"
    verbose_name = "账号与登录安全"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from portal.accounts import checks, receivers  # noqa: F401  (checks register themselves)

        user_logged_in.connect(receivers.on_logged_in, dispatch_uid="accounts-logged-in")
        user_logged_out.connect(receivers.on_logged_out, dispatch_uid="accounts-logged-out")

        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_save

        pre_save.connect(
            receivers.on_user_saving, sender=get_user_model(), dispatch_uid="accounts-rehash"
        )
