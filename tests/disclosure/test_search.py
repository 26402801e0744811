"""Chinese full-text search: recall, script folding, lookups, ranking, facets, index upkeep."""

from datetime import date

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from disclosure.models import Genre, TopicCategory
from disclosure.services import document_create
from portal import publication, workflow
from portal.models import SearchEntry
from tests.disclosure.factories import DocumentFactory

pytestmark = pytest.mark.django_db
URL = reverse("search")


def search(**params):
    cache.clear()  # these tests are about search itself; tests/portal/test_page_cache.py covers caching
    return Client().get(URL, params)


def titles(response):
    page = response.context["search"].page_obj
    return [entry.title for entry in page.object_list] if page else []


@pytest.mark.parametrize(
    "query, text",
    [
        ("婚姻", "市婚姻登记管理中心调整办公时间"),
        ("低保", "进一步做好城乡低保工作"),
        ("政务公开", "2019年政务公开工作方案"),
    ],
)
def test_a_word_is_found_inside_a_longer_word(query, text):
    DocumentFactory(title=text, published=True)
    DocumentFactory(title="无关的通知", body="<p>与此无关。</p>", published=True)
    assert titles(search(q=query)) == [text]


def test_the_body_summary_and_attachment_text_are_searched():
    from django.core.files.uploadedfile import SimpleUploadedFile

    DocumentFactory(title="甲", body="<p>特困人员救助供养</p>", published=True)
    with_attachment = DocumentFactory(title="乙", published=True)
    from disclosure.models import Attachment
    from portal.search import index_item

    attachment = Attachment.objects.create(
        document=with_attachment, is_live=True, file=SimpleUploadedFile("a.pdf", b"%PDF-1.4")
    )
    Attachment.objects.filter(pk=attachment.pk).update(
        text="临时救助标准附表"
    )  # as extracted from a real PDF

    index_item(with_attachment)
    assert titles(search(q="救助供养")) == ["甲"]
    assert titles(search(q="临时救助")) == ["乙"]


def test_traditional_script_finds_simplified_documents_and_the_reverse():
    DocumentFactory(title="关于加强养老服务的意见", published=True)
    DocumentFactory(title="民政部政務公開工作要點", published=True)
    assert titles(search(q="養老服務")) == ["关于加强养老服务的意见"]
    assert titles(search(q="政务公开")) == ["民政部政務公開工作要點"]


@pytest.mark.parametrize(
    "typed",
    [
        "渝民办〔2019〕97号",
        "渝民办[2019]97号",
        "渝民办(2019)97号",
        "渝民办（2019）97号",
        "渝民办﹝2019﹞97号",
        "渝民办［2019］97号",
        " 渝民办 〔2019〕 97号 ",
    ],
)
def test_a_document_number_in_any_bracket_style_goes_straight_to_the_document(typed):
    document = DocumentFactory(document_number="渝民办〔2019〕97号", published=True)
    response = search(q=typed)
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()


def test_an_index_number_goes_straight_to_the_document():
    document = DocumentFactory(index_number="115000000092759914/2019-01946", published=True)
    response = search(q="115000000092759914/2019-01946")
    assert response["Location"] == document.get_absolute_url()


def test_a_draft_is_never_found_even_by_its_number():
    DocumentFactory(title="草稿中的低保通知", document_number="渝民发〔2026〕1号")
    assert titles(search(q="低保")) == []
    assert search(q="渝民发〔2026〕1号").status_code == 200


def test_title_matches_come_first_then_relevance_then_newer():
    DocumentFactory(
        title="一般通知", body="<p>提到低保一次</p>", written_on=date(2025, 1, 1), published=True
    )
    DocumentFactory(title="关于低保的旧通知", written_on=date(2020, 1, 1), published=True)
    DocumentFactory(title="关于低保的新通知", written_on=date(2024, 1, 1), published=True)
    assert titles(search(q="低保")) == ["关于低保的新通知", "关于低保的旧通知", "一般通知"]
    assert titles(search(q="低保", sort="newest")) == [
        "一般通知",
        "关于低保的新通知",
        "关于低保的旧通知",
    ]


def test_matches_are_highlighted_in_title_and_snippet():
    DocumentFactory(
        title="城乡低保<b>标准</b>", body="<p>本市城乡低保标准提高。</p>", published=True
    )
    html = search(q="低保").content.decode()
    assert "城乡<mark>低保</mark>&lt;b&gt;标准" in html
    assert "本市城乡<mark>低保</mark>标准提高" in html


