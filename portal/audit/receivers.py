"""What gets audited without the acting code knowing (connected in ``AuditConfig.ready``).

The rule for admin changes (``django.contrib.admin``'s LogEntry): every add, change and
delete is a ``config_change`` (users, groups, organizations, the calendar, mailboxes,
vocabularies, settings…), except for publications (``Publishable``) and cases (the
models an append-only history table points to: letters, applications, plan tasks). Those
change only through their workflow, whose every step writes a history row; each history
row becomes a ``workflow_transition`` here (post_save of every ``AppendOnly`` model; the
publications' history is inserted without post_save, so ``portal.workflow.record`` calls
``record_transition`` itself). Bulk imports write history in bulk and are audited once per
import instead (django-import-export's ``post_import``; the command line calls
``portal.audit.record("import", ...)``).
"""

from __future__ import annotations

import importlib
import importlib.util

from django.apps import apps
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import m2m_changed, post_save, pre_save
from import_export.signals import post_export, post_import

from portal.audit.context import request_or_none
from portal.audit.models import Action, AuditEvent, Result
from portal.audit.recorder import record
from portal.models import AppendOnly, Organization, Publishable

ACCOUNT_FLAGS = ("is_superuser", "is_staff", "is_active")
ADMIN_FLAGS = {ADDITION: "add", CHANGE: "change", DELETION: "delete"}


def connect() -> None:
    user_model = get_user_model()
    user_logged_in.connect(on_login, dispatch_uid="audit-login")
    user_logged_out.connect(on_logout, dispatch_uid="audit-logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit-login-failed")
    pre_save.connect(remember_account, sender=user_model, dispatch_uid="audit-user-pre")
    post_save.connect(on_user_saved, sender=user_model, dispatch_uid="audit-user-post")
    for through in (user_model.groups.through, user_model.user_permissions.through,
                    Group.permissions.through):  # fmt: skip
        m2m_changed.connect(on_grants_changed, sender=through, dispatch_uid=f"audit-{through}")
    post_save.connect(on_log_entry, sender=LogEntry, dispatch_uid="audit-log-entry")
    for model in history_models():
        post_save.connect(on_history_row, sender=model, dispatch_uid=f"audit-{model._meta.label}")
    post_import.connect(on_import, dispatch_uid="audit-import")
    post_export.connect(on_export, dispatch_uid="audit-export")
    connect_account_signals()


def connect_account_signals() -> None:
    """Lockouts, unlocks, refused logins and expired sessions, sent by ``portal.accounts``
    (looked up by name: the audit log works without it)."""
    if importlib.util.find_spec("portal.accounts") is None:
        return
    if importlib.util.find_spec("portal.accounts.signals") is None:
        return
    signals = importlib.import_module("portal.accounts.signals")
    for name, receiver in (
        ("account_locked", on_account_locked),
        ("ip_locked", on_ip_locked),
        ("login_refused", on_login_refused),
        ("lockout_lifted", on_lockout_lifted),
        ("session_expired", on_session_expired),
    ):
        signal = getattr(signals, name, None)
        if signal is not None:
            signal.connect(receiver, dispatch_uid=f"audit-{name}")


REFUSALS = {"account_locked": "账号已锁定", "ip_locked": "来源地址已锁定"}
EXPIRIES = {"idle": "空闲超时", "absolute": "超过会话最长时间"}


def on_account_locked(sender, username="", ip="", **kwargs):
    record(Action.LOCKOUT, result=Result.FAILURE, username=str(username or ""), actor=_anonymous(),
           object_type="account", object_repr=str(username or ""),
           reason="连续登录失败，账号被锁定", details={"trigger_ip": str(ip or "")})  # fmt: skip


def on_ip_locked(sender, ip="", **kwargs):
    record(Action.LOCKOUT, result=Result.FAILURE, actor=_anonymous(), object_type="ip",
           object_id=str(ip or ""), reason="来源地址登录失败过多，被锁定")  # fmt: skip


def on_login_refused(sender, username="", ip="", reason="", **kwargs):
    record(Action.LOGIN_REFUSED, result=Result.FAILURE, username=str(username or ""),
           actor=_anonymous(), reason=REFUSALS.get(reason, str(reason or "")),
           details={"ip": str(ip or "")})  # fmt: skip


