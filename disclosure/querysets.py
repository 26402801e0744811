from portal.models import PublishableQuerySet


class DocumentQuerySet(PublishableQuerySet):
    def for_listing(self):
        """The columns a catalogue row shows, with its foreign keys joined, body left out."""
        return self.select_related("organization", "category", "genre").defer(
            "body", "summary", "keywords"
        )

    def newest_first(self):
        return self.order_by("-published_at", "-pk")
