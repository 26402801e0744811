"""Daily (cron): refresh the clocks of open applications so overdue flags follow the days
(silently: a 期限重算 event means the calendar changed, which the calendar's own receiver
records), and on the first days of January record which applications roll over into the
new year. Idempotent: running it twice a day changes nothing the second time."""

from django.core.management.base import BaseCommand

from disclosure.applications.services import daily


class Command(BaseCommand):
    help = "重算依申请公开答复期限、标记超期，并在 1 月办理跨年结转（可重复运行）。"

    def handle(self, *args, **options):
        result = daily()
        self.stdout.write(
            f"已刷新未办结申请 {result['refreshed']} 件，超期 {result['overdue']} 件，"
            f"结转 {result['rolled_over']} 件。"
        )
