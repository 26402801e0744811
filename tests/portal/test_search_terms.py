"""Popular searches are tallied per process and written in batches, off the request."""

from datetime import date

import pytest
from django.urls import reverse

from portal.models import SearchTerm
from portal.search import terms
from tests.disclosure.factories import DocumentFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 30)


def test_searches_are_tallied_and_written_in_one_statement(django_assert_num_queries):
    for query in ["低保"] * 3 + ["救助", "养老"]:
        terms.record_search_term(query, today=TODAY)
    assert not SearchTerm.objects.exists()
    with django_assert_num_queries(1):
        assert terms.flush_search_terms() == 3
    assert dict(SearchTerm.objects.values_list("query", "count")) == {
        "低保": 3,
        "救助": 1,
        "养老": 1,
    }
    terms.record_search_term("低保", today=TODAY)
    terms.flush_search_terms()
    assert SearchTerm.objects.get(query="低保").count == 4


def test_a_search_request_never_writes_before_the_flush_interval(client, settings):
    settings.SEARCH_TERMS_FLUSH_SECONDS = 3600
    terms.flush_search_terms()  # the interval starts now
    DocumentFactory(title="低保通知", published=True)
    for _ in range(3):
        assert client.get(reverse("search"), {"q": "低保"}).status_code == 200
    assert not SearchTerm.objects.exists()
    settings.SEARCH_TERMS_FLUSH_SECONDS = 0
    client.get(reverse("search"), {"q": "低保"})  # the next request after it is due
    assert SearchTerm.objects.get(query="低保").count == 4


@pytest.mark.parametrize("query", ["500101199001011234", "张三 138 0013 8000", "a" * 30, "!!"])
def test_what_might_be_personal_data_is_never_tallied(query):
    terms.record_search_term(query, today=TODAY)
    assert terms.flush_search_terms() == 0
