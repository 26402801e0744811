"""The review-then-publish workflow: 草稿 → 待审核 → 已审核 → 已发布 (→ 已撤回).

One mechanism for every ``portal.models.Publishable`` model. Rules, with their sources:

- Nothing is published without a recorded confidentiality review (保密审查, "先审查、后公开":
  保密法实施条例 Art 42; 条例 Art 17) by someone other than the version's authors
  ("谁公开、谁审查", the seed work plan).
- Clerks and reviewers act on their organization's subtree, publishers on their agency's
  (``portal.scopes``); permissions are ``<app>.submit_<model>``, ``review_…``, ``publish_…``.
- A publish date is never back-dated (伪造发稿日期 is a single-veto offence, 国办秘函〔2019〕19号);
  only a migration of already-published records keeps its historical date, and says so in
  the history.
- Every step locks the row, re-checks the state under the lock, and appends an event in the
  same transaction: of two concurrent approvals one wins and the other gets a clear refusal.

Letters, applications and plan tasks are not publications: they have states of their own
(received, assigned, answered…), which they keep in a transition table of their own, with
an append-only event table on the pattern of ``WorkflowEvent`` and its trigger.
"""

from __future__ import annotations

import copy
import difflib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from portal import audit, publication, search, signals
from portal.bulk import insert_many
from portal.models import Publishable, Revision, Status, WorkflowEvent
from portal.scopes import acting_scope, in_scope

Action = WorkflowEvent.Action
# Set by workflow steps, not by an edit: an edit copies them from the locked row (only an
# unowned item's first edit gives it its owner).
WORKFLOW_FIELDS = (
    "status", "is_live", "published_at", "last_published_at", "withdrawn_at",
    "owner_organization_id", "created_by_id",
)  # fmt: skip
# A publish time this far in the past is still "now" (the form was open for a while).
PUBLISH_TIME_TOLERANCE = timedelta(minutes=10)


@dataclass(frozen=True)
class Step:
    """One move of the workflow. What a step demands is in its flags, so the engine and
    the admin ask "does this step need a live item?", never "is this the withdraw step?"."""

    name: str
    label: str
    action: str
    sources: frozenset[str]
    target: str
    permission: str
    note_label: str = ""
    publishing: bool = False  # acts in the publisher's agency-wide scope
    needs_live: bool = False  # only on an item the public can see
    four_eyes: bool = False  # never by an author of the version under review
    schedulable: bool = False  # may take a publish time in the future
    guarded: bool = False  # the item's check_publishable() must pass first

    @property
    def needs_note(self) -> bool:
        return bool(self.note_label)

    @property
    def goes_live(self) -> bool:
        return self.target == Status.PUBLISHED

    @property
    def takes_offline(self) -> bool:
        return self.target == Status.WITHDRAWN


STEPS = {
    step.name: step
    for step in [
        Step("submit", "提交审核", Action.SUBMITTED, frozenset({Status.DRAFT}), Status.SUBMITTED, "submit"),
        Step("approve", "审核通过", Action.APPROVED, frozenset({Status.SUBMITTED}), Status.APPROVED, "review", "审查意见", four_eyes=True, guarded=True),
        # A reviewer sends back what is under review or approved but not yet published.
        Step("return", "退回", Action.RETURNED, frozenset({Status.SUBMITTED, Status.APPROVED}), Status.DRAFT, "review", "退回理由"),
        Step("publish", "发布", Action.PUBLISHED, frozenset({Status.APPROVED}), Status.PUBLISHED, "publish", publishing=True, schedulable=True, guarded=True),
        # Whatever is live can be withdrawn, also while an edit of it is under way.
        Step("withdraw", "撤回", Action.WITHDRAWN, frozenset(Status) - {Status.WITHDRAWN}, Status.WITHDRAWN, "publish", "撤回理由", publishing=True, needs_live=True),
    ]
}  # fmt: skip


def permission_name(model, permission: str) -> str:
    return f"{model._meta.app_label}.{permission}_{model._meta.model_name}"


def allowed_steps(item: Publishable, user) -> list[Step]:
    """The steps ``user`` may take on ``item`` now (for buttons; ``perform`` re-checks)."""
    steps = []
    for step in STEPS.values():
        if item.status not in step.sources or (step.needs_live and not item.is_live):
            continue
        if not user.has_perm(permission_name(type(item), step.permission)):
            continue
        if not in_scope(item.owner_organization_id, acting_scope(user, publishing=step.publishing)):
            continue
        if step.four_eyes and user.pk in authors_of_pending_version(item):
            continue
        steps.append(step)
    return steps


