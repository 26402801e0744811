from datetime import date

from django.db.models import Case, F, Q, Value, When

from disclosure.normative_rules import DATE_DECIDES, EXPIRED, VALID
from portal.models import PublishableQuerySet


class DocumentQuerySet(PublishableQuerySet):
    def for_listing(self):
        """The columns a catalogue row shows, with its foreign keys joined, body left out."""
        return self.select_related("organization", "category", "genre").defer(
            "body", "summary", "keywords"
        )

    def catalogue_rows(self):
        """Only the fields a catalogue row shows (``_document_row.html``); its 发布机构
        comes from the organizations every public page keeps (``catalogue.organizations_by_id``)
        rather than from a join, so the first page after a publication builds 20 light
        objects instead of 20 documents with three tree nodes each."""
        return self.only(
            "title", "document_number", "published_at", "validity", "is_normative",
            "expires_on", "organization_id",
        )  # fmt: skip

    def newest_first(self):
        return self.order_by("-published_at", "-pk")

    # --- normative documents (disclosure.normative_rules) ----------------------------------

    def normative(self):
        return self.filter(is_normative=True)

    def lapsed(self, today: date):
        """Normative documents whose period ended before ``today`` while their stored
        validity leaves it to the dates: they read 失效 although nothing says so in the
        row (they expire automatically, statutory.md §1)."""
        return self.filter(is_normative=True, validity__in=DATE_DECIDES, expires_on__lt=today)

    def with_validity(self, validity: str, today: date):
        """Documents whose 有效性 on ``today`` is ``validity`` (``Document.validity_on`` as
        a date condition in SQL)."""
        dated = Q(is_normative=True, validity__in=DATE_DECIDES)
        if validity == EXPIRED:
            return self.filter(Q(validity=EXPIRED) | (dated & Q(expires_on__lt=today)))
        if validity == VALID:
            return self.filter((Q(validity=VALID) & ~dated) | (dated & ~Q(expires_on__lt=today)))
        return self.filter(validity=validity)

    def annotate_validity(self, today: date, name: str = "current_validity"):
        """Each row's 有效性 on ``today`` as the column ``name`` (for grouped counts)."""
        dated = Q(is_normative=True, validity__in=DATE_DECIDES)
        return self.annotate(
            **{
                name: Case(
                    When(dated & Q(expires_on__lt=today), then=Value(EXPIRED)),
                    When(dated, then=Value(VALID)),
                    default=F("validity"),
                )
            }
        )

    def expiring(self, today: date, until: date):
        """Valid normative documents whose period ends between ``today`` and ``until``:
        due for evaluation before they expire (statutory.md §1: 6 months ahead)."""
        return self.filter(
            is_normative=True, validity__in=DATE_DECIDES, expires_on__range=(today, until)
        )

    def normative_library(self, now=None):
        """The public 规范性文件库: published normative documents with what a row shows,
        newest first."""
        return (
            self.published(now)
            .normative()
            .select_related("organization")
            .defer("body", "summary", "keywords")
            .order_by("-published_at", "-pk")
        )
