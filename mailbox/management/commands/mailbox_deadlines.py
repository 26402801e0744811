"""For a daily cron: letters due within N working days (overdue ones first) and letters
unanswered for more than two months (the 3-month single-veto line, statutory.md §4).
Lists tracking codes, subjects (personal data masked) and departments only, never the
writer's details: cron mails its output to whoever reads the server's mail."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from mailbox.clock import load_calendar
from mailbox.deadlines import days_left
from mailbox.models import Letter
from portal.redaction import redact

STALE_DAYS = 61  # "more than two months"


class Command(BaseCommand):
    help = "列出 N 个工作日内到期（含已逾期）和超过两个月未答复的来信，供每日定时任务使用。"

    def add_arguments(self, parser):
        parser.add_argument("--within", type=int, default=2, help="工作日数，默认 2。")

    def handle(self, *args, within: int, **options):
        today = timezone.localdate()
        calendar = load_calendar(today, today)
        limit = calendar.add(today, max(within, 0))
        due = (
            Letter.objects.due_by(limit).select_related("mailbox", "department").order_by("due_on")
        )
        self.stdout.write(f"{within} 个工作日内到期（截至 {limit}，含已逾期）：")
        count = 0
        for letter in due:
            left = days_left(today=today, due_on=letter.due_on, calendar=calendar)
            state = f"逾期 {-left} 个工作日" if left < 0 else f"剩余 {left} 个工作日"
            self.stdout.write(f"  {letter.tracking_code} {letter.mailbox.name} 期限 {letter.due_on}"
                              f"（{state}）{_department(letter)} {_subject(letter)}")  # fmt: skip
            count += 1
        if not count:
            self.stdout.write("  无")
        stale = (
            Letter.objects.unanswered_since(timezone.now() - timedelta(days=STALE_DAYS))
            .select_related("mailbox", "department")
            .order_by("received_at")
        )
        self.stdout.write("超过两个月未答复（三个月未答复为单项否决）：")
        found = 0
        for letter in stale:
            received = timezone.localdate(letter.received_at)
            self.stdout.write(f"  {letter.tracking_code} {letter.mailbox.name} 收信 {received}"
                              f"（{(today - received).days} 天）{_department(letter)} {_subject(letter)}")  # fmt: skip
            found += 1
        if not found:
            self.stdout.write("  无")


def _department(letter) -> str:
    return f"承办：{letter.department.display_name}" if letter.department else "未转办"


def _subject(letter) -> str:
    return redact(letter.subject, known=letter.known_personal_data)
