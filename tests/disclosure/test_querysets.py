"""disclosure.querysets (and the PublishableQuerySet it extends): what the public sees."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from disclosure.models import Document
from tests.disclosure.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def test_published_means_live_and_due():
    live = DocumentFactory(published=True)
    DocumentFactory()  # a draft
    scheduled = DocumentFactory(published=True)
    Document.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() + timedelta(days=1))
    assert list(Document.objects.published()) == [live]
    later = timezone.now() + timedelta(days=2)
    assert set(Document.objects.published(later)) == {live, scheduled}


def test_newest_first_breaks_ties_by_id():
    first = DocumentFactory(written_on=date(2024, 1, 1), published=True)
    second = DocumentFactory(written_on=date(2024, 1, 1), published=True)
    newer = DocumentFactory(written_on=date(2025, 1, 1), published=True)
    assert list(Document.objects.published().newest_first()) == [newer, second, first]


def test_a_listing_joins_what_a_row_shows_and_leaves_the_body(django_assert_num_queries):
    DocumentFactory.create_batch(3, published=True)
    with django_assert_num_queries(1):
        rows = list(Document.objects.for_listing())
        assert all(row.organization.name and row.category.name and row.genre.name for row in rows)
    assert "body" in rows[0].get_deferred_fields()


def test_in_organizations_filters_by_the_owning_organization(agency):
    mine = DocumentFactory(organization=agency.bureau, owner_organization=agency.office)
    DocumentFactory(organization=agency.elsewhere, owner_organization=agency.elsewhere)
    assert list(Document.objects.in_organizations([agency.office.pk])) == [mine]
