"""The catalogue's facets, built from the vocabularies (read once per request)."""

from django.urls import reverse

from disclosure.facets import ChoiceFacet, FacetedSearch, ModelFacet, TreeFacet, YearFacet
from disclosure.models import Document, Genre, TopicCategory
from portal.models import Organization
from portal.publication import per_version


def catalogue_facets(params, *, base_url: str | None = None, extra=()) -> FacetedSearch:
    """The catalogue's facets; search adds its own (content type) through ``extra``."""
    return FacetedSearch(
        [
            TreeFacet(
                "category",
                "主题分类",
                "category",
                per_version("topics", lambda: list(TopicCategory.objects.all())),
            ),
            ModelFacet(
                "genre",
                "体裁分类",
                "genre",
                per_version("genres", lambda: list(Genre.objects.all())),
            ),
            TreeFacet(
                "org",
                "发布机构",
                "organization",
                per_version("organizations", lambda: list(Organization.objects.all())),
                node_label=lambda organization: organization.display_name,
            ),
            YearFacet("year", "发布年份", "published_at"),
            ChoiceFacet("validity", "有效性", "validity", Document.Validity.choices),
            *extra,
        ],
        params,
        base_url=base_url or reverse("disclosure:document-list"),
    )
