"""The mailbox under load: 200 concurrent letter submissions against gunicorn (all
stored, unique tracking codes, no 5xx, submissions per second), then the public reply
list and the statistics page with 100,000 letters in the database, their latency."""

import http.cookiejar
import re
import secrets
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from bench.throughput import Gunicorn
from mailbox.models import Kind, Letter, Mailbox, Reply
from portal import credentials, publication
from portal.models import Organization, Status

SUBMISSIONS = 200
REPEATS = 30
TOKEN = re.compile(r'name="(csrfmiddlewaretoken|submission_token)" value="([^"]+)"')
CODE = re.compile(r'id="tracking-code">([^<]+)<')


def _mailbox(slug: str) -> Mailbox:
    organization = Organization.objects.order_by("tree_id", "lft").first()
    if organization is None:
        organization = Organization.objects.create(name="基准测试机关")
    mailbox, _ = Mailbox.objects.get_or_create(
        slug=slug, defaults={"name": f"基准信箱 {slug}", "organization": organization}
    )
    return mailbox


def _write(base: str, slug: str, n: int, start: threading.Barrier, out: list) -> None:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    url = f"{base}/mailbox/{slug}/write/"
    try:
        form = dict(TOKEN.findall(opener.open(url, timeout=60).read().decode()))
    except OSError as error:
        start.wait()
        out.append((0, "", str(error)))
        return
    body = urllib.parse.urlencode({
        **form, "kind": "consult", "subject": f"基准测试来信第{n}封", "body": "这是一封基准测试来信的正文内容。",
        "name": "测试", "phone": f"139{n:08d}", "consent": "yes", "captcha": "PASSED",
    }).encode()  # fmt: skip
    start.wait()  # every writer posts at the same moment
    try:
        response = opener.open(urllib.request.Request(url, data=body, method="POST"), timeout=120)
        status, page = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, page = error.code, ""
    except OSError as error:
        status, page = 0, str(error)
    found = CODE.search(page)
    out.append((status, found.group(1) if found else "", ""))


def measure_submissions(count: int = SUBMISSIONS) -> list[tuple[str, str, str]]:
    call_command("createcachetable", verbosity=0)
    mailbox = _mailbox("bench-write")
    before = Letter.objects.filter(mailbox=mailbox).count()
    server = Gunicorn(page_cache=True)
    server.environment.update({"CAPTCHA_TEST_MODE": "true", "RATELIMIT_ENABLE": "false",
                               "WEB_CONCURRENCY": "4",
                               # gunicorn refuses to start with those two otherwise
                               "SILENCED_SYSTEM_CHECKS": "mailbox.E001,mailbox.E002"})  # fmt: skip
    results: list = []
    with server:
        start = threading.Barrier(count + 1)
        threads = [
            threading.Thread(target=_write, args=(server.url(""), mailbox.slug, n, start, results))
            for n in range(count)
        ]
        for thread in threads:
            thread.start()
        start.wait()
        began = time.perf_counter()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
    statuses = [status for status, _, _ in results]
    codes = [code for _, code, _ in results if code]
    stored = Letter.objects.filter(mailbox=mailbox).count() - before
    server_errors = sum(1 for s in statuses if s >= 500 or s == 0)
    unique = len(set(codes)) == len(codes) == count
    in_db = set(
        Letter.objects.filter(tracking_code__in=codes).values_list("tracking_code", flat=True)
    )
    return [
        (
            f"并发写信（{count} 个同时提交）",
            f"{count / elapsed:,.0f} 封/秒",
            f"{elapsed:.1f} 秒；入库 {stored} 封，查询码{'均不重复' if unique else '有重复或缺失'}"
            f"且{'全部' if in_db == set(codes) else '未全部'}可在库中查到，5xx 或连接失败 {server_errors} 次"
            f"（gunicorn 4 进程）",
        )
    ]


