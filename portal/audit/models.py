"""The audit log (安全审计, GB/T 22239-2019 8.1.4.3): who did what, when, from where, to
what, and with which result. Append-only below the ORM too (migration 0002's trigger);
each row carries the hash of the one before it (``portal.audit.chain``)."""

from django.db import models

from portal.models import AppendOnly


class Action(models.TextChoices):
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGIN_REFUSED = "login_refused", "拒绝登录"
    LOGOUT = "logout", "退出"
    LOCKOUT = "lockout", "账号锁定"
    UNLOCK = "unlock", "账号解锁"
    ACCOUNT_CHANGE = "account_change", "账号变更"
    PASSWORD_CHANGE = "password_change", "密码变更"
    ROLE_CHANGE = "role_change", "角色变更"
    PERMISSION_CHANGE = "permission_change", "权限变更"
    CONFIG_CHANGE = "config_change", "配置变更"
    WORKFLOW_TRANSITION = "workflow_transition", "流程流转"
    IMPORT = "import", "导入"
    EXPORT = "export", "导出/下载"
    PERSONAL_DATA_VIEW = "personal_data_view", "查看个人信息"
    ACCESS_REFUSED = "access_refused", "拒绝访问"
    AUDIT_EXPORT = "audit_export", "导出审计日志"
    ARCHIVE = "archive", "审计日志归档"
    RESTORE = "restore", "从备份恢复"


class Result(models.TextChoices):
    SUCCESS = "success", "成功"
    FAILURE = "failure", "失败"


class AuditEvent(AppendOnly):
    """One audited event. The actor is kept by name and number, not by a foreign key: a
    deleted account keeps its history. Personal data is masked before it gets here and
    secrets (passwords, tokens, session keys, one-time codes) never do."""

    time = models.DateTimeField("时间", db_index=True)
    actor_username = models.CharField("操作人", max_length=150, blank=True, default="")
    actor_id = models.BigIntegerField("操作人编号", null=True, blank=True)
    actor_roles = models.JSONField("操作人角色", default=list, blank=True)
    ip = models.CharField("来源地址", max_length=45, blank=True, default="")
    action = models.CharField("事件", max_length=30, choices=Action)
    object_type = models.CharField("对象类型", max_length=100, blank=True, default="")
    object_id = models.CharField("对象编号", max_length=64, blank=True, default="")
    object_repr = models.CharField("对象", max_length=200, blank=True, default="")
    result = models.CharField("结果", max_length=10, choices=Result, default=Result.SUCCESS)
    reason = models.CharField("原因/说明", max_length=500, blank=True, default="")
    details = models.JSONField("详情", default=dict, blank=True)
    previous_hash = models.CharField("前一条哈希", max_length=64, blank=True, default="")
    hash = models.CharField("哈希", max_length=64, unique=True)

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-id"]
        default_permissions = ("view",)
        permissions = [("export_auditevent", "导出审计日志")]
        indexes = [
            models.Index(fields=["action", "-time"], name="audit_event_action_time"),
            models.Index(fields=["actor_username", "-time"], name="audit_event_actor_time"),
            models.Index(fields=["object_type", "object_id"], name="audit_event_object"),
        ]

    def __str__(self):
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.actor_username or '—'} {self.get_action_display()}"

    def hashed_fields(self) -> dict:
        from portal.audit.chain import HASHED_FIELDS

        return {name: getattr(self, name) for name in HASHED_FIELDS}


class ChainHead(models.Model):
    """The chain's last row (id and hash), one row kept by the database itself: an insert
    into the log moves it forward in the same transaction (migration 0003's trigger), and
    it can never move back, be deleted or be emptied. Rows removed at the end of the log
    (or the whole log emptied) leave the chain ending short of this head, which
    ``verify_audit`` reports."""

    last_id = models.BigIntegerField("最后一条编号")
    last_hash = models.CharField("最后一条哈希", max_length=64)

    class Meta:
        verbose_name = "审计日志链头"
        verbose_name_plural = "审计日志链头"
        default_permissions = ()

    def __str__(self):
        return f"{self.last_id} {self.last_hash[:12]}"
