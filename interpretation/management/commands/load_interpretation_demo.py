from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from interpretation import demo


class Command(BaseCommand):
    help = "加载演示用政策解读（在 load_demo 之后运行）；可重复执行。"

    @transaction.atomic
    def handle(self, *args, **options):
        users = get_user_model().objects.in_bulk(["admin", "clerk"], field_name="username")
        if len(users) < 2:
            raise CommandError("请先运行 manage.py load_demo 加载演示机构、文件和账号。")
        count = demo.load(admin=users["admin"], clerk=users["clerk"])
        self.stdout.write(f"演示政策解读就绪：共 {count} 篇。")
