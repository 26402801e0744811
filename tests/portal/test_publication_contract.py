"""The publication pipeline serves any ``Publishable``: a test-only model (``Notice`` in
``tests.publishing``) goes through the workflow, scheduling, the page cache and the
admin exactly as documents do, declaring only its fields and hooks."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from portal import publication, workflow
from portal.models import Publishable, Status
from tests.publishing.models import HOOK_CALLS, Notice

pytestmark = pytest.mark.django_db
ROLE_ACTIONS = {"信息员": ["add", "change", "view", "submit"], "审核员": ["view", "review"],
                "发布员": ["view", "publish"], "督查员": ["view"]}  # fmt: skip


@pytest.fixture(autouse=True)
def notice_roles(agency):
    """What an app's migration does for its own models: grant the roles their permissions."""
    for role, actions in ROLE_ACTIONS.items():
        Group.objects.get(name=role).permissions.add(
            *Permission.objects.filter(
                content_type__app_label="publishing",
                codename__in=[f"{action}_notice" for action in actions],
            )
        )
    HOOK_CALLS.clear()


def draft(agency, **fields) -> Notice:
    return workflow.item_save(Notice(**{"title": "关于停水的通告", **fields}), by=agency.clerk)


def approved(agency, **fields) -> Notice:
    notice = workflow.perform(draft(agency, **fields), step="submit", by=agency.clerk)
    return workflow.perform(notice, step="approve", by=agency.reviewer, note="同意公开")


def published(agency, **fields) -> Notice:
    return workflow.perform(approved(agency, **fields), step="publish", by=agency.publisher)


def test_the_abstract_meta_gives_permissions_constraint_and_indexes():
    codenames = set(
        Permission.objects.filter(content_type__app_label="publishing").values_list(
            "codename", flat=True
        )
    )
    assert {"submit_notice", "review_notice", "publish_notice"} <= codenames
    constraints = [c.name for c in Notice._meta.constraints]
    assert constraints == ["publishing_notice_live_has_date"]
    indexed = [tuple(index.fields) for index in Notice._meta.indexes]
    assert ("status", "owner_organization") in indexed and ("is_live", "-published_at") in indexed
    # Named per app and model: after each table, so no two publishables share a name.
    shared = {("status", "owner_organization"), ("is_live", "-published_at")}
    names = {}
    for model in (m for m in apps.get_models() if issubclass(m, Publishable)):
        own = [i.name for i in model._meta.indexes if tuple(i.fields) in shared]
        assert len(own) == 2 and all(n.startswith(model._meta.db_table[:11]) for n in own)
        names[model] = own
    assert len(names) >= 5 and len({n for own in names.values() for n in own}) == 2 * len(names)


def test_a_notice_travels_the_same_workflow_with_its_history(agency, client):
    notice = published(agency)
    assert notice.status == Status.PUBLISHED and notice.is_public
    assert [e.action for e in workflow.history(notice)] == [
        "created", "submitted", "approved", "published",
    ]  # fmt: skip
    assert HOOK_CALLS == [("publish", notice.pk)]
    assert "关于停水的通告" in client.get(notice.get_absolute_url()).content.decode()


def test_four_eyes_hold_for_a_notice(agency):
    notice = draft(agency)
    notice = workflow.perform(notice, step="submit", by=agency.clerk)
    with pytest.raises(PermissionDenied):
        workflow.perform(notice, step="approve", by=agency.clerk, note="自己审")


@pytest.mark.parametrize("step", ["approve", "publish"])
def test_check_publishable_guards_approval_and_publication(agency, step):
    notice = approved(agency) if step == "publish" else draft(agency)
    if step == "approve":
        notice = workflow.perform(notice, step="submit", by=agency.clerk)
    Notice.objects.filter(pk=notice.pk).update(is_blocked=True)
    actor = agency.publisher if step == "publish" else agency.reviewer
    with pytest.raises(ValidationError) as refused:
        workflow.perform(notice, step=step, by=actor, note="同意")
    assert "暂不可发布" in str(refused.value)
    notice.refresh_from_db()
    assert not notice.is_live and HOOK_CALLS == []


