"""Facet counts kept in step with the search index through every way content goes public
or leaves, always equal to counting the entries themselves."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from disclosure.models import TopicCategory
from portal import workflow
from portal.models import FacetCount, SearchEntry
from portal.search import counts
from tests.disclosure.factories import DocumentFactory
from tests.portal.test_workflow import approved, published

pytestmark = pytest.mark.django_db


def counted_from_entries(now) -> dict[str, Counter]:
    rows = SearchEntry.objects.filter(published_at__lte=now).values(*counts.COUNTED_COLUMNS)
    result: dict[str, Counter] = {}
    for (_kind, facet, value), n in counts.deltas(rows, +1).items():
        result.setdefault(facet, Counter())[value] += n
    return result


def assert_in_step():
    now = timezone.now()
    kept = {
        f: Counter({v: n for v, n in c.items() if n})
        for f, c in counts.visible_counts(now=now).items()
    }
    assert {f: c for f, c in kept.items() if c} == counted_from_entries(now)


def test_counts_follow_publication_edit_withdrawal_and_scheduling(agency):
    first = published(agency, title="第一份")
    second = published(agency, title="第二份", validity="有效")
    assert_in_step()
    assert counts.visible_counts(now=timezone.now())["all"][""] == 2

    # An edit that changes the topic moves the count when it is published.
    second.category = TopicCategory.objects.get(name="社团管理")
    workflow.item_save(second, by=agency.clerk)
    workflow.perform(second, step="submit", by=agency.clerk)
    workflow.perform(second, step="approve", by=agency.reviewer, note="同意")
    workflow.perform(second, step="publish", by=agency.publisher)
    assert_in_step()

    workflow.perform(first, step="withdraw", by=agency.publisher, note="过时")
    assert_in_step()
    assert counts.visible_counts(now=timezone.now())["all"][""] == 1

    later = workflow.perform(
        approved(agency, title="定时的"), step="publish", by=agency.publisher,
        publish_at=timezone.now() + timedelta(hours=2),
    )  # fmt: skip
    assert_in_step()  # kept, but not yet visible
    assert counts.visible_counts(now=later.published_at + timedelta(seconds=1))["all"][""] == 2


def test_bulk_indexing_and_a_rebuild_keep_counts_exact():
    DocumentFactory.create_batch(5, published=True)
    DocumentFactory.create_batch(2)  # drafts are never counted
    assert_in_step()
    FacetCount.objects.update(count=999)  # however wrong they were
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))
    assert_in_step()


def test_an_import_writes_its_counts_once_at_its_end_and_a_failed_one_none(
    agency, tmp_path, monkeypatch
):
    """Every publication updates the same few count rows: an import takes their locks
    only with its last statement, and one that is rolled back leaves them as they were."""
    from django.core.management import CommandError
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from disclosure import resources
    from tests.disclosure.test_import_pipeline import numbered
    from tests.disclosure.test_resources import csv_bytes, import_via_command, row

    monkeypatch.setattr(resources, "WRITE_ROWS", 2)  # several batches
    with CaptureQueriesContext(connection) as captured:
        import_via_command(tmp_path, csv_bytes(numbered(7)), "--publish-as", "publisher")
    statements = [q["sql"] for q in captured.captured_queries]
    upserts = [n for n, sql in enumerate(statements) if "portal_facetcount" in sql]
    copies = [n for n, sql in enumerate(statements) if sql.startswith("COPY")]
    assert len(upserts) == 1 and upserts[0] > max(copies)
    assert_in_step()
    stored = sorted(FacetCount.objects.values_list("kind", "facet", "value", "count"))
    rows = [row(title=f"另一批{n}", number=f"渝民发〔2026〕{n}号") for n in range(5)]
    rows.append(row(title="坏行", number="渝民发〔2026〕99号", 主题分类="不存在的分类"))
    with pytest.raises(CommandError):
        import_via_command(tmp_path, csv_bytes(rows), "--publish-as", "publisher")
    assert sorted(FacetCount.objects.values_list("kind", "facet", "value", "count")) == stored
    assert_in_step()