def on_lockout_lifted(sender, lockout=None, by=None, **kwargs):
    record(Action.UNLOCK, actor=by, object_type=f"lockout.{getattr(lockout, 'kind', '')}",
           object_repr=str(getattr(lockout, "key", "") or ""), reason="安全管理员解除锁定")  # fmt: skip


def on_session_expired(sender, user=None, reason="", **kwargs):
    record(Action.LOGOUT, actor=user, reason=f"会话结束：{EXPIRIES.get(reason, reason)}")


class _Anonymous:
    is_authenticated = False


def _anonymous():
    """An actor that is nobody: the attempted name is logged, not the session's user."""
    return _Anonymous()


# --- logins ----------------------------------------------------------------------------


def on_login(sender, request, user, **kwargs):
    record(Action.LOGIN, actor=user, request=request)


def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(Action.LOGOUT, actor=user, request=request)


def on_login_failed(sender, credentials, request=None, **kwargs):
    # Only the name: Django already blanks the password, and nothing else is kept.
    username = str(credentials.get("username", "") or "")
    record(Action.LOGIN_FAILED, result=Result.FAILURE, username=username, actor=_anonymous(),
           request=request, reason="用户名或密码错误")  # fmt: skip


# --- accounts, roles and permissions ---------------------------------------------------


def remember_account(sender, instance, raw=False, update_fields=None, **kwargs):
    """The flags and password hash before a save, compared after it (one read, skipped for
    saves that touch none of them, such as ``last_login`` at each login)."""
    if raw or instance.pk is None:
        return
    watched = {*ACCOUNT_FLAGS, "password"}
    if update_fields is not None and not watched & set(update_fields):
        return
    instance._audit_before = sender._default_manager.filter(pk=instance.pk).values(*watched).first()


def on_user_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    if created:
        flags = {flag: getattr(instance, flag) for flag in ACCOUNT_FLAGS}
        record(Action.ACCOUNT_CHANGE, obj=instance, reason="创建账号", details=flags)
        return
    before = instance.__dict__.pop("_audit_before", None)
    if not before:
        return
    changes = {flag: {"from": before[flag], "to": getattr(instance, flag)}
               for flag in ACCOUNT_FLAGS if before[flag] != getattr(instance, flag)}  # fmt: skip
    if changes:
        powers = {"is_superuser", "is_staff"} & changes.keys()
        action = Action.PERMISSION_CHANGE if powers else Action.ACCOUNT_CHANGE
        record(action, obj=instance, details={"changes": changes})
    if before["password"] != instance.password and not _is_rehash(
        instance, before["password"], update_fields
    ):
        record(Action.PASSWORD_CHANGE, obj=instance, reason="密码已更改")  # never the hash


def _is_rehash(user, old_hash: str, update_fields) -> bool:
    """The same password under a new hash (Django upgrades the hasher at login): no change."""
    from portal.accounts.passwords import is_rehash

    return is_rehash(user=user, old_hash=old_hash, update_fields=update_fields)


