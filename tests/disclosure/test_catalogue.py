from datetime import date

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from disclosure.models import Genre, TopicCategory
from tests.disclosure.factories import DocumentFactory
from tests.portal.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
URL = reverse("disclosure:document-list")


def get(**params):
    return Client().get(URL, params)


def titles(response):
    return [document.title for document in response.context["page_obj"].object_list]


def test_only_published_documents_are_listed():
    DocumentFactory(title="已发布的通知", published=True)
    DocumentFactory(title="草稿通知")
    response = get()
    assert titles(response) == ["已发布的通知"]
    assert "草稿通知" not in response.content.decode()


def test_newest_first_twenty_a_page():
    for day in range(1, 26):
        DocumentFactory(title=f"第{day:02d}号", written_on=date(2024, 3, day), published=True)
    first_page = get()
    assert len(titles(first_page)) == 20
    assert titles(first_page)[0] == "第25号"
    assert titles(first_page)[-1] == "第06号"
    assert titles(get(page="2")) == [f"第{day:02d}号" for day in range(5, 0, -1)]


def test_a_topic_filter_includes_its_sub_topics():
    welfare = TopicCategory.objects.get(name="社会福利")
    civil_affairs = welfare.parent
    DocumentFactory(title="福利", category=welfare, published=True)
    DocumentFactory(title="扶贫", category=TopicCategory.objects.get(name="扶贫"), published=True)
    DocumentFactory(title="教育", category=TopicCategory.objects.get(name="教育"), published=True)
    assert sorted(titles(get(category=civil_affairs.pk))) == ["扶贫", "福利"]
    assert titles(get(category=welfare.pk)) == ["福利"]


def test_category_counts_roll_up_the_tree():
    welfare = TopicCategory.objects.get(name="社会福利")
    DocumentFactory.create_batch(2, category=welfare, published=True)
    DocumentFactory(category=TopicCategory.objects.get(name="扶贫"), published=True)
    DocumentFactory(category=welfare)  # a draft is not counted
    facet, options = get().context["facet_groups"][0]
    assert facet.param == "category"
    civil_affairs = next(option for option in options if option.label == "民政、扶贫、救灾")
    assert civil_affairs.count == 3
    assert {child.label: child.count for child in civil_affairs.children}["社会福利"] == 2


def test_the_genre_filter():
    DocumentFactory(title="通知", published=True)
    DocumentFactory(title="意见", genre=Genre.objects.get(name="意见"), published=True)
    assert titles(get(genre=Genre.objects.get(name="意见").pk)) == ["意见"]


def test_an_organization_filter_includes_its_departments():
    bureau = OrganizationFactory()
    office = OrganizationFactory(parent=bureau, credit_code="")
    DocumentFactory(title="局发", organization=bureau, published=True)
    DocumentFactory(title="办公室发", organization=office, published=True)
    DocumentFactory(title="别的机关", published=True)
    assert sorted(titles(get(org=bureau.pk))) == ["办公室发", "局发"]
    assert titles(get(org=office.pk)) == ["办公室发"]


def test_the_year_filter_uses_the_publish_year():
    DocumentFactory(title="2019年", written_on=date(2019, 7, 19), published=True)
    DocumentFactory(title="2024年", written_on=date(2024, 1, 5), published=True)
    assert titles(get(year="2019")) == ["2019年"]


def test_the_validity_filter():
    DocumentFactory(title="有效", validity="有效", published=True)
    DocumentFactory(title="废止", validity="废止", published=True)
    assert titles(get(validity="废止")) == ["废止"]


def test_filters_combine_and_counts_follow_the_other_filters():
    DocumentFactory(title="甲", validity="有效", written_on=date(2023, 1, 3), published=True)
    DocumentFactory(title="乙", validity="有效", written_on=date(2024, 1, 3), published=True)
    DocumentFactory(title="丙", validity="废止", written_on=date(2024, 1, 3), published=True)
    response = get(validity="有效", year="2024")
    assert titles(response) == ["乙"]
    groups = {facet.param: options for facet, options in response.context["facet_groups"]}
    assert {option.value: option.count for option in groups["year"]} == {"2024": 1, "2023": 1}
    assert {option.value: option.count for option in groups["validity"]} == {"有效": 1, "废止": 1}


