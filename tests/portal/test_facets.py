"""portal.search.facets without a database: parsing, counting from rows, links."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.http import QueryDict

from portal.search.facets import ChoiceFacet, FacetedSearch, ModelFacet, TreeFacet, YearFacet

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Node:
    pk: int
    name: str
    parent_id: int | None = None

    def __str__(self):
        return self.name


TOPICS = [Node(1, "民政"), Node(2, "社会福利", 1), Node(3, "社团管理", 1), Node(4, "教育")]


def search(query: str) -> FacetedSearch:
    return FacetedSearch(
        [
            TreeFacet("category", "主题分类", "category", TOPICS),
            ModelFacet("genre", "体裁分类", "genre", [Node(10, "通知"), Node(11, "意见")]),
            YearFacet("year", "发布年份", "published_at"),
            ChoiceFacet("validity", "有效性", "validity", [("有效", "有效"), ("废止", "废止")]),
        ],
        QueryDict(query),
        base_url="/disclosure/",
    )


def row(category, genre, year, validity="有效"):
    published = datetime(year, 6, 1, 10, tzinfo=SHANGHAI)
    return {
        "category_id": category,
        "genre_id": genre,
        "published_at": published,
        "validity": validity,
    }


ROWS = [row(2, 10, 2019), row(2, 11, 2020), row(3, 10, 2019, "废止"), row(4, 10, 2021)]


def test_meaningless_values_are_dropped_as_if_absent():
    facets = search("category=abc&genre=999&year=1800&validity=x&page=2")
    assert all(value is None for value in facets.selected.values())
    assert facets.url_with() == "/disclosure/"


def test_a_tree_node_counts_its_descendants_and_selecting_it_includes_them():
    groups = dict((f.param, options) for f, options in search("").groups_from_rows(ROWS))
    civil = groups["category"][0]
    assert (civil.label, civil.count) == ("民政", 3)
    assert [(c.label, c.count) for c in civil.children] == [("社会福利", 2), ("社团管理", 1)]
    facets = search("category=1")
    assert facets.facet("category").accepts(2, facets.selected["category"])


def test_each_facet_counts_under_the_other_filters_only():
    groups = dict((f.param, options) for f, options in search("year=2019").groups_from_rows(ROWS))
    years = {o.label: o.count for o in groups["year"]}
    assert years == {"2021年": 1, "2020年": 1, "2019年": 2}  # its own filter not applied
    genres = {o.label: o.count for o in groups["genre"]}
    assert genres == {"通知": 2}  # 2019 only


def test_links_toggle_a_value_and_go_back_to_page_one():
    facets = search("year=2019&page=3&q=低保")
    groups = dict((f.param, options) for f, options in facets.groups_from_rows(ROWS))
    selected = next(o for o in groups["year"] if o.selected)
    assert selected.url == "/disclosure/?q=%E4%BD%8E%E4%BF%9D"
    other = next(o for o in groups["validity"] if o.value == "废止")
    assert "validity=%E5%BA%9F%E6%AD%A2" in other.url and "page" not in other.url


def test_active_filters_have_labels_and_remove_links():
    active = search("category=2&validity=有效").active()
    assert [(a["label"], a["value"]) for a in active] == [
        ("主题分类", "社会福利"),
        ("有效性", "有效"),
    ]
    assert active[0]["remove_url"] == "/disclosure/?validity=%E6%9C%89%E6%95%88"
