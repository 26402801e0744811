"""``manage.py seed_demo --documents N [--seed S]``: many realistic published documents,
for benchmarks and for trying the site at scale.

Titles, 发文字号 and bodies are recombined from the seed documents' sentences and spread
over the demo organizations, topic categories, genres and years. Rows are written in bulk
(索引号 drawn in blocks, the search index built in batches), so 100,000 documents take a
few minutes. Run ``load_demo`` first (it creates the organizations).
"""

import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from disclosure import demo
from disclosure.index_numbers import allocate_index_numbers, index_codes
from disclosure.models import Document, Genre, TopicCategory
from disclosure.search_index import index_documents
from portal import publication
from portal.models import Organization, Status
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
        if not organizations:
            raise CommandError("请先运行 manage.py load_demo。")
        categories = {c.name: c for c in TopicCategory.objects.exclude(parent=None)}
        genres = {g.name: g for g in Genre.objects.all()}
        codes = index_codes()
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
            with transaction.atomic():
                rows = [self._document(item, organizations, categories, genres) for item in items]
                numbers = allocate_index_numbers(
                    [(codes[row.organization_id], row.written_on.year) for row in rows]
                )
                for row, number in zip(rows, numbers, strict=True):
                    row.index_number = number
                Document.objects.bulk_create(rows, batch_size=BATCH)
                index_documents([row.pk for row in rows], batch_size=BATCH)
                publication.bump()
            created += count
            self.stdout.write(f"\r已生成 {created}/{documents}", ending="")
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"\n生成 {created} 个已发布文件，用时 {elapsed:.1f} 秒（{created / elapsed:,.0f} 个/秒）。"
        )

    @staticmethod
    def _document(item, organizations, categories, genres) -> Document:
        organization = organizations[item.organization]
        now = timezone.now()
        return Document(
            title=item.title,
            document_number=item.document_number,
            organization=organization,
            owner_organization=organization,
            category=categories[item.category],
            genre=genres[item.genre],
            written_on=item.written_on,
            published_at=min(item.published_at, now - timedelta(minutes=1)),
            last_published_at=now,
            validity=item.validity,
            body=plain_text_to_html("\n".join(item.body_paragraphs)),
            status=Status.PUBLISHED,
            is_live=True,
        )
