from django.core.management.base import BaseCommand

from portal.holiday_source import sync_calendar
from portal.models import CalendarDay


class Command(BaseCommand):
    help = "从 chinesecalendar 包补充法定节假日和调休上班日（已有日期不变）。"

    def handle(self, *args, **options):
        added = sync_calendar(CalendarDay)
        self.stdout.write(f"新增 {added} 天。")
