"""RSS and Atom feeds of the newest public policy interpretations."""

from django.urls import reverse

from interpretation.models import Interpretation
from portal.feeds import PublicationFeed, SafeAtomFeed

ITEMS = 20


class InterpretationFeed(PublicationFeed):
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

    def item_categories(self, item):
        return [item.get_kind_display()]


class AtomInterpretationFeed(InterpretationFeed):
    feed_type = SafeAtomFeed
    subtitle = InterpretationFeed.description