def on_grants_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Groups of a user (roles), permissions of a user or of a group."""
    source, target = _through_fields(sender)
    if action == "pre_clear":
        mine, other = (target, source) if reverse else (source, target)
        instance._audit_cleared = set(
            sender.objects.filter(**{f"{mine}_id": instance.pk}).values_list(
                f"{other}_id", flat=True
            )
        )
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    pks = instance.__dict__.pop("_audit_cleared", set()) if action == "post_clear" else pk_set
    if not pks:
        return
    verb = "added" if action == "post_add" else "removed"
    audit_action = Action.ROLE_CHANGE if target == "group" else Action.PERMISSION_CHANGE
    source_model = sender._meta.get_field(source).related_model
    target_model = sender._meta.get_field(target).related_model
    if reverse:  # instance is the target (a group or permission); pks are sources
        for subject in source_model._default_manager.filter(pk__in=pks):
            record(audit_action, obj=subject, details={verb: [_label(instance)]})
            subject.__dict__.pop("_audit_roles", None)
    else:
        labels = sorted(_label(t) for t in target_model._default_manager.filter(pk__in=pks))
        record(audit_action, obj=instance, details={verb: labels})
    instance.__dict__.pop("_audit_roles", None)


def _through_fields(through) -> tuple[str, str]:
    names = [f.name for f in through._meta.concrete_fields if f.is_relation]
    return names[0], names[1]


def _label(obj) -> str:
    if obj._meta.label == "auth.Permission":
        return f"{obj.content_type.app_label}.{obj.codename}"
    return str(obj)


# --- admin changes and workflow history ------------------------------------------------


def on_log_entry(sender, instance, created, raw=False, **kwargs):
    if raw or not created:
        return
    content_type = (
        ContentType.objects.get_for_id(instance.content_type_id)
        if instance.content_type_id
        else None
    )
    model = content_type.model_class() if content_type else None
    if model is not None and (issubclass(model, Publishable) or model in case_models()):
        return
    request = request_or_none()
    by_request = request is not None and getattr(request.user, "pk", None) == instance.user_id
    record(
        Action.CONFIG_CHANGE,
        actor=None if by_request else instance.user,
        object_type=f"{content_type.app_label}.{content_type.model}" if content_type else "",
        object_id=instance.object_id or "",
        object_repr=instance.object_repr,
        reason=str(instance.get_change_message())[:500],
        details={"operation": ADMIN_FLAGS.get(instance.action_flag, "")},
    )


def history_models() -> list:
    """Every append-only history table but the audit log itself."""
    return [m for m in apps.get_models() if issubclass(m, AppendOnly) and m is not AuditEvent]


def case_models() -> set:
    """What the history tables point to: cases (letters, applications, tasks) and the
    publications whose history is generic."""
    skip = {get_user_model(), Organization, ContentType}
    found = set()
    for model in history_models():
        for field in model._meta.concrete_fields:
            if field.many_to_one and field.related_model not in skip and field.null is False:
                found.add(field.related_model)
    return found


def on_history_row(sender, instance, created, raw=False, **kwargs):
    if raw or not created:
        return
    record_transition(instance)


def record_transition(instance, item=None) -> None:
    """One history row as a ``workflow_transition``; ``item`` names the object when the
    row does not reach it (the publications' generic history)."""
    object_type, object_id, object_repr = _subject(instance)
    if item is not None:
        object_repr = str(item)
    step = getattr(instance, "action", None) or getattr(instance, "kind", "")
    display = getattr(
        instance, f"get_{'action' if hasattr(instance, 'action') else 'kind'}_display"
    )
    by = instance.by if getattr(instance, "by_id", None) else None
    record(
        Action.WORKFLOW_TRANSITION,
        actor=by,  # None: the citizen's own step or the system's (the request's user if any)
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        reason=display(),
        details={"step": step, "from": getattr(instance, "from_status", ""),
                 "to": getattr(instance, "to_status", ""),
                 "history": instance._meta.label_lower, "history_id": instance.pk},
    )  # fmt: skip


def _subject(event) -> tuple[str, object, str]:
    if hasattr(event, "content_type_id") and hasattr(event, "object_id"):
        content_type = ContentType.objects.get_for_id(event.content_type_id)
        return f"{content_type.app_label}.{content_type.model}", event.object_id, ""
    skip = {get_user_model(), Organization}
    for field in event._meta.concrete_fields:
        if field.many_to_one and field.related_model not in skip:
            pk = getattr(event, field.attname)
            if pk is None:
                continue
            related = field.get_cached_value(event, default=None)
            return field.related_model._meta.label_lower, pk, str(related) if related else ""
    return event._meta.label_lower, event.pk, ""


# --- imports and exports (django-import-export) ----------------------------------------


def on_import(sender, model=None, **kwargs):
    record(Action.IMPORT, object_type=model._meta.label_lower if model else "", reason="后台导入")


def on_export(sender, model=None, **kwargs):
    request = request_or_none()
    if request is not None:
        request._audit_download_recorded = True  # the middleware would record it again
    record(Action.EXPORT, object_type=model._meta.label_lower if model else "", reason="后台导出")
