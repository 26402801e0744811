"""The annual report (政府信息公开工作年度报告, 条例 Arts 49–50), assembled from the
catalogue and the applications. A Django app of its own (label ``annual_reports``) inside
the ``disclosure`` package; it reads ``disclosure`` and ``disclosure.applications``."""

from django.apps import AppConfig


class AnnualReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "disclosure.annual_reports"
    label = "annual_reports"
    verbose_name = "政府信息公开年报"

    def ready(self):
        from disclosure.annual_reports.search_index import ANNUAL_REPORTS
        from disclosure.annual_reports.sitemaps import AnnualReportSitemap
        from portal import search
        from portal.sitemaps import register_sitemap

        search.register(ANNUAL_REPORTS)
        register_sitemap("annual-reports", AnnualReportSitemap)