def perform(
    item: Publishable,
    *,
    step: str,
    by,
    note: str = "",
    now: datetime | None = None,
    publish_at: datetime | None = None,
) -> Publishable:
    """Take one workflow step; return the item as it is afterwards."""
    spec = STEPS[step]
    model = type(item)
    if not by.has_perm(permission_name(model, spec.permission)):
        raise PermissionDenied(f"您没有“{spec.label}”的权限。")
    note = (note or "").strip()
    if spec.needs_note and not note:
        raise ValidationError({"note": f"请填写{spec.note_label}。"}, code="note_required")
    now = now or timezone.now()
    with transaction.atomic():
        item = model._default_manager.select_for_update().get(pk=item.pk)
        if not in_scope(item.owner_organization_id, acting_scope(by, publishing=spec.publishing)):
            raise PermissionDenied(f"“{item}”不属于您所在机构，不能{spec.label}。")
        if item.status not in spec.sources or (spec.needs_live and not item.is_live):
            raise ValidationError(
                f"“{item}”当前状态为“{item.get_status_display()}”，不能{spec.label}"
                "（可能已被他人处理，请刷新后查看）。",
                code="invalid_transition",
            )
        if spec.four_eyes and by.pk in authors_of_pending_version(item):
            raise PermissionDenied("不能审核自己起草或修改的版本：谁公开、谁审查，审核人须为他人。")
        if spec.guarded:  # on the version under review, without touching the locked row
            reviewed = working_version(copy.copy(item))
            reviewed.check_publishable()
            signals.checking_publishable.send(sender=model, item=reviewed, step=spec)
        from_status = item.status
        if spec.goes_live:
            _go_live(item, by=by, now=now, publish_at=publish_at if spec.schedulable else None)
            item.full_clean()  # content is checked when it goes public, not on every step
        elif spec.takes_offline:
            _take_offline(item, now=now)
        item.status = spec.target
        item.save()
        record(item, action=spec.action, from_status=from_status, by=by, at=now, note=note)
        if spec.goes_live:
            signals.went_live.send(sender=model, item=item, by=by, now=now)
        elif spec.takes_offline:
            signals.went_offline.send(sender=model, item=item, by=by, now=now)
        if spec.publishing:
            publication.bump()  # after the save: a scheduled time must already be stored
    return item


def item_save(item: Publishable, *, by, now: datetime | None = None) -> Publishable:
    """Save a clerk's edit. A new item starts as a draft of the clerk's organization; an
    edit of a live item waits in a pending revision while the public keeps the live one."""
    now = now or timezone.now()
    model = type(item)
    with transaction.atomic():
        if item.pk is None:
            item.created_by = by
            if item.owner_organization_id is None:
                if by.organization_id is None:
                    raise ValidationError("您的账号未关联机构，不能新建信息。")
                item.owner_organization_id = by.organization_id
            item.status = Status.DRAFT
            item.full_clean()
            item.save()
            record(item, action=Action.CREATED, from_status="", by=by, at=now)
            return item
        current = model._default_manager.select_for_update().get(pk=item.pk)
        if current.status in (Status.SUBMITTED, Status.APPROVED):
            raise ValidationError("审核中的信息不能修改，请先退回。", code="locked")
        if not in_scope(current.owner_organization_id, acting_scope(by)):
            raise PermissionDenied(f"“{current}”属于其他机构，您不能修改。")
        if current.owner_organization_id is None:
            current.owner_organization_id = by.organization_id  # see portal.scopes.in_scope
        if current.is_live:
            Revision.objects.update_or_create(
                content_type=ContentType.objects.get_for_model(model),
                object_id=item.pk,
                is_pending=True,
                defaults={"data": snapshot(item), "created_by": by},
            )
            item = current
        else:
            # The form was loaded earlier: a step taken since (a withdrawal, say) wins.
            for name in WORKFLOW_FIELDS:
                setattr(item, name, getattr(current, name))
        item.status = Status.DRAFT
        item.save()
        record(item, action=Action.EDITED, from_status=current.status, by=by, at=now)
    return item


