"""The catalogue's facets, built from the vocabularies (read once per publication
version); the search page offers the same ones (registered in ``DisclosureConfig``)."""

from datetime import datetime

from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from disclosure.models import Document, Genre, TopicCategory
from disclosure.normative_rules import EXPIRED, VALID
from disclosure.search_index import DOCUMENTS
from portal.models import Organization, SearchEntry
from portal.publication import per_vocabulary
from portal.search.facets import (
    ChoiceFacet,
    Facet,
    FacetedSearch,
    ModelFacet,
    TreeFacet,
    YearFacet,
)


def topic_facet() -> TreeFacet:
    topics = per_vocabulary("topics", lambda: list(TopicCategory.objects.all()))
    return TreeFacet("category", "主题分类", "category", topics)


def genre_facet() -> ModelFacet:
    genres = per_vocabulary("genres", lambda: list(Genre.objects.all()))
    return ModelFacet("genre", "体裁分类", "genre", genres)


def organizations() -> list[Organization]:
    return per_vocabulary("organizations", lambda: list(Organization.objects.all()))


def organizations_by_id() -> dict[int, Organization]:
    return per_vocabulary("organizations-by-id", lambda: {o.pk: o for o in organizations()})


def organization_facet() -> TreeFacet:
    organizations_ = organizations()
    return TreeFacet(
        "org", "发布机构", "organization", organizations_, node_label=lambda o: o.display_name
    )


def year_facet() -> YearFacet:
    return YearFacet("year", "发布年份", "published_at")


class ValidityFacet(ChoiceFacet):
    """有效性 over the index rows. A normative document is indexed as 有效 and expires by
    itself when its period ends (``disclosure.normative_rules``): the index cannot know
    the date, so the rows of lapsed documents (a subquery on their 有效期至) count and
    filter as 失效 under a date condition, and the stored counts are corrected the same
    way. Today's date is fixed when the facet is built."""

    column = "current_validity"

    def __init__(self, *, now: datetime | None = None):
        super().__init__("validity", "有效性", "validity", Document.Validity.choices)
        self.column = "current_validity"
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)

    def _lapsed(self) -> Q:
        lapsed = Document.objects.lapsed(self.today).values("pk")
        return Q(kind=DOCUMENTS.name, validity=VALID, object_id__in=lapsed)

    def prepare(self, queryset):
        return queryset.annotate(
            current_validity=Case(When(self._lapsed(), then=Value(EXPIRED)), default=F("validity"))
        )

    def apply(self, queryset, selected):
        if selected == EXPIRED:
            return queryset.filter(Q(validity=EXPIRED) | self._lapsed())
        if selected == VALID:
            return queryset.filter(validity=VALID).exclude(self._lapsed())
        return queryset.filter(validity=selected)

    def from_stored(self, stored: dict) -> dict:
        counts = dict(stored)
        if counts.get(VALID):
            public = SearchEntry.objects.filter(published_at__lte=self.now)
            if moved := public.filter(self._lapsed()).count():
                counts[VALID] -= moved
                counts[EXPIRED] = counts.get(EXPIRED, 0) + moved
        return counts


def validity_facet() -> ChoiceFacet:
    return ValidityFacet()


# 主题分类, 体裁分类, 发布机构, 发布年份, 有效性, over the search index's columns.
CATALOGUE_FACETS = {
    "category": topic_facet,
    "genre": genre_facet,
    "org": organization_facet,
    "year": year_facet,
    "validity": validity_facet,
}


def catalogue_facet_list() -> list[Facet]:
    return [factory() for factory in CATALOGUE_FACETS.values()]


def catalogue_facets(params) -> FacetedSearch:
    return FacetedSearch(
        catalogue_facet_list(), params, base_url=reverse("disclosure:document-list")
    )
