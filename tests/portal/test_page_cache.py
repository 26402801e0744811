"""Public pages are cached until anything the public sees changes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from disclosure.models import ColumnPage, Document
from disclosure.services import document_create
from portal import publication, workflow
from portal.models import PublicationState, SearchEntry
from tests.disclosure.factories import DocumentFactory

pytestmark = pytest.mark.django_db
CATALOGUE = reverse("disclosure:document-list")


def test_a_repeated_anonymous_request_costs_at_most_one_query(client, django_assert_num_queries):
    DocumentFactory(published=True)
    assert client.get(CATALOGUE).page_cache == "miss"
    with django_assert_num_queries(0):  # the counter was read less than a second ago
        response = client.get(CATALOGUE)
    assert response.page_cache == "hit" and response.status_code == 200
    publication.reset_process_caches()  # a second later
    with django_assert_num_queries(1):
        assert client.get(CATALOGUE).page_cache == "hit"


def test_publishing_makes_the_new_document_visible_at_once(agency, client):
    client.get(CATALOGUE)
    document = document_create(
        document=DocumentFactory.build(organization=agency.bureau, title="刚发布的通知"),
        by=agency.clerk,
        needs_interpretation=False,
    )
    workflow.perform(document, step="submit", by=agency.clerk)
    workflow.perform(document, step="approve", by=agency.reviewer, note="同意")
    assert "刚发布的通知" not in client.get(CATALOGUE).content.decode()
    workflow.perform(document, step="publish", by=agency.publisher)
    assert "刚发布的通知" in client.get(CATALOGUE).content.decode()
    workflow.perform(document, step="withdraw", by=agency.publisher, note="撤回")
    assert "刚发布的通知" not in client.get(CATALOGUE).content.decode()
    assert client.get(document.get_absolute_url()).status_code == 410


def test_a_scheduled_document_appears_when_its_time_comes(agency, client):
    document = document_create(
        document=DocumentFactory.build(organization=agency.bureau, title="定时发布的通知"),
        by=agency.clerk,
        needs_interpretation=False,
    )
    workflow.perform(document, step="submit", by=agency.clerk)
    workflow.perform(document, step="approve", by=agency.reviewer, note="同意")
    at = timezone.now() + timedelta(hours=1)
    workflow.perform(document, step="publish", by=agency.publisher, publish_at=at)
    assert PublicationState.objects.get().next_change_at == at
    assert "定时发布的通知" not in client.get(CATALOGUE).content.decode()
    # An hour passes: the document's time and the counter's next change are now behind us.
    past = timezone.now() - timedelta(seconds=1)
    Document.objects.filter(pk=document.pk).update(published_at=past)
    SearchEntry.objects.filter(object_id=document.pk).update(published_at=past)
    PublicationState.objects.update(next_change_at=past)
    publication.reset_process_caches()  # and more than PAGE_CACHE_VERSION_SECONDS went by
    assert "定时发布的通知" in client.get(CATALOGUE).content.decode()


def test_editing_a_column_refreshes_its_page(client):
    url = reverse("disclosure:column-page", kwargs={"slug": "rules"})
    client.get(url)
    rules = ColumnPage.objects.get(slug="rules")
    rules.body = "<p>新的制度</p>"
    rules.save()
    assert "新的制度" in client.get(url).content.decode()


def test_staff_always_see_fresh_pages(client, admin_user):
    client.force_login(admin_user)
    client.get(CATALOGUE)
    assert not hasattr(client.get(CATALOGUE), "page_cache")


def test_the_counter_moves_when_the_publication_commits_not_before(
    agency, settings, django_capture_on_commit_callbacks
):
    settings.PUBLICATION_BUMP_ON_COMMIT = True
    document = DocumentFactory(organization=agency.bureau, owner_organization=agency.office)
    workflow.perform(document, step="submit", by=agency.clerk)
    workflow.perform(document, step="approve", by=agency.reviewer, note="同意")
    before = PublicationState.objects.get().version
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        workflow.perform(document, step="publish", by=agency.publisher)
        assert PublicationState.objects.get().version == before  # the row is not locked yet
    assert len(callbacks) == 1
    assert PublicationState.objects.get().version == before + 1


def test_a_publication_keeps_the_vocabularies_a_vocabulary_edit_renews_them(agency):
    loads = []
    read = lambda: loads.append(1) or len(loads)  # noqa: E731 - counts its calls
    document = DocumentFactory(organization=agency.bureau, owner_organization=agency.office)
    assert publication.per_vocabulary("test-topics", read) == 1
    version_before = publication.current_version()
    workflow.perform(document, step="submit", by=agency.clerk)
    workflow.perform(document, step="approve", by=agency.reviewer, note="同意")
    workflow.perform(document, step="publish", by=agency.publisher)
    assert publication.current_version() != version_before
    assert publication.per_vocabulary("test-topics", read) == 1  # not read again
    agency.bureau.short_name = "民政局（新简称）"
    agency.bureau.save()  # disclosure.signals: an organization is a vocabulary
    assert publication.per_vocabulary("test-topics", read) == 2


def test_the_catalogue_after_a_publication_reads_no_vocabulary(client, django_assert_num_queries):
    DocumentFactory.create_batch(3, published=True)
    client.get(CATALOGUE)
    publication.bump()
    with django_assert_num_queries(5):  # counter, stored counts, page ids, rows, column
        assert client.get(CATALOGUE).page_cache == "miss"