def item_migrate_published(item: Publishable, *, by, now: datetime | None = None) -> Publishable:
    """Publish a record brought over from an earlier catalogue as it was, keeping its
    historical publish date; the history says it was a migration and by whom. Locked and
    validated like every other step.

    Only a migrated record may be migrated again: anything under review, or ever published
    here through a review, goes through the ordinary steps (nothing published here skips a
    review by someone other than its authors)."""
    model = type(item)
    if not by.has_perm(permission_name(model, "publish")):
        raise PermissionDenied(f"{by} 不是发布员，不能以其名义迁移发布。")
    now = now or timezone.now()
    with transaction.atomic():
        from_status = ""
        if item.pk is not None:
            current = model._default_manager.select_for_update().get(pk=item.pk)
            if current.status in (Status.SUBMITTED, Status.APPROVED) or reviewed_publications(
                model, [item.pk]
            ):
                raise ValidationError(NOT_MIGRATABLE.format(item=current), code="not_migratable")
            from_status = current.status
        owner = item.owner_organization_id
        if owner is not None and not in_scope(owner, acting_scope(by, publishing=True)):
            raise PermissionDenied(f"“{item}”不属于您所在机关，不能迁移发布。")
        item.check_publishable()
        item.status = Status.PUBLISHED
        item.is_live = True
        item.published_at = item.published_at or now
        item.last_published_at = now
        item.withdrawn_at = None
        item.full_clean()
        item.save()
        item.on_publish()
        search.index_item(item)
        drop_pending_revisions([item])
        _keep_published_version(item, by=by, now=now)
        record(
            item,
            action=Action.MIGRATED,
            from_status=from_status,
            by=by,
            at=now,
            note="从原目录迁移，保留原发布日期",
        )
        publication.bump()
    return item


NOT_MIGRATABLE = "“{item}”在本站审核中或经审核发布过，不能作为迁移记录直接发布，请走审核流程。"


def reviewed_publications(model, object_ids) -> set[int]:
    """Which of the items were ever published here through a review (not a migration)."""
    return set(
        WorkflowEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=list(object_ids),
            action=Action.PUBLISHED,
        ).values_list("object_id", flat=True)
    )


def _take_offline(item: Publishable, *, now: datetime) -> None:
    """Withdraw: the public loses the item; an edit that was waiting becomes the row's
    content (the draft the clerk continues with), since there is no live version left."""
    pending = pending_revision(item, for_update=True)
    if pending is not None:
        apply_revision(item, pending.data)
        pending.delete()
    item.is_live = False
    item.withdrawn_at = now
    item.on_withdraw()
    search.unindex_item(item)


def _go_live(item: Publishable, *, by, now: datetime, publish_at: datetime | None) -> None:
    first_time = item.last_published_at is None
    if publish_at is not None:
        if publish_at < now - PUBLISH_TIME_TOLERANCE:
            raise ValidationError(
                {"publish_at": "发布时间不能早于当前时间：不得倒签发布日期。"}, code="backdated"
            )
        if not first_time and publish_at > now:
            raise ValidationError(
                {"publish_at": "已发布过的信息修改后立即发布，不能定时。"}, code="reschedule"
            )
    pending = pending_revision(item, for_update=True) if item.is_live else None
    if pending is not None:
        apply_revision(item, pending.data)
        pending.is_pending = False
        pending.published_at = now
        pending.save(update_fields=["is_pending", "published_at"])
    else:
        _keep_published_version(item, by=by, now=now)
    if first_time:
        item.published_at = publish_at or now
    item.is_live = True
    item.withdrawn_at = None
    item.last_published_at = now
    item.on_publish()
    search.index_item(item)  # the new public version, in this transaction


def _keep_published_version(item, *, by, now: datetime) -> Revision:
    """The snapshot every publication keeps of what went public."""
    return Revision.objects.create(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        data=snapshot(item),
        created_by=by,
        published_at=now,
    )


def record(item, *, action, from_status, by, at, note="") -> WorkflowEvent:
    (event,) = record_many(
        [item], action=action, from_statuses={item.pk: from_status}, by=by, at=at, note=note
    )
    audit.record_transition(event, item)  # one step, one audit row (bulk imports: one per import)
    return event


def history(item) -> list[WorkflowEvent]:
    return list(
        WorkflowEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(item), object_id=item.pk
        ).select_related("by")
    )


def authors_of_pending_version(item) -> set[int]:
    """Users who created, edited or submitted the content since it was last published."""
    events = WorkflowEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(item), object_id=item.pk
    )
    last_publish = (
        events.filter(action__in=[Action.PUBLISHED, Action.MIGRATED]).order_by("-pk").first()
    )
    if last_publish is not None:
        events = events.filter(pk__gt=last_publish.pk)
    return set(
        events.filter(action__in=[Action.CREATED, Action.EDITED, Action.SUBMITTED]).values_list(
            "by_id", flat=True
        )
    )


def pending_revision(item, *, for_update: bool = False) -> Revision | None:
    revisions = Revision.objects.filter(
        content_type=ContentType.objects.get_for_model(item), object_id=item.pk, is_pending=True
    )
    if for_update:
        revisions = revisions.select_for_update()
    return revisions.first()


