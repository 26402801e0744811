"""Refuse to run while an account still has the demo's TOTP key (published in the README
and by load_demo) unless ``ALLOW_DEMO_ACCOUNTS`` says this is the demo: with it, the second
factor protects nothing."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError


@register(Tags.security)
def demo_second_factor_check(app_configs=None, **kwargs):
    if settings.ALLOW_DEMO_ACCOUNTS:
        return []
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.roles.demo import DEMO_TOTP_KEY

    try:
        found = sorted(
            TOTPDevice.objects.filter(key=DEMO_TOTP_KEY, user__is_active=True).values_list(
                "user__username", flat=True
            )
        )
    except DatabaseError:
        return []  # no database or no tables yet: nothing to refuse
    if not found:
        return []
    return [
        Error(
            f"以下账号仍使用公开的演示动态验证码密钥：{'、'.join(found)}。",
            hint="生产环境请由安全管理员重置这些账号的双因素认证（或停用账号）；"
            "只有演示站点才设置 ALLOW_DEMO_ACCOUNTS=true。",
            id="roles.E001",
        )
    ]
