"""``make bench``: performance figures, measured in a database of their own.

The benchmark database (``<name>_bench``) is created on the same server with Django's
test-database machinery, filled, measured and dropped again, so the demo data is never
touched. Results are printed and written to ``bench/results.md`` with the machine's
description.
"""

import os
import platform
import time
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DatabaseError, connection

RESULTS = Path(settings.BASE_DIR) / "bench" / "results.md"


class Command(BaseCommand):
    help = "在独立的基准数据库中测量性能，结果写入 bench/results.md。"

    def add_arguments(self, parser):
        parser.add_argument("--documents", type=int, default=100_000)
        parser.add_argument("--import-rows", type=int, default=10_000)
        parser.add_argument("--letters", type=int, default=100_000)

    def handle(self, *args, documents: int, import_rows: int, letters: int, **options):
        old_name = connection.settings_dict["NAME"]
        bench_name = f"{old_name}_bench"
        connection.settings_dict["TEST"] = {
            **connection.settings_dict.get("TEST", {}),
            "NAME": bench_name,
        }
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            from bench.catalogue_speed import measure_catalogue
            from bench.import_speed import measure_import
            from bench.mailbox_speed import measure_mailbox
            from bench.plans_speed import measure_plans
            from bench.search_speed import measure_search, query_mix
            from bench.throughput import measure_throughput
            from bench.title_recall import REAL_TITLES, measure_title_recall

            rows = self._seed(documents)
            for measure in (
                lambda: measure_import(import_rows),
                measure_title_recall,
                lambda: measure_search(documents + import_rows + len(REAL_TITLES)),
                measure_catalogue,
                lambda: measure_throughput(query_mix()),
                lambda: measure_mailbox(letters),
                measure_plans,
            ):
                measured = measure()
                self.stdout.write(self._table(measured, header=False))  # as it goes
                rows += measured
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        table = self._table(rows)
        self.stdout.write(table)
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(self._report(table), encoding="utf-8")
        self.stdout.write(f"\n结果已写入 {RESULTS.relative_to(settings.BASE_DIR)}")

    def _seed(self, documents: int) -> list[tuple[str, str, str]]:
        call_command("load_demo", stdout=open(os.devnull, "w"))
        started = time.perf_counter()
        call_command("seed_demo", documents=documents, seed=2019, stdout=open(os.devnull, "w"))
        elapsed = time.perf_counter() - started
        self.stdout.write(f"已生成 {documents:,} 个文件，用时 {elapsed:.0f} 秒")
        # A catalogue at rest, as autovacuum and the checkpointer leave it: otherwise
        # autovacuum's first run after 100,000 inserts, and the checkpoint their WAL set
        # off, take a core away from whatever is measured next (the import: 20 % slower).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
            try:
                cursor.execute("CHECKPOINT")
            except DatabaseError:  # a role without pg_checkpoint: measured without
                self.stdout.write("（无权执行 CHECKPOINT：导入测量可能偏慢）")
        return [
            (
                f"生成 {documents:,} 个已发布文件（seed_demo）",
                f"{documents / elapsed:,.0f} 个/秒",
                f"{elapsed:.0f} 秒，含检索索引",
            )
        ]

    @staticmethod
    def _table(rows, *, header: bool = True) -> str:
        lines = ["| 测量 | 数值 | 说明 |", "| --- | --- | --- |"] if header else []
        lines += [f"| {name} | {value} | {note} |" for name, value, note in rows]
        return "\n".join(lines)

    @staticmethod
    def _report(table: str) -> str:
        cpu = next(
            (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
            platform.processor(),
        ) if Path("/proc/cpuinfo").exists() else platform.processor()  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = cursor.fetchone()[0]
        return (
            f"# Benchmark results\n\n"
            f"Measured {datetime.now():%Y-%m-%d %H:%M} with `make bench` on {platform.node()}: "
            f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
            f"PostgreSQL {server}.\n\n{table}\n"
        )