def snapshot(item) -> dict:
    """The revision fields of ``item`` as JSON-ready data (foreign keys by id)."""
    return {
        name: getattr(item, item._meta.get_field(name).attname) for name in item.revision_fields
    }


def apply_revision(item, data: dict):
    """Put a revision's values onto ``item`` (in memory); return it."""
    for name, value in data.items():
        field = item._meta.get_field(name)
        setattr(item, field.attname, field.to_python(value))
    return item


def working_version(item):
    """The version a clerk edits and a reviewer reviews: the pending edit over the live
    row when there is one, otherwise the row itself."""
    pending = pending_revision(item) if item.is_live else None
    return apply_revision(item, pending.data) if pending else item


@dataclass
class Change:
    label: str
    before: str
    after: str
    diff: list[str]
    is_rich_text: bool = False  # shown as a line diff of its text


def pending_changes(item) -> list[Change]:
    """What the pending edit of a live item changes, field by field, for the reviewer."""
    pending = pending_revision(item) if item.is_live else None
    if pending is None:
        return []
    model = type(item)
    live = model._default_manager.get(pk=item.pk)  # ``item`` may carry the edit already
    edited = apply_revision(copy.copy(live), pending.data)
    changes = []
    for name in item.revision_fields:
        field = model._meta.get_field(name)
        before, after = _display(live, field), _display(edited, field)
        if before != after:
            diff = list(
                difflib.unified_diff(
                    before.splitlines(),
                    after.splitlines(),
                    "发布版本",
                    "待审版本",
                    lineterm="",
                    n=1,
                )
            )[2:]
            rich = name in item.rich_text_fields
            changes.append(Change(str(field.verbose_name), before, after, diff, rich))
    return changes


def _display(item, field) -> str:
    value = getattr(item, field.name)
    if value is None:
        return ""
    if field.name in item.rich_text_fields:
        return strip_tags(value.replace("</p>", "</p>\n")).strip()
    return str(value)


# --- bulk forms of the steps above, for imports and catalogue migrations -----------------

SYSTEM_USERNAME = "system-import"


def system_actor():
    """The account a command acting for no person (an import without --publish-as) records
    in the history, so that every history row names an actor. It cannot log in (inactive,
    no usable password) and holds no role: it may create drafts, never review or publish.
    A same-named account that could log in or holds a role is refused, not trusted."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    user, _ = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"last_name": "系统导入", "is_active": False, "password": make_password(None)},
    )
    if user.is_active or user.is_staff or user.is_superuser or user.has_usable_password():
        raise PermissionDenied(f"账号 {SYSTEM_USERNAME} 保留给系统导入，但现有同名账号可以登录。")
    if user.groups.exists():
        raise PermissionDenied(f"账号 {SYSTEM_USERNAME} 保留给系统导入，不能拥有角色。")
    return user


def record_many(items, *, action, from_statuses=None, by, at, note="", batch_size=1000):
    """``record`` for many items in one INSERT per ``batch_size`` events, with the same
    fields. ``from_statuses`` maps an item's pk to its status before the step ("" when
    absent: a new item)."""
    from_statuses = from_statuses or {}
    events = [
        WorkflowEvent(
            content_type=ContentType.objects.get_for_model(item),
            object_id=item.pk,
            action=action,
            from_status=from_statuses.get(item.pk, ""),
            to_status=item.status,
            by=by,
            at=at,
            note=note,
        )
        for item in items
    ]
    return insert_many(events, batch_size=batch_size)


def save_pending_revisions(items, *, by, batch_size=1000) -> None:
    """What ``item_save`` does to a live item's edit, for many live items of one model: the
    edit replaces the item's pending revision (one per item), the public row is untouched.
    The caller holds the items' row locks (a concurrent ``item_save`` waits for them)."""
    items = list(items)
    if not items:
        return
    drop_pending_revisions(items)
    Revision.objects.bulk_create(
        [
            Revision(
                content_type=ContentType.objects.get_for_model(item),
                object_id=item.pk,
                is_pending=True,
                data=snapshot(item),
                created_by=by,
            )
            for item in items
        ],
        batch_size=batch_size,
    )


def drop_pending_revisions(items) -> None:
    """Discard the waiting edits of many items of one model (a migration supersedes them,
    as ``item_migrate_published`` does for one)."""
    items = list(items)
    if items:
        Revision.objects.filter(
            content_type=ContentType.objects.get_for_model(items[0]),
            object_id__in=[item.pk for item in items],
            is_pending=True,
        ).delete()
