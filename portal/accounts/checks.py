"""Refuse to run with the demo accounts (whose password is in the README) unless
``ALLOW_DEMO_ACCOUNTS`` says this is the demo. Only the demo's account names are checked:
Argon2 is slow on purpose, and no one can give another account the demo password
(``CommonPasswordValidator`` refuses it)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.checks import Error, Tags, register
from django.db import DatabaseError

from portal.accounts.demo import DEMO_PASSWORD, DEMO_USERNAMES


@register(Tags.security)
def demo_accounts_check(app_configs=None, **kwargs):
    if settings.ALLOW_DEMO_ACCOUNTS:
        return []
    try:
        candidates = list(
            get_user_model()
            .objects.filter(username__in=DEMO_USERNAMES, is_active=True)
            .values_list("username", "password")
        )
    except DatabaseError:
        return []  # no database or no tables yet: nothing to refuse
    # hashers.check_password, not user.check_password: a check never rewrites a hash.
    found = [name for name, encoded in candidates if check_password(DEMO_PASSWORD, encoded)]
    if not found:
        return []
    return [
        Error(
            f"演示账号仍可用演示密码登录：{'、'.join(sorted(found))}。",
            hint="生产环境请停用这些账号或修改其密码；只有演示站点才设置 ALLOW_DEMO_ACCOUNTS=true。",
            id="accounts.E001",
        )
    ]