def seed_letters(total: int, *, batch: int = 5000) -> None:
    """``total`` letters over the last 12 months in two mailboxes, in every state; one in
    twenty closed with the writer's consent and its reply published."""
    boxes = [_mailbox("bench-mayor"), _mailbox("bench-director")]
    now = timezone.now()
    password = credentials.hash_password("BENCH")
    statuses = [Letter.Status.CLOSED] * 6 + [Letter.Status.ASSIGNED, Letter.Status.ACCEPTED,
                                             Letter.Status.RECEIVED, Letter.Status.REJECTED]  # fmt: skip
    kinds = Kind.values
    for offset in range(0, total, batch):
        letters = []
        for n in range(offset, min(offset + batch, total)):
            received = now - timedelta(minutes=(n * 5_256) % 525_600)
            status = statuses[n % len(statuses)]
            closed = status == Letter.Status.CLOSED
            letters.append(Letter(
                mailbox=boxes[n % 2], kind=kinds[n % len(kinds)], subject=f"关于城乡低保和养老服务的来信{n}",
                body="来信内容。", name="测试", phone="13900000000", consents_to_publish=n % 20 == 0,
                tracking_code=secrets.token_hex(6).upper(), password_hash=password,
                submission_token=f"bench-{n}-{secrets.token_hex(4)}", status=status, received_at=received,
                accepted_on=None if status in ("received", "rejected") else received.date(),
                due_on=received.date() + timedelta(days=14), closed_at=received + timedelta(days=5) if closed else None,
                reply_working_days=3 if closed else None, closed_on_time=(n % 7 != 0) if closed else None,
                satisfaction=["satisfied", "basically", "unsatisfied", ""][n % 4] if closed else "",
                reply_text="答复内容。" if closed else "",
            ))  # fmt: skip
        Letter.objects.bulk_create(letters, batch_size=batch)
        replies = [
            Reply(
                letter=letter, mailbox=letter.mailbox, kind=letter.kind, title=letter.subject,
                letter_text="关于城乡低保申请条件的咨询。", answer="请向户籍所在地街道提出申请。",
                accepted_on=letter.accepted_on, replied_on=letter.closed_at.date(),
                department=letter.mailbox.organization, owner_organization=letter.mailbox.organization,
                status=Status.PUBLISHED, is_live=True, published_at=letter.closed_at,
                last_published_at=letter.closed_at,
            )
            for letter in letters
            if letter.consents_to_publish and letter.status == Letter.Status.CLOSED
        ]  # fmt: skip
        Reply.objects.bulk_create(replies, batch_size=batch)
    publication.bump()


def _latency(client: Client, path: str, *, before=None) -> tuple[float, float]:
    times = []
    for _ in range(REPEATS):
        if before:
            before()
        started = time.perf_counter()
        response = client.get(path, HTTP_HOST="127.0.0.1")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def measure_pages(total: int) -> list[tuple[str, str, str]]:
    started = time.perf_counter()
    seed_letters(total)
    seeded = time.perf_counter() - started
    client = Client()
    replies = Reply.objects.filter(is_live=True).count()
    rows = [
        (f"生成 {total:,} 封来信", f"{total / seeded:,.0f} 封/秒", f"其中公开答复 {replies:,} 条")
    ]

    def fresh():
        publication.reset_process_caches()
        cache.clear()

    pages = [
        ("公开答复列表（首页）", "/mailbox/bench-mayor/", fresh, "无页面缓存"),
        ("公开答复列表（第 50 页）", "/mailbox/bench-mayor/?page=50", fresh, "无页面缓存"),
        ("公开答复检索“低保”", "/mailbox/bench-mayor/?q=低保", fresh, "无页面缓存，全部答复中匹配"),
        ("办理统计页（冷）", "/mailbox/stats/", fresh, f"三次分组统计 {total:,} 封来信，无缓存"),
        ("办理统计页（热）", "/mailbox/stats/", None, "统计数据缓存 5 分钟"),
    ]
    for label, path, before, note in pages:
        p50, p95 = _latency(client, path, before=before)
        rows.append((label, f"p50 {p50:.0f} ms，p95 {p95:.0f} ms", f"进程内，{REPEATS} 次；{note}"))
    return rows


def measure_mailbox(letters: int, submissions: int = SUBMISSIONS) -> list[tuple[str, str, str]]:
    return measure_submissions(submissions) + measure_pages(letters)
