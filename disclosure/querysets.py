from django.db import models


class DocumentQuerySet(models.QuerySet):
    def published(self):
        """What the public may see. Until the review workflow lands, only the status counts."""
        return self.filter(status="published")

    def for_listing(self):
        """The columns a catalogue row shows, with its foreign keys joined, body left out."""
        return self.select_related("organization", "category", "genre").defer(
            "body", "summary", "keywords"
        )

    def newest_first(self):
        return self.order_by("-published_at", "-pk")
