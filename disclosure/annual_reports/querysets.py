from portal.models import PublishableQuerySet


class AnnualReportQuerySet(PublishableQuerySet):
    def for_listing(self):
        """What a list row shows: the organization joined, the long texts and the frozen
        tables left out."""
        return self.select_related("organization").defer(
            "overview", "problems", "other_matters", "tables", "figures"
        )

    def newest_first(self):
        """Newest year first, then by organization in tree order."""
        return self.order_by("-year", "organization__tree_id", "organization__lft", "pk")
