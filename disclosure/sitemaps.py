"""The catalogue's sections of the sitemap index, registered in ``DisclosureConfig.ready``."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from disclosure.models import ColumnPage, Document


class DocumentSitemap(Sitemap):
    changefreq = "monthly"
    limit = 10_000

    def items(self):
        return Document.objects.published().only("pk", "last_published_at").order_by("pk")

    def lastmod(self, document):
        return document.last_published_at

    def get_latest_lastmod(self):
        # One aggregate, not every document loaded, for the sitemap index.
        return Document.objects.published().aggregate(latest=Max("last_published_at"))["latest"]


class ColumnSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        pages = ["disclosure:document-list", "disclosure:guide"]
        columns = (
            ColumnPage.objects.published()
            .exclude(slug__in=["catalogue", "guide"])
            .values_list("slug", flat=True)
        )
        return pages + [("disclosure:column-page", slug) for slug in columns]

    def location(self, item):
        if isinstance(item, tuple):
            return reverse(item[0], kwargs={"slug": item[1]})
        return reverse(item)
