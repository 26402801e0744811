"""The admin's login form with the lockout (``portal.accounts.lockout``) in front of it."""

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from portal.accounts import lockout
from portal.audit import client_ip  # X-Forwarded-For only from TRUSTED_PROXIES, validated


def locked_message() -> str:
    return f"登录失败次数过多，请 {settings.LOGIN_LOCK_SECONDS // 60} 分钟后再试或联系安全管理员。"


# One message for an unknown name, a wrong password, an inactive account and an account
# that is not staff: none of them tells which names exist.
INVALID_MESSAGE = "用户名或密码不正确。请注意两者都区分大小写。"


class LockoutAuthenticationForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": INVALID_MESSAGE,
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request) if self.request is not None else ""
        if username and lockout.account_is_locked(username):
            lockout.refuse(username=username, ip=ip, reason="account_locked")
            raise ValidationError(locked_message(), code="locked")
        try:
            cleaned = super().clean()
        except ValidationError as error:
            # ``user_cache`` is set only when the password was right (then the account was
            # refused as not staff): that is no guess to count.
            if username and self.user_cache is None:
                if lockout.login_failed(username=username, ip=ip):
                    raise ValidationError(locked_message(), code="locked") from error
            raise
        if username:
            lockout.login_succeeded(username=username)
        return cleaned
