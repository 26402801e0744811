"""What the account controls remember: earlier passwords, login failures, lockouts and
each account's open sessions. Every row lives in the database, so several app servers
enforce one limit."""

from django.conf import settings
from django.db import models


class PasswordHistory(models.Model):
    """One password an account has had (its hash only), newest last. The newest row also
    gives the password's age and whether an administrator set it (then it must be changed
    at the next login)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="账号",
        on_delete=models.CASCADE,
        related_name="password_history",
    )
    password = models.CharField("密码散列", max_length=128)
    created_at = models.DateTimeField("设置时间")
    is_temporary = models.BooleanField(
        "管理员设置的临时密码", default=False, help_text="首次登录时必须修改。"
    )

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="accounts_pwhistory_user")]

    def __str__(self):
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class LoginFailure(models.Model):
    """One failed login, counted per account name and per source address for the windows
    of :mod:`portal.accounts.lockout`; rows older than the windows are deleted."""

    username = models.CharField("用户名", max_length=150)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "登录失败"
        verbose_name_plural = "登录失败"
        indexes = [
            models.Index(fields=["username", "at"], name="accounts_failure_username"),
            models.Index(fields=["ip", "at"], name="accounts_failure_ip"),
        ]

    def __str__(self):
        return f"{self.username} {self.at:%Y-%m-%d %H:%M:%S}"


class Lockout(models.Model):
    """An account name or a source address refused until ``locked_until``, unless a
    security administrator lifts it earlier."""

    class Kind(models.TextChoices):
        ACCOUNT = "account", "账号"
        IP = "ip", "来源地址"

    kind = models.CharField("类型", max_length=10, choices=Kind)
    key = models.CharField("账号或地址", max_length=150)
    ip = models.GenericIPAddressField("触发地址", null=True, blank=True)
    locked_at = models.DateTimeField("锁定时间")
    locked_until = models.DateTimeField("锁定至")
    unlocked_at = models.DateTimeField("解锁时间", null=True, blank=True)
    unlocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="解锁人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lockouts_lifted",
    )

    class Meta:
        verbose_name = "登录锁定"
        verbose_name_plural = "登录锁定"
        ordering = ["-locked_at"]
        permissions = [("unlock_account", "可以解除登录锁定")]
        indexes = [
            models.Index(fields=["kind", "key", "locked_until"], name="accounts_lockout_key")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.key}"


class UserSession(models.Model):
    """A session an account is logged in with, so that logging out or changing the
    password can end the account's other sessions (the session store cannot be searched
    by account)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="账号",
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    session_key = models.CharField("会话标识", max_length=64, unique=True)
    created_at = models.DateTimeField("登录时间", auto_now_add=True)

    class Meta:
        verbose_name = "登录会话"
        verbose_name_plural = "登录会话"

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"
