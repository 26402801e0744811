"""``portal.bulk.insert_many``: what ``bulk_create`` guarantees, without its compiler."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.bulk import insert_many
from portal.models import Revision
from tests.portal.factories import OrganizationFactory
from tests.publishing.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return OrganizationFactory()


def notice(owner, **fields) -> Notice:
    return Notice(owner_organization=owner, **fields)


def test_rows_get_their_keys_and_read_back_as_written(owner):
    notices = [
        notice(owner, title=f"  通告 {n}  ", body=f"<p>正文 {n} 50% 'quoted'</p>") for n in range(5)
    ]
    insert_many(notices, batch_size=2)
    assert all(item.pk for item in notices)
    assert not any(item._state.adding for item in notices)
    stored = Notice.objects.in_bulk([item.pk for item in notices])
    # LineField's pre_save ran: the blanks around the title are gone.
    assert [stored[item.pk].title for item in notices] == [f"通告 {n}" for n in range(5)]
    assert stored[notices[3].pk].body == "<p>正文 3 50% 'quoted'</p>"


def test_a_value_no_line_may_hold_is_refused_not_stored(owner):
    with pytest.raises(ValidationError):
        insert_many([notice(owner, title="第一行\n第二行")])
    assert not Notice.objects.exists()


def test_json_values_and_auto_now_are_prepared(owner, admin_user):
    stored_notice = insert_many([notice(owner, title="通告")])[0]
    revision = Revision(
        content_type=ContentType.objects.get_for_model(Notice),
        object_id=stored_notice.pk,
        data={"title": "通告", "day": date(2026, 11, 30)},
        created_by=admin_user,
    )
    insert_many([revision])
    stored = Revision.objects.get(pk=revision.pk)
    assert stored.data == {"title": "通告", "day": "2026-11-30"}
    assert stored.created_at is not None


def test_one_statement_per_batch_seen_by_query_capture(owner):
    with CaptureQueriesContext(connection) as captured:
        insert_many([notice(owner, title=f"通告 {n}") for n in range(5)], batch_size=2)
    inserts = [q for q in captured.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 3


def test_rows_copied_in_a_pipeline_read_back_exactly_backslashes_and_breaks_included(owner):
    from portal.bulk import pipelined

    bodies = ["<p>C:\\temp\\新建</p>", "第一行\n第二行\r\n\t缩进", "\\N", ""]
    notices = [notice(owner, title=f"通告 {n}", body=body) for n, body in enumerate(bodies)]
    with CaptureQueriesContext(connection) as captured, pipelined():
        insert_many(notices)
    assert [q["sql"][:4] for q in captured.captured_queries if "notice" in q["sql"]] == ["COPY"]
    stored = Notice.objects.in_bulk([item.pk for item in notices])
    assert [stored[item.pk].body for item in notices] == bodies


def test_a_nul_character_is_refused_in_a_pipeline_too(owner):
    from portal.bulk import pipelined

    with pytest.raises(ValueError), pipelined():
        insert_many([notice(owner, title="通告", body="正文\x00")])
    assert not Notice.objects.exists()


def test_what_a_pipeline_gathers_is_flushed_once_at_its_end_and_not_after_an_error():
    from collections import Counter

    from portal import bulk

    flushed = []
    assert bulk.gathered("sums", Counter, flushed.append) is None  # outside: write at once
    with bulk.pipelined():
        bulk.gathered("sums", Counter, flushed.append).update(a=1)
        with bulk.pipelined():  # the inner block is the outer one
            bulk.gathered("sums", Counter, flushed.append).update(a=2, b=1)
        assert flushed == []
    assert flushed == [Counter(a=3, b=1)]
    with pytest.raises(ValueError), bulk.pipelined():
        bulk.gathered("sums", Counter, flushed.append).update(c=1)
        raise ValueError("出错")
    assert flushed == [Counter(a=3, b=1)]  # rolled back: nothing to write