def test_a_withdrawn_notice_answers_410_and_its_hook_ran(agency, client):
    notice = published(agency)
    client.get(notice.get_absolute_url())  # cached
    workflow.perform(notice, step="withdraw", by=agency.publisher, note="已过期")
    assert client.get(notice.get_absolute_url()).status_code == 410
    assert HOOK_CALLS[-1] == ("withdraw", notice.pk)


def test_a_scheduled_notice_goes_live_by_itself(agency, client):
    notice = workflow.perform(
        approved(agency), step="publish", by=agency.publisher,
        publish_at=timezone.now() + timedelta(hours=1),
    )  # fmt: skip
    assert client.get(notice.get_absolute_url()).status_code == 404
    assert publication._next_change(timezone.now()) == notice.published_at
    Notice.objects.filter(pk=notice.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    from portal.models import PublicationState

    PublicationState.objects.update(next_change_at=timezone.now() - timedelta(seconds=1))
    publication.reset_process_caches()
    assert client.get(notice.get_absolute_url()).status_code == 200


def test_an_edit_of_a_live_notice_waits_and_the_reviewer_sees_a_text_diff(agency, client):
    notice = published(agency, body="第一段")
    notice.body = "第一段\n第二段"
    workflow.item_save(notice, by=agency.clerk)
    assert "第二段" not in client.get(notice.get_absolute_url()).content.decode()
    changes = workflow.pending_changes(Notice.objects.get(pk=notice.pk))
    assert [(c.label, c.is_rich_text) for c in changes] == [("正文", True)]
    assert "+第二段" in changes[0].diff


def test_the_admin_serves_a_notice_with_queue_steps_and_preview(agency, client):
    notice = approved(agency)
    client.force_login(agency.publisher)
    queue = client.get(reverse("admin:publishing_notice_changelist") + "?queue=publish")
    assert notice.title in queue.content.decode()
    page = client.get(reverse("admin:publishing_notice_change", args=[notice.pk]))
    assert [s.name for s in page.context["workflow_steps"]] == ["publish"]
    step = reverse("admin:publishing_notice_step", args=[notice.pk, "publish"])
    client.post(step, {})
    assert Notice.objects.get(pk=notice.pk).is_public


def test_a_migration_of_a_notice_locks_validates_and_records(agency):
    notice = Notice(title="旧通告", owner_organization=agency.office,
                    published_at=timezone.now() - timedelta(days=400))  # fmt: skip
    notice = workflow.item_migrate_published(notice, by=agency.publisher)
    assert notice.is_public and workflow.history(notice)[0].action == "migrated"
    blocked = Notice(title="", owner_organization=agency.office)
    with pytest.raises(ValidationError):
        workflow.item_migrate_published(blocked, by=agency.publisher)  # 标题 is required


def search_page(client, **params):
    return client.get(reverse("search"), params).content.decode()


def test_a_registered_kind_is_searched_shown_with_its_kind_and_filtered_by_it(agency, client):
    from tests.disclosure.factories import DocumentFactory

    DocumentFactory(title="停水期间低保发放的通知", published=True)
    notice = published(agency, title="关于低保窗口停水的通告", body="低保窗口暂停办理")
    html = search_page(client, q="低保")
    assert "关于<mark>低保</mark>窗口停水的通告" in html
    assert 'search-result__kind">通告<' in html and 'search-result__kind">公开文件<' in html
    only = search_page(client, q="低保", kind="notice")
    assert "窗口停水的通告" in only and "发放的通知" not in only
    workflow.perform(notice, step="withdraw", by=agency.publisher, note="作废")
    assert "窗口停水的通告" not in search_page(client, q="低保")


def test_the_home_page_lists_the_latest_public_items_of_every_kind(agency, client):
    published(agency, title="关于元旦放假的通告")
    assert "关于元旦放假的通告" in client.get(reverse("home")).content.decode()
