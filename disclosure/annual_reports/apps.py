from django.apps import AppConfig


class AnnualReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "disclosure.annual_reports"
    label = "annual_reports"
    verbose_name = "政府信息公开年报"
