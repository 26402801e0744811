"""``manage.py verify_audit``: recompute the audit log's hash chain (exit 1 when broken)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.audit.verification import verify_table


class Command(BaseCommand):
    help = "校验审计日志的哈希链：发现被修改、删除或插入的记录时报告第一条并以非零状态退出。"

    def handle(self, *args, **options):
        outcome = verify_table()
        for warning in outcome.warnings:
            self.stderr.write(f"注意：{warning}")
        if not outcome.intact:
            when = (
                timezone.localtime(outcome.broken_time).strftime("%Y-%m-%d %H:%M:%S")
                if outcome.broken_time
                else "—"
            )
            raise CommandError(
                f"审计日志被篡改：第一条异常记录 id={outcome.broken_id}，时间 {when}：{outcome.problem}"
                f"（此前 {outcome.count} 条完整）"
            )
        self.stdout.write(f"审计日志完整：{outcome.count} 条")
