from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from disclosure.applications import demo


class Command(BaseCommand):
    help = (
        "加载演示用政府信息公开申请（本年度和上一年度，各种申请方式、申请人类型、办理状态和"
        "办理结果；在 load_demo 之后运行）；可重复执行。"
    )

    @transaction.atomic
    def handle(self, *args, **options):
        names = ["clerk", "reviewer", "publisher"]
        users = get_user_model().objects.in_bulk(names, field_name="username")
        if len(users) < len(names):
            raise CommandError("请先运行 manage.py load_demo 加载演示机构和账号。")
        total, created, code, password = demo.load(**users)
        self.stdout.write(
            f"演示依申请公开就绪：共 {total} 件申请（本次新建 {created} 件）。"
            f"示例查询码 {code}，查询密码 {password}（/disclosure/apply/track/）。"
        )