def test_facet_counts_match_hand_counts_and_combine_with_the_query():
    welfare = TopicCategory.objects.get(name="社会福利")
    poverty = TopicCategory.objects.get(name="扶贫")
    opinion = Genre.objects.get(name="意见")
    DocumentFactory.create_batch(3, title="低保通知", category=welfare, published=True)
    DocumentFactory.create_batch(
        2, title="低保意见", category=poverty, genre=opinion, published=True
    )
    DocumentFactory(title="养老通知", category=welfare, published=True)
    response = search(q="低保")
    groups = {facet.param: options for facet, options in response.context["search"].facet_groups}
    civil = next(o for o in groups["category"] if o.label == "民政、扶贫、救灾")
    assert civil.count == 5
    assert {o.label: o.count for o in civil.children} == {"社会福利": 3, "扶贫": 2}
    assert {o.label: o.count for o in groups["genre"]} == {"通知": 3, "意见": 2}
    narrowed = search(q="低保", genre=opinion.pk)
    assert titles(narrowed) == ["低保意见", "低保意见"]
    assert response.context["search"].total == 5


def test_publishing_and_withdrawing_update_the_index_at_once(agency):
    document = document_create(
        document=DocumentFactory.build(organization=agency.bureau, title="临时救助通知"),
        by=agency.clerk,
        needs_interpretation=False,
    )
    workflow.perform(document, step="submit", by=agency.clerk)
    workflow.perform(document, step="approve", by=agency.reviewer, note="同意")
    assert titles(search(q="临时救助")) == []
    workflow.perform(document, step="publish", by=agency.publisher)
    assert titles(search(q="临时救助")) == ["临时救助通知"]
    editing = workflow.working_version(document)
    editing.title = "临时救助通知（修订）"
    workflow.item_save(editing, by=agency.clerk)
    assert titles(search(q="临时救助")) == ["临时救助通知"]  # the edit is not public yet
    workflow.perform(document, step="withdraw", by=agency.publisher, note="撤回")
    assert titles(search(q="临时救助")) == []
    assert not SearchEntry.objects.filter(object_id=document.pk).exists()


@pytest.mark.parametrize(
    "query",
    [
        "& | ! : * ( ) '",
        '"低保"',
        "低保\x00",
        "低保 " * 5000,
        "😀😀",
        "𠀀𠀁",
        "'); DROP TABLE x; --",
        "a:*",
        "!!!",
        "   ",
    ],
)
def test_hostile_queries_never_raise(query):
    DocumentFactory(title="低保通知", published=True)
    response = search(q=query)
    assert response.status_code == 200


def test_an_overly_long_query_is_cut_and_said_so():
    DocumentFactory(title="低保通知", published=True)
    html = search(q="低保" * 3000).content.decode()
    assert "检索词过长" in html


def test_empty_and_fruitless_searches_offer_help_and_popular_searches():
    from datetime import timedelta

    from django.utils import timezone

    from portal.models import SearchTerm

    DocumentFactory(title="低保通知", published=True)
    search(q="低保")
    assert SearchTerm.objects.get(query="低保").count == 1
    assert ">低保<" not in search(q="").content.decode()  # one search is no trend
    today = timezone.localdate()
    SearchTerm.objects.filter(query="低保").update(count=3)
    SearchTerm.objects.create(day=today - timedelta(days=3), query="低保", count=4)
    empty = search(q="").content.decode()
    assert "请输入要查找的内容" in empty and "近 30 天热门检索" in empty and ">低保<" in empty
    none = search(
        q="火星基地", category=TopicCategory.objects.get(name="社会福利").pk
    ).content.decode()
    assert "没有找到" in none and "去掉筛选条件" in none


def test_personal_data_is_never_kept_as_popular_searches():
    from portal.models import SearchTerm

    DocumentFactory(title="张三 500101199001011234 138 0013 8000", published=True)
    DocumentFactory(title="公示", body="<p>李四同志任职公示</p>", published=True)
    search(q="500101199001011234")
    search(q="张三 500101199001011234")
    search(q="张三 138 0013 8000")  # spaced digits count too
    search(q="李四")  # found only in a body: names are not subject words
    assert not SearchTerm.objects.exists()


