from portal.models import PublishableQuerySet


class InterpretationQuerySet(PublishableQuerySet):
    def for_listing(self):
        """What a list row shows, without the bodies."""
        return self.select_related("organization").only(
            "pk", "title", "kind", "summary", "published_at", "organization__name",
            "organization__short_name",
        )  # fmt: skip
