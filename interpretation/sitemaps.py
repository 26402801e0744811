from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from interpretation.models import Interpretation


class InterpretationSitemap(Sitemap):
    changefreq = "monthly"
    limit = 10_000

    def items(self):
        return Interpretation.objects.published().only("pk", "last_published_at").order_by("pk")

    def lastmod(self, interpretation):
        return interpretation.last_published_at

    def get_latest_lastmod(self):
        return Interpretation.objects.published().aggregate(latest=Max("last_published_at"))[
            "latest"
        ]
