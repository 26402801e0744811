from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from disclosure.annual_reports.models import AnnualReport


class AnnualReportSitemap(Sitemap):
    changefreq = "yearly"
    limit = 10_000

    def items(self):
        return AnnualReport.objects.published().only("pk", "last_published_at").order_by("pk")

    def lastmod(self, report):
        return report.last_published_at

    def get_latest_lastmod(self):
        return AnnualReport.objects.published().aggregate(latest=Max("last_published_at"))["latest"]
