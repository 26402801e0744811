"""Bulk import speed: rows per second through the same resource the admin and the
``import_documents`` command use."""

import time

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


def measure_import(count: int) -> list[tuple[str, str, str]]:
    from django.contrib.auth import get_user_model

    publisher = get_user_model().objects.get(username="publisher")
    dataset = catalogue_rows(count)
    first, totals = _timed_import(dataset, publish_as=publisher)
    again, again_totals = _timed_import(dataset, publish_as=publisher)
    return [
        (
            f"导入 {count:,} 行（新建并迁移发布）",
            f"{count / first:,.0f} 行/秒",
            f"{first:.1f} 秒；新增 {totals['new']}，含索引号分配、正文清洗和流程记录",
        ),
        (
            f"再次导入同一文件（{count:,} 行）",
            f"{count / again:,.0f} 行/秒",
            f"{again:.1f} 秒；未变 {again_totals['skip']}，不写入",
        ),
    ]
