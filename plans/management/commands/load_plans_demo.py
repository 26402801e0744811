from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from plans import demo


class Command(BaseCommand):
    help = (
        "加载演示用年度政务公开工作方案（2019年方案及本年度方案，由种子文件分解）"
        "（在 load_demo、load_interpretation_demo 之后运行）；可重复执行。"
    )

    def handle(self, *args, **options):
        names = ["admin", "clerk", "supervisor"]
        users = get_user_model().objects.in_bulk(names, field_name="username")
        if len(users) < len(names):
            raise CommandError("请先运行 manage.py load_demo 加载演示机构、种子文件和账号。")
        created = demo.load(**users)
        if created:
            listed = "、".join(f"{plan.year}年（{plan.tasks.count()}项任务）" for plan in created)
            self.stdout.write(f"演示工作方案就绪：新建 {listed}。")
        else:
            self.stdout.write("演示工作方案已存在，未作改动。")
