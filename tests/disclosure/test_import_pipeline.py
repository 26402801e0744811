"""The import writes rows a thousand at a time while it reads the next ones
(``portal.bulk.pipelined``): what was written before a bad row is rolled back with it,
and every document still gets its 索引号, index entry and history."""

import pytest
from django.core.management import CommandError
from django.db import IntegrityError

from disclosure import resources
from disclosure.models import Document
from portal.bulk import drain, idle, insert_many, pipelined, write
from portal.models import SearchEntry, WorkflowEvent
from tests.disclosure.test_resources import csv_bytes, import_via_command, row
from tests.portal.factories import OrganizationFactory
from tests.publishing.models import Notice

pytestmark = pytest.mark.django_db


def numbered(count: int, **overrides) -> list:
    return [row(title=f"文件{n}", number=f"渝民发〔2025〕{n}号", **overrides) for n in range(count)]


@pytest.fixture
def small_writes(monkeypatch):
    monkeypatch.setattr(resources, "WRITE_ROWS", 2)


def test_rows_written_in_several_batches_are_all_published_with_history(
    agency, tmp_path, small_writes
):
    out, _ = import_via_command(tmp_path, csv_bytes(numbered(7)), "--publish-as", "publisher")
    assert "新增 7" in out
    documents = Document.objects.order_by("index_number")
    assert [d.index_number[-5:] for d in documents] == [f"{n:05d}" for n in range(1, 8)]
    assert all(d.is_public for d in documents)
    ids = {d.pk for d in documents}
    assert set(SearchEntry.objects.values_list("object_id", flat=True)) >= ids
    assert set(WorkflowEvent.objects.values_list("object_id", flat=True)) == ids


def test_a_bad_row_after_written_batches_leaves_nothing_behind(agency, tmp_path, small_writes):
    rows = numbered(6) + [row(title="坏行", number="渝民发〔2025〕99号", 主题分类="不存在的分类")]
    with pytest.raises(CommandError):
        import_via_command(tmp_path, csv_bytes(rows), "--publish-as", "publisher")
    assert not Document.objects.exists()
    assert not SearchEntry.objects.filter(kind="document").exists()
    assert not WorkflowEvent.objects.exists()


def test_a_failed_queued_insert_is_raised_and_rolls_the_block_back():
    owner = OrganizationFactory()
    with pytest.raises(IntegrityError):
        with pipelined():
            insert_many([Notice(title="先写的", owner_organization=owner)])
            insert_many([Notice(title="缺少机构")])  # NOT NULL, found by the database
            drain()
    assert not Notice.objects.exists()


def test_queued_rows_get_their_keys_once_drained_and_a_nested_block_shares_the_pipeline():
    owner = OrganizationFactory()
    with pipelined():
        first = insert_many([Notice(title=f"通告{n}", owner_organization=owner) for n in range(3)])
        with pipelined():  # no savepoint, no second thread: still in order
            second = insert_many([Notice(title="内层", owner_organization=owner)])
        drain()
        assert all(notice.pk for notice in first + second)
    assert Notice.objects.count() == 4


def test_a_command_line_import_is_one_audit_event_whether_it_lands_or_not(agency, tmp_path):
    from portal.audit.models import AuditEvent

    import_via_command(tmp_path, csv_bytes(numbered(3)), "--publish-as", "publisher")
    with pytest.raises(CommandError):
        import_via_command(tmp_path, csv_bytes([row(主题分类="不存在的分类")]), name="bad.csv")
    events = AuditEvent.objects.filter(action="import").order_by("id")
    assert [(e.result, e.actor_username) for e in events] == [
        ("success", "publisher"),
        ("failure", "system-import"),
    ]
    assert "bad.csv" in events[1].reason


def test_the_pipeline_is_idle_only_when_everything_given_has_run():
    assert drain() is None and idle()  # outside a pipeline: nothing waits
    with pipelined():
        assert idle()
        write("SELECT pg_sleep(%s)", [0.3])
        assert not idle()
        drain()
        assert idle()


def test_rows_go_to_an_idle_database_in_small_batches(agency, tmp_path, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(resources, "FIRST_ROWS", 2)
    monkeypatch.setattr(resources.bulk, "idle", lambda: True)
    with CaptureQueriesContext(connection) as captured:
        import_via_command(tmp_path, csv_bytes(numbered(5)), "--publish-as", "publisher")
    copies = [
        q for q in captured.captured_queries if q["sql"].startswith('COPY "disclosure_document"')
    ]
    assert len(copies) == 3  # 2 + 2 + the last 1, not one batch of 5
    assert Document.objects.filter(is_live=True).count() == 5


def test_the_last_batches_shrink_as_the_rows_run_out(agency, tmp_path, monkeypatch):
    """The last batch is written while nothing else is read: it is kept small. Once fewer
    rows are left than are waiting, a batch goes at once, so batches halve to the end."""
    batches = []
    write_batch = resources.documents_import

    def recording(*, created, updated, **kwargs):
        batches.append(len(created) + len(updated))
        return write_batch(created=created, updated=updated, **kwargs)

    monkeypatch.setattr(resources, "WRITE_ROWS", 8)
    monkeypatch.setattr(resources, "FIRST_ROWS", 2)
    monkeypatch.setattr(resources.bulk, "idle", lambda: False)
    monkeypatch.setattr(resources, "documents_import", recording)
    import_via_command(tmp_path, csv_bytes(numbered(12)), "--publish-as", "publisher")
    assert [size for size in batches if size] == [6, 3, 2, 1]  # not 8 + 4
    assert Document.objects.filter(is_live=True).count() == 12


def test_a_pipeline_hands_the_gil_over_promptly_and_then_restores_the_interval():
    import sys

    from portal import bulk

    usual = sys.getswitchinterval()
    with pipelined():
        assert sys.getswitchinterval() == bulk.HANDOVER_INTERVAL
        with pipelined():
            assert sys.getswitchinterval() == bulk.HANDOVER_INTERVAL
        assert sys.getswitchinterval() == bulk.HANDOVER_INTERVAL
    assert sys.getswitchinterval() == usual
    with pytest.raises(ValueError), pipelined():
        raise ValueError("导入中途出错")
    assert sys.getswitchinterval() == usual
