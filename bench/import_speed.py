"""Bulk import speed: rows per second through the same resource the admin and the
``import_documents`` command use."""

import statistics
import time

from django.db import transaction
from tablib import Dataset

from disclosure import demo
from disclosure.resources import DocumentResource
from portal.models import Organization

HEADERS = [
    "标题",
    "发文字号",
    "发布机构",
    "主题分类",
    "体裁分类",
    "成文日期",
    "发布日期",
    "有效性",
    "正文",
]


def catalogue_rows(count: int) -> Dataset:
    organizations = [o.name for o in Organization.objects.filter(name__startswith="重庆市民政局")]
    dataset = Dataset(headers=HEADERS)
    for item in demo.generate(count, seed=7, organizations=organizations, series="渝民函"):
        dataset.append(
            [
                item.title,
                item.document_number,
                item.organization,
                item.category,
                item.genre,
                item.written_on.isoformat(),
                item.published_at.strftime("%Y-%m-%d %H:%M"),
                item.validity,
                "\n".join(item.body_paragraphs),
            ]
        )
    return dataset


def _timed_import(dataset, **resource_kwargs) -> tuple[float, dict]:
    resource = DocumentResource(**resource_kwargs)
    started = time.perf_counter()
    result = resource.import_data(
        dataset, use_transactions=True, rollback_on_validation_errors=True
    )
    elapsed = time.perf_counter() - started
    if result.has_errors() or result.has_validation_errors():
        raise RuntimeError("benchmark import reported errors")
    return elapsed, result.totals


class _RolledBack(Exception):
    pass


def _rolled_back_import(dataset, **resource_kwargs) -> float:
    """One more import of the same new rows, undone afterwards."""
    try:
        with transaction.atomic():
            elapsed, _ = _timed_import(dataset, **resource_kwargs)
            raise _RolledBack
    except _RolledBack:
        return elapsed


def measure_import(count: int, runs: int = 3) -> list[tuple[str, str, str]]:
    """The median of ``runs`` imports of the same new rows (all but the last rolled back),
    then the same file once more, which changes nothing."""
    from django.contrib.auth import get_user_model

    publisher = get_user_model().objects.get(username="publisher")
    dataset = catalogue_rows(count)
    times = [_rolled_back_import(dataset, publish_as=publisher) for _ in range(runs - 1)]
    last, totals = _timed_import(dataset, publish_as=publisher)
    times.append(last)
    first = statistics.median(times)
    again, again_totals = _timed_import(dataset, publish_as=publisher)
    spread = "–".join(f"{count / t:,.0f}" for t in (max(times), min(times)))
    return [
        (
            f"导入 {count:,} 行（新建并迁移发布）",
            f"{count / first:,.0f} 行/秒",
            f"{first:.1f} 秒，{runs} 次的中位数（{spread} 行/秒）；新增 {totals['new']}，"
            "含索引号分配、正文清洗和流程记录",
        ),
        (
            f"再次导入同一文件（{count:,} 行）",
            f"{count / again:,.0f} 行/秒",
            f"{again:.1f} 秒；未变 {again_totals['skip']}，不写入",
        ),
    ]
