"""Daily (cron): mark the leaves of active plans past their 完成时限 as 已逾期, and settle
those whose deadline moved later. Safe to run twice: the second run changes nothing."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from plans.services import tasks_mark_overdue


class Command(BaseCommand):
    help = "标记超过完成时限的任务为“已逾期”（每日运行一次，可重复运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按此日期检查（YYYY-MM-DD），默认今天。")

    def handle(self, *args, today=None, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"日期“{today}”无效，应为 2019-07-19 这样的格式。") from error
        changed = tasks_mark_overdue(today=day)
        self.stdout.write(f"{day:%Y-%m-%d}：{changed} 项任务状态已更新。")
