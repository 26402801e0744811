"""The public replies' section of the sitemap index (``/sitemap-mailbox-replies.xml``),
registered in ``MailboxConfig.ready``: only published replies whose writer consented."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from mailbox.models import Reply


def _public_replies():
    # Consent is checked again here: a sitemap is read by every crawler.
    return Reply.objects.published().filter(letter__consents_to_publish=True)


class ReplySitemap(Sitemap):
    changefreq = "monthly"
    limit = 10_000

    def items(self):
        return (
            _public_replies()
            .select_related("mailbox")
            .only("pk", "last_published_at", "mailbox__slug")
            .order_by("pk")
        )

    def lastmod(self, reply):
        return reply.last_published_at

    def get_latest_lastmod(self):
        return _public_replies().aggregate(latest=Max("last_published_at"))["latest"]
