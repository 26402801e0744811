"""The production check (``manage.py check --deploy``): the switches that exist for
automated acceptance tests must be off when DEBUG is."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def test_switches_off_in_production(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []
    errors = []
    if settings.CAPTCHA_TEST_MODE:
        errors.append(
            Error(
                "CAPTCHA_TEST_MODE 已开启：验证问题接受固定答案 PASSED，生产环境必须关闭。",
                hint="删除环境变量 CAPTCHA_TEST_MODE 或设为 false。",
                id="mailbox.E001",
            )
        )
    if not settings.RATELIMIT_ENABLE:
        errors.append(
            Error(
                "RATELIMIT_ENABLE=false：写信和查询不限频率，生产环境必须开启。",
                hint="删除环境变量 RATELIMIT_ENABLE 或设为 true。",
                id="mailbox.E002",
            )
        )
    return errors
