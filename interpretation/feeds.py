"""RSS and Atom feeds of the newest public policy interpretations."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.html import escape

from interpretation.models import Interpretation
from portal.feeds import SafeAtomFeed, SafeRssFeed
from portal.richtext import plain_text

ITEMS = 20


class InterpretationFeed(Feed):
    feed_type = SafeRssFeed
    title = "最新政策解读"
    description = "最新发布的政策解读。"

    def link(self):
        return reverse("interpretation:list")

    def items(self):
        return (
            Interpretation.objects.published()
            .select_related("organization")
            .order_by("-published_at", "-pk")[:ITEMS]
        )

    def item_title(self, item):
        return item.title  # plain text: the generator escapes it once

    def item_description(self, item):
        return escape(item.summary or plain_text(item.body)[:200])

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_author_name(self, item):
        return item.organization.display_name

    def item_categories(self, item):
        return [item.get_kind_display()]


class AtomInterpretationFeed(InterpretationFeed):
    feed_type = SafeAtomFeed
    subtitle = InterpretationFeed.description