def test_filters_are_in_the_url_and_can_be_removed_one_by_one():
    DocumentFactory(validity="有效", written_on=date(2024, 1, 3), published=True)
    response = get(validity="有效", year="2024")
    active = {f["label"]: f["remove_url"] for f in response.context["active_filters"]}
    assert active["有效性"] == f"{URL}?year=2024"
    assert active["发布年份"] == f"{URL}?validity=%E6%9C%89%E6%95%88"


@pytest.mark.parametrize(
    "params",
    [
        {"year": "abc"},
        {"year": "99999999999999999999999"},
        {"page": "-1"},
        {"page": "abc"},
        {"page": "99999"},
        {"category": "999999"},
        {"category": "1 OR 1=1"},
        {"genre": "-5"},
        {"org": "０１"},
        {"validity": "<script>"},
        {"category": "9" * 10_000},
        {"year": "2019" * 2_500, "page": "1" * 5_000},
    ],
)
def test_nonsense_filter_values_give_a_normal_page(params):
    DocumentFactory(published=True)
    response = get(**params)
    assert response.status_code == 200
    assert len(titles(response)) == 1


def test_an_empty_category_shows_its_explanatory_note():
    education = TopicCategory.objects.get(name="教育")
    education.empty_note = "本机关不承担教育职能，本栏目无信息。"
    education.save()
    response = get(category=education.pk)
    assert "本机关不承担教育职能" in response.content.decode()


def test_an_empty_catalogue_shows_the_editable_default_note():
    from disclosure.models import ColumnPage

    ColumnPage.objects.filter(slug="catalogue").update(empty_note="暂无信息，敬请关注。")
    assert "暂无信息，敬请关注。" in get().content.decode()


def test_publish_times_show_as_date_hours_and_minutes():
    DocumentFactory(written_on=date(2024, 3, 5), published=True)  # 10:30 Shanghai
    assert "2024-03-05 10:30" in get().content.decode()


# The first request after a publication also reads the publication counter and the
# vocabularies (topic tree, genres, organizations); later ones in the same version don't.
# The unfiltered catalogue reads its facet counts from the kept counts (one query; one
# more only while something is scheduled) instead of grouping every entry five times.
AFTER_PUBLICATION, STEADY = 8, 9
UNFILTERED_STEADY = 4


def test_the_catalogue_query_count_does_not_grow_with_documents(django_assert_num_queries):
    DocumentFactory.create_batch(3, published=True)
    with django_assert_num_queries(AFTER_PUBLICATION):
        get()
    welfare = TopicCategory.objects.get(name="社会福利")
    with django_assert_num_queries(STEADY):
        get(category=welfare.pk, year="2024")
    DocumentFactory.create_batch(30, published=True)
    with django_assert_num_queries(AFTER_PUBLICATION):
        get()
    with django_assert_num_queries(STEADY):
        get(category=welfare.pk, year="2024")


def test_the_page_size_does_not_change_the_query_count(settings, django_assert_num_queries):
    DocumentFactory.create_batch(40, published=True)
    settings.CATALOGUE_PAGE_SIZE = 5
    with django_assert_num_queries(AFTER_PUBLICATION):
        get()
    settings.CATALOGUE_PAGE_SIZE = 40
    cache.clear()  # a settings change is no publication: cached pages would not notice it
    with django_assert_num_queries(UNFILTERED_STEADY):
        get()


def test_a_filter_combination_without_results_says_so_instead_of_calling_the_column_empty():
    DocumentFactory(written_on=date(2024, 1, 3), published=True)
    html = get(year="2019").content.decode()
    assert "没有符合所选条件的信息" in html


def test_pagination_offers_page_numbers():
    DocumentFactory.create_batch(45, published=True)
    html = get(page="2").content.decode()
    assert 'aria-label="第 3 页"' in html and 'aria-label="第 1 页"' in html
    assert 'class="current"' in html
