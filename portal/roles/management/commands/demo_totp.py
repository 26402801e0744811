"""Print the current TOTP code of a demo account (the demo's second factor, for trying the
site without an authenticator app). Only devices holding the published demo secret answer:
this is no way round anyone else's second factor."""

from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.roles.demo import DEMO_TOTP_KEY, next_code


class Command(BaseCommand):
    help = "打印演示账号当前的动态验证码（仅限使用公开演示密钥的账号）。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="演示账号，如 admin、sysadmin、secadmin、auditor")

    def handle(self, *args, username, **options):
        device = (
            TOTPDevice.objects.filter(user__username=username, confirmed=True, key=DEMO_TOTP_KEY)
            .order_by("pk")
            .first()
        )
        if device is None:
            raise CommandError(f"{username} 没有使用演示密钥的身份验证器（先运行 load_demo）。")
        self.stdout.write(next_code(device))
