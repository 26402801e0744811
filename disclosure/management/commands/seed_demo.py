"""``manage.py seed_demo --documents N [--seed S]``: many realistic published documents,
for benchmarks and for trying the site at scale.

Titles, 发文字号 and bodies are recombined from the seed documents' sentences and spread
over the demo organizations, topic categories, genres and years. They are migrated in
the demo administrator's name through ``disclosure.services.documents_import``, in bulk
(索引号 drawn in blocks, history and search index written in batches), so 100,000
documents take a few minutes. Run ``load_demo`` first (it creates the organizations and
the administrator).
"""

import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from disclosure import demo
from disclosure.models import Document, Genre, TopicCategory
from disclosure.services import documents_import
from portal.models import Organization
from portal.richtext import plain_text_to_html

BATCH = 2000


class Command(BaseCommand):
    help = "批量生成已发布的演示文件（用于性能测试）。"

    def add_arguments(self, parser):
        parser.add_argument("--documents", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=2019)

    def handle(self, *args, documents: int, seed: int, **options):
        organizations = {
            o.name: o for o in Organization.objects.filter(name__startswith="重庆市民政局")
        }
        admin = get_user_model().objects.filter(username="admin").first()
        if not organizations or admin is None:
            raise CommandError("请先运行 manage.py load_demo。")
        categories = {c.name: c for c in TopicCategory.objects.exclude(parent=None)}
        genres = {g.name: g for g in Genre.objects.all()}
        started = time.perf_counter()
        created = 0
        sequences: dict[int, int] = {}  # 文号 sequences continue across batches
        for offset in range(0, documents, BATCH):
            count = min(BATCH, documents - offset)
            items = demo.generate(
                count,
                seed=seed * 100_003 + offset,
                organizations=list(organizations),
                series=f"渝民规{seed}" if seed != 2019 else "渝民规",
                numbers=sequences,
            )
            rows = [self._document(item, organizations, categories, genres) for item in items]
            documents_import(created=rows, by=admin, publish=True)  # one transaction a batch
            created += count
            self.stdout.write(f"\r已生成 {created}/{documents}", ending="")
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"\n生成 {created} 个已发布文件，用时 {elapsed:.1f} 秒（{created / elapsed:,.0f} 个/秒）。"
        )

    @staticmethod
    def _document(item, organizations, categories, genres) -> Document:
        return Document(
            title=item.title,
            document_number=item.document_number,
            organization=organizations[item.organization],
            category=categories[item.category],
            genre=genres[item.genre],
            written_on=item.written_on,
            # Never scheduled: the demo catalogue is public at once.
            published_at=min(item.published_at, timezone.now() - timedelta(minutes=1)),
            validity=item.validity,
            body=plain_text_to_html("\n".join(item.body_paragraphs)),
        )
