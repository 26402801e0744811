"""The sitemap index: the portal's own pages, plus the sections each app registers from
its ``AppConfig.ready()`` (``register_sitemap("documents", DocumentSitemap)``)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class HomeSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["home"]

    def location(self, item):
        return reverse(item)


SITEMAPS: dict[str, type[Sitemap]] = {"home": HomeSitemap}


def register_sitemap(section: str, sitemap: type[Sitemap]) -> None:
    SITEMAPS[section] = sitemap
