"""Search quality and speed at scale: recall against substring matching, index size,
full-page latency for a fixed mix of queries, and the time to rebuild the index."""

import statistics
import time

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.test import Client

from disclosure.models import Document
from portal import publication
from portal.models import SearchEntry

TWO_CHARACTER_WORDS = [
    "低保",
    "婚姻",
    "养老",
    "救助",
    "殡葬",
    "社团",
    "地名",
    "慰问",
    "优抚",
    "扶贫",
    "防汛",
    "消防",
    "标准",
    "舆情",
    "公示",
    "网站",
    "信箱",
    "解读",
    "预算",
    "残疾",
]
PHRASES = [
    "政务公开工作",
    "城乡低保标准",
    "特困人员救助供养",
    "婚姻登记服务",
    "养老机构安全管理",
    "行政区划和地名管理",
    "社会组织登记管理",
    "防汛抗旱救灾",
    "政策解读",
    "依申请公开",
    "网络安全等级保护",
    "市长信箱 局长信箱",
]
TRADITIONAL = ["養老服務", "婚姻登記", "臨時救助", "政務公開", "社會組織", "優撫安置"]
COMMON = ["工作", "通知", "重庆市", "民政局", "政务", "公开", "做好", "进一步"]
RECALL_WORDS = ["婚姻", "低保", "养老", "救助", "政务公开", "局"]  # fmt: skip


def _document_numbers(count: int) -> list[str]:
    numbers = list(
        Document.objects.published()
        .exclude(document_number="")
        .values_list("document_number", flat=True)[:count]
    )
    styles = [
        lambda n: n,
        lambda n: n.replace("〔", "[").replace("〕", "]"),
        lambda n: n.replace("〔", "（").replace("〕", "）"),
    ]
    return [styles[i % len(styles)](number) for i, number in enumerate(numbers)]


def query_mix() -> list[str]:
    return TWO_CHARACTER_WORDS + PHRASES + TRADITIONAL + COMMON + _document_numbers(6)


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure_latency(queries, *, repeats: int = 3) -> dict:
    """Full-page latency of real searches: the page cache is emptied before each request
    (the database's own buffers stay warm, as on a running site)."""
    client = Client(HTTP_HOST="localhost")
    for query in queries:
        client.get("/search/", {"q": query})
    timings = []
    for _ in range(repeats):
        for query in queries:
            cache.clear()
            started = time.perf_counter()
            response = client.get("/search/", {"q": query})
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code not in (200, 302):
                raise RuntimeError(f"search for {query!r} answered {response.status_code}")
    return {"p50": statistics.median(timings), "p95": _percentile(timings, 0.95), "n": len(timings)}


def measure_recall(words) -> list[tuple[str, int, int, int]]:
    """(word, documents containing it, found by search, found but not containing it)."""
    rows = []
    for word in words:
        containing = set(
            Document.objects.published()
            .filter(Q(title__contains=word) | Q(body__contains=word) | Q(summary__contains=word))
            .values_list("pk", flat=True)
        )
        from django.contrib.postgres.search import SearchQuery

        from portal.search.textsearch import tsquery

        query = SearchQuery(tsquery(word), search_type="raw", config="simple")
        found = set(SearchEntry.objects.filter(vector=query).values_list("object_id", flat=True))
        rows.append((word, len(containing), len(found & containing), len(found - containing)))
    return rows


def index_size() -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_relation_size('portal_search_vector'), pg_total_relation_size('portal_searchentry')"
        )
        return cursor.fetchone()


def measure_search(documents: int) -> list[tuple[str, str, str]]:
    started = time.perf_counter()
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))
    rebuild = time.perf_counter() - started
    with connection.cursor() as cursor:
        # As autovacuum would soon after a rebuild: the old rows' versions cleared from the
        # table and its indexes, and the statistics taken again.
        cursor.execute("VACUUM (ANALYZE) portal_searchentry")
    publication.reset_process_caches()  # as a running site reads the statistics again
    gin, total = index_size()
    queries = query_mix()
    latency = measure_latency(queries)
    by_kind = {
        "两字词": measure_latency(TWO_CHARACTER_WORDS, repeats=2),
        "常用词（匹配大多数文件）": measure_latency(COMMON, repeats=2),
        "繁体": measure_latency(TRADITIONAL, repeats=2),
    }
    rows = [
        (
            f"检索整页延迟（{len(queries)} 个查询 ×3）",
            f"p50 {latency['p50']:.0f} ms，p95 {latency['p95']:.0f} ms",
            "不经页面缓存；含结果、总数和分面统计；进程内测量",
        ),
    ]
    rows += [
        (f"　其中{name}", f"p50 {v['p50']:.0f} ms，p95 {v['p95']:.0f} ms", "")
        for name, v in by_kind.items()
    ]
    for word, containing, hit, extra in measure_recall(RECALL_WORDS):
        recall = hit / containing if containing else 1
        rows.append(
            (
                f"召回率“{word}”",
                f"{recall:.1%}",
                f"含该词 {containing} 篇，检出 {hit} 篇，误检 {extra} 篇",
            )
        )
    rows += [
        (
            "检索索引大小",
            f"GIN {gin / 2**20:.0f} MB，表合计 {total / 2**20:.0f} MB",
            f"{documents:,} 篇文件（二元分词，正文不存位置）",
        ),
        ("重建检索索引", f"{rebuild:.0f} 秒", f"{documents / rebuild:,.0f} 篇/秒"),
    ]
    return rows
