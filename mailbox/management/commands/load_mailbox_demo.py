from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mailbox import demo


class Command(BaseCommand):
    help = "加载演示用市长信箱、局长信箱及来信（在 load_demo 之后运行）；可重复执行。"

    @transaction.atomic
    def handle(self, *args, **options):
        names = ["admin", "clerk", "reviewer", "publisher"]
        users = get_user_model().objects.in_bulk(names, field_name="username")
        if len(users) < len(names):
            raise CommandError("请先运行 manage.py load_demo 加载演示机构和账号。")
        count, code, password = demo.load(**users)
        self.stdout.write(
            f"演示信箱就绪：共 {count} 封来信。示例查询码 {code}，查询密码 {password}。"
        )
