"""The catalogue's facets, built from the vocabularies (read once per publication
version); the search page offers the same ones (registered in ``DisclosureConfig``)."""

from django.urls import reverse

from disclosure.models import Document, Genre, TopicCategory
from portal.models import Organization
from portal.publication import per_version
from portal.search.facets import (
    ChoiceFacet,
    Facet,
    FacetedSearch,
    ModelFacet,
    TreeFacet,
    YearFacet,
)


def topic_facet() -> TreeFacet:
    topics = per_version("topics", lambda: list(TopicCategory.objects.all()))
    return TreeFacet("category", "主题分类", "category", topics)


def genre_facet() -> ModelFacet:
    genres = per_version("genres", lambda: list(Genre.objects.all()))
    return ModelFacet("genre", "体裁分类", "genre", genres)


def organization_facet() -> TreeFacet:
    organizations = per_version("organizations", lambda: list(Organization.objects.all()))
    return TreeFacet(
        "org", "发布机构", "organization", organizations, node_label=lambda o: o.display_name
    )


def year_facet() -> YearFacet:
    return YearFacet("year", "发布年份", "published_at")


def validity_facet() -> ChoiceFacet:
    return ChoiceFacet("validity", "有效性", "validity", Document.Validity.choices)


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