def test_the_search_page_query_count_does_not_grow(django_assert_num_queries):
    DocumentFactory.create_batch(3, title="低保通知", published=True)
    # publication counter 1, vocabularies 3, lexeme statistics 1, newest matches with
    # facet columns 1, the ranked head 1, the page's entries 1, snippet texts 1, popular
    # terms written 1
    with django_assert_num_queries(9):
        search(q="低保")
    DocumentFactory.create_batch(30, title="低保通知", published=True)
    publication.reset_process_caches()  # the statistics too (they are kept for minutes)
    with django_assert_num_queries(9):
        search(q="低保")
    # In the same version the counter and the vocabularies are not read again; a filter
    # adds the filtered newest matches.
    with django_assert_num_queries(5):
        search(q="低保", year="2024")


def test_beyond_the_counting_cap_the_total_is_an_honest_estimate(monkeypatch):
    from portal.search import query as search_module

    monkeypatch.setattr(search_module, "COUNT_CAP", 5)
    DocumentFactory.create_batch(8, title="低保通知", published=True)
    outcome = search(q="低保").context["search"]
    assert outcome.total_is_estimate and outcome.facets_sampled
    assert outcome.total_label.startswith("约") and "条" in outcome.total_label
    # Counting stops at the cap; listing does not: every match is on the page.
    assert len(outcome.page_obj.object_list) == 8


def test_the_text_of_a_word_attachment_is_searched(agency):
    import io

    import docx
    from django.core.files.uploadedfile import SimpleUploadedFile

    from disclosure.models import Attachment

    buffer = io.BytesIO()
    word = docx.Document()
    word.add_paragraph("附件：最低生活保障金发放明细")
    word.save(buffer)
    document = DocumentFactory(
        title="附件测试", organization=agency.bureau, owner_organization=agency.office
    )
    Attachment.objects.create(
        document=document, file=SimpleUploadedFile("明细.docx", buffer.getvalue())
    )
    workflow.item_save(document, by=agency.clerk)
    workflow.perform(document, step="submit", by=agency.clerk)
    workflow.perform(document, step="approve", by=agency.reviewer, note="同意")
    workflow.perform(document, step="publish", by=agency.publisher)
    assert titles(search(q="保障金")) == ["附件测试"]


@pytest.mark.parametrize(
    "query, expected",
    [("税", "关于个人所得税的通知"), ("年", "2019年工作要点"), ("2019年", "2019年工作要点")],
)
def test_a_single_character_is_found_wherever_it_stands(query, expected):
    DocumentFactory(title="关于个人所得税的通知", published=True)
    DocumentFactory(title="2019年工作要点", published=True)
    assert expected in titles(search(q=query))


def test_punctuation_separates_words_for_matching_and_highlighting():
    DocumentFactory(title="低保和养老", published=True)
    html = search(q="低保，养老").content.decode()
    assert "<mark>低保</mark>和<mark>养老</mark>" in html


def test_a_scheduled_document_stays_out_of_search_feeds_and_sitemap_until_its_time(agency, client):
    from datetime import timedelta

    from django.utils import timezone

    document = document_create(
        document=DocumentFactory.build(
            organization=agency.bureau,
            title="定时发布的救助通知",
            document_number="渝民发〔2030〕1号",
        ),
        by=agency.clerk,
        needs_interpretation=False,
    )
    workflow.perform(document, step="submit", by=agency.clerk)
    workflow.perform(document, step="approve", by=agency.reviewer, note="同意")
    workflow.perform(
        document,
        step="publish",
        by=agency.publisher,
        publish_at=timezone.now() + timedelta(hours=1),
    )
    assert titles(search(q="救助通知")) == []
    assert search(q="渝民发〔2030〕1号").status_code == 200  # no redirect to a page not yet public
    assert (
        "定时发布的救助通知"
        not in client.get(reverse("disclosure:feed-documents")).content.decode()
    )
    assert document.get_absolute_url() not in client.get("/sitemap-documents.xml").content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"page": "-1"},
        {"page": "abc"},
        {"page": "9" * 50},
        {"sort": "<x>"},
        {"category": "x"},
        {"year": "99999"},
        {"kind": "nope"},
        {"org": "1" * 30},
    ],
)
def test_odd_paging_sorting_and_filter_values_never_raise(params):
    DocumentFactory(title="低保通知", published=True)
    response = search(q="低保", **params)
    assert response.status_code == 200 and titles(response) == ["低保通知"]


def test_index_entries_link_to_the_public_page():
    from portal.models import SearchEntry

    document = DocumentFactory(published=True)
    assert SearchEntry.objects.get(object_id=document.pk).url == document.get_absolute_url()
