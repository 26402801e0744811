"""The public pages: the list with its filters, the detail page, both-way links, feeds,
search and the notices when a document is withdrawn or repealed."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from disclosure.models import Genre
from interpretation.models import Interpretation
from portal import workflow
from tests.disclosure.factories import DocumentFactory
from tests.interpretation.factories import InterpretationFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
LIST = "/interpretations/"


@pytest.fixture
def public_pair(agency):
    document = DocumentFactory(
        organization=agency.office, title="城乡低保办法", document_number="渝民发〔2024〕5号",
        published=True,
    )  # fmt: skip
    interpretation = InterpretationFactory(
        organization=agency.office, title="《城乡低保办法》政策问答", documents=[document],
        published=True, published_at=datetime(2024, 5, 7, 9, 0, tzinfo=SHANGHAI),
    )  # fmt: skip
    return document, interpretation


def test_document_page_links_to_its_interpretation_and_back(client, public_pair):
    document, interpretation = public_pair
    page = client.get(document.get_absolute_url()).content.decode()
    assert "相关解读" in page and interpretation.get_absolute_url() in page
    page = client.get(interpretation.get_absolute_url()).content.decode()
    assert "解读的政策文件" in page
    assert document.get_absolute_url() in page
    assert document.index_number in page and "渝民发〔2024〕5号" in page


def test_a_document_needing_interpretation_says_none_yet(client, agency):
    document = DocumentFactory(
        organization=agency.office, needs_interpretation=True, published=True
    )
    assert "暂无解读" in client.get(document.get_absolute_url()).content.decode()


def test_a_document_needing_none_shows_no_block(client, agency):
    document = DocumentFactory(
        organization=agency.office, genre=Genre.objects.get(name="函"), published=True
    )
    assert "相关解读" not in client.get(document.get_absolute_url()).content.decode()


def test_a_draft_interpretation_is_not_shown(client, agency, public_pair):
    document, _ = public_pair
    draft = InterpretationFactory(
        organization=agency.office, title="草稿解读", documents=[document]
    )
    assert "草稿解读" not in client.get(document.get_absolute_url()).content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "草稿解读" not in client.get(LIST).content.decode()


def test_withdrawing_the_document_shows_a_notice_on_the_interpretation(client, agency, public_pair):
    document, interpretation = public_pair
    workflow.perform(document, step="withdraw", by=agency.publisher, note="内容调整")
    page = client.get(interpretation.get_absolute_url()).content.decode()
    assert "已撤回" in page
    assert document.get_absolute_url() not in page  # no link to a page that answers 410


def test_a_repealed_document_shows_a_notice_on_the_interpretation(client, agency, public_pair):
    document, interpretation = public_pair
    type(document).objects.filter(pk=document.pk).update(validity="废止")
    page = client.get(interpretation.get_absolute_url()).content.decode()
    assert "已废止" in page


def test_a_withdrawn_interpretation_is_gone(client, agency, public_pair):
    _, interpretation = public_pair
    workflow.perform(interpretation, step="withdraw", by=agency.publisher, note="有误")
    assert client.get(interpretation.get_absolute_url()).status_code == 410


def test_the_detail_page_carries_the_government_meta_tags(client, public_pair):
    _, interpretation = public_pair
    page = client.get(interpretation.get_absolute_url()).content.decode()
    assert '<meta name="ArticleTitle" content="《城乡低保办法》政策问答">' in page
    assert '<meta name="PubDate" content="2024-05-07 09:00">' in page
    assert 'aria-label="当前位置"' in page


def test_list_is_newest_first_twenty_a_page(client, agency, public_pair):
    document, _ = public_pair
    for n in range(22):
        InterpretationFactory(
            organization=agency.office, title=f"解读{n:02d}", documents=[document], published=True,
            published_at=datetime(2025, 1, 1 + n, 9, 0, tzinfo=SHANGHAI),
        )  # fmt: skip
    first = client.get(LIST).content.decode()
    assert first.index("解读21") < first.index("解读20")
    assert first.count('class="document-row"') == 20
    second = client.get(LIST, {"page": 2}).content.decode()
    assert second.count('class="document-row"') == 3


def test_list_filters_by_kind_organization_and_year(client, agency, public_pair):
    document, _ = public_pair
    InterpretationFactory(
        organization=agency.publicity, title="图解低保", kind=Interpretation.Kind.GRAPHIC,
        documents=[document], published=True, published_at=datetime(2025, 3, 1, tzinfo=SHANGHAI),
    )  # fmt: skip
    assert "图解低保" not in client.get(LIST, {"kind": "qa"}).content.decode()
    assert "图解低保" in client.get(LIST, {"kind": "graphic"}).content.decode()
    by_year = client.get(LIST, {"year": 2024}).content.decode()
    assert "政策问答" in by_year and "图解低保" not in by_year
    by_office = client.get(LIST, {"organization": agency.publicity.pk}).content.decode()
    assert "图解低保" in by_office and "《城乡低保办法》政策问答" not in by_office


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(kind=st.text(max_size=30), organization=st.text(max_size=30), year=st.text(max_size=30),
       page=st.text(max_size=10))  # fmt: skip
def test_bad_filter_values_never_fail(client, agency, kind, organization, year, page):
    response = client.get(
        LIST, {"kind": kind, "organization": organization, "year": year, "page": page}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query", ["kind=%00", "year=99999999999999999999", "organization=-1", "year=２０２４"]
)
def test_bad_filter_cases(client, agency, query):
    assert client.get(f"{LIST}?{query}").status_code == 200


def query_count(client, url) -> int:
    """Queries of one uncached request, after a first one has read the publication
    counter (which a request reads only when it moved)."""
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_runs_a_constant_number_of_queries(client, agency, public_pair):
    document, _ = public_pair
    few = query_count(client, LIST)
    for n in range(15):
        InterpretationFactory(
            organization=agency.publicity if n % 2 else agency.office, documents=[document],
            kind=Interpretation.Kind.values[n % 9], published=True,
            published_at=datetime(2020 + n % 5, 2, 1, tzinfo=SHANGHAI),
        )  # fmt: skip
    assert query_count(client, LIST) == few == 6  # the page, its count, three facets, organizations


def test_detail_runs_a_constant_number_of_queries(client, agency):
    documents = [DocumentFactory(organization=agency.office, published=True) for _ in range(4)]
    one = InterpretationFactory(organization=agency.office, documents=documents[:1], published=True)
    four = InterpretationFactory(organization=agency.office, documents=documents, published=True)
    assert query_count(client, one.get_absolute_url()) == query_count(
        client, four.get_absolute_url()
    )


def test_feeds(client, public_pair):
    rss = client.get("/feeds/interpretations/")
    atom = client.get("/feeds/interpretations/atom/")
    assert rss.status_code == atom.status_code == 200
    assert "《城乡低保办法》政策问答" in rss.content.decode()
    assert "<feed" in atom.content.decode()


def test_interpretations_are_their_own_search_kind(client, public_pair):
    page = client.get(reverse("search"), {"q": "低保", "kind": "interpretation"}).content.decode()
    assert "《城乡<mark>低保</mark>办法》政策问答" in page
    assert page.count('class="search-result"') == 1  # the document itself is another kind
    assert '<span class="search-result__kind">政策解读</span>' in page
    assert "内容类型：政策解读" in page  # the active filter by its label


def test_the_sitemap_lists_interpretations(client, public_pair):
    _, interpretation = public_pair
    assert (
        interpretation.get_absolute_url()
        in client.get("/sitemap-interpretations.xml").content.decode()
    )


def test_home_and_catalogue_lead_to_interpretations(client, public_pair):
    assert 'href="/interpretations/"' in client.get("/").content.decode()
    assert 'href="/interpretations/"' in client.get("/disclosure/").content.decode()


def test_an_expired_normative_document_shows_a_notice_on_the_interpretation(
    client, agency, public_pair
):
    """A normative document's validity comes from its lifecycle (computed, no cron)."""
    document, interpretation = public_pair
    type(document).objects.filter(pk=document.pk).update(
        is_normative=True, expires_on=date(2020, 1, 1), validity="有效"
    )
    page = client.get(interpretation.get_absolute_url()).content.decode()
    assert "已失效" in page


def test_a_draft_or_scheduled_document_never_shows_on_the_public_page(client, agency, public_pair):
    """Review finding: only public documents (and those withdrawn after being public)
    are named on an interpretation's page."""
    _, interpretation = public_pair
    draft = DocumentFactory(organization=agency.office, title="尚未审核的草稿文件")
    Interpretation.documents.through.objects.create(interpretation=interpretation, document=draft)
    page = client.get(interpretation.get_absolute_url()).content.decode()
    assert "尚未审核的草稿文件" not in page


@pytest.mark.parametrize("year", ["0", "999999999", "10000", "1"])
def test_years_a_date_cannot_hold_are_ignored(client, agency, public_pair, year):
    response = client.get(LIST, {"year": year})
    assert response.status_code == 200
    assert "《城乡低保办法》政策问答" in response.content.decode()
