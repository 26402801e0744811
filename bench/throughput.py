"""Throughput under gunicorn, measured with wrk on this machine, beside the ceiling: a
minimal Django view of the same page size on the same gunicorn."""

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import connection

from disclosure.models import Document, TopicCategory

DURATION = int(os.environ.get("BENCH_WRK_SECONDS", "8"))
CONNECTIONS = 16  # as the pipeline issue measured: wrk -c16
WRK_SCRIPT = """
local queries = {%s}
local i = 0
request = function()
  if #queries == 0 then return wrk.format(nil) end
  i = i %% #queries + 1
  return wrk.format(nil, queries[i])
end
done = function(summary, latency, requests)
  io.write(string.format("P95_US %%d\\n", latency:percentile(95)))
end
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@/{s['NAME']}?host={s['HOST']}"


class Gunicorn:
    def __init__(self, *, page_cache: bool):
        self.port = _free_port()
        self.environment = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "PORT": str(self.port),
            "WEB_CONCURRENCY": "2",
            "GUNICORN_ACCESS_LOG": "/dev/null",
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "PORTAL_BENCH_ENDPOINTS": "1",
            "PAGE_CACHE": "true" if page_cache else "false",
            "CACHE_REDIS_URL": "",  # the benchmark never touches a shared cache
        }

    def __enter__(self):
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.process = subprocess.Popen(
            [str(gunicorn), "-c", "portal/gunicorn_conf.py"],
            cwd=settings.BASE_DIR,
            env=self.environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url("/healthz"), timeout=1)
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def wrk(url: str, paths: list[str] | None = None) -> dict:
    """Requests per second and p95 latency (ms) for ``url`` (or cycling over ``paths``)."""
    quoted = ", ".join(f'"{p}"' for p in (paths or []))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % quoted)
    result = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "-s", script.name, url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    os.unlink(script.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))
    p95 = int(re.search(r"P95_US (\d+)", result.stdout).group(1)) / 1000
    if "Non-2xx" in result.stdout:
        raise RuntimeError(f"wrk saw errors for {url}:\n{result.stdout}")
    return {"rps": rate, "p95": p95}


def _size(url: str) -> int:
    return len(urllib.request.urlopen(url, timeout=30).read())


def measure_throughput(search_queries: list[str]) -> list[tuple[str, str, str]]:
    document = Document.objects.published().order_by("-published_at").first()
    civil = TopicCategory.objects.get(name="民政、扶贫、救灾", parent=None)
    pages = [
        ("目录页", "/disclosure/"),
        ("筛选后的目录页", f"/disclosure/?category={civil.pk}&year={document.published_at.year}"),
        ("文件页", document.get_absolute_url()),
    ]
    search_paths = [f"/search/?q={urllib.request.quote(q)}" for q in search_queries]
    rows = []
    with Gunicorn(page_cache=True) as server:
        for label, path in pages:
            rows.append(_compare(server, label, path))
        rows.append(_compare(server, "检索页（热缓存）", search_paths[0], cycle=search_paths))
    with Gunicorn(page_cache=False) as server:
        rows.append(
            _compare(server, "检索页（冷，无页面缓存）", search_paths[0], cycle=search_paths)
        )
        for label, path in pages[:1]:
            rows.append(_compare(server, f"{label}（无页面缓存）", path))
    return rows


def _compare(server, label, path, cycle=None) -> tuple[str, str, str]:
    size = _size(server.url(path))
    page = wrk(server.url(path if not cycle else "/"), cycle)
    ceiling = wrk(server.url(f"/__bench__/minimal/{size}/"))
    ratio = page["rps"] / ceiling["rps"]
    return (
        f"吞吐：{label}",
        f"{page['rps']:,.0f} 次/秒，p95 {page['p95']:.0f} ms",
        f"同尺寸最小视图 {ceiling['rps']:,.0f} 次/秒，比值 {ratio:.0%}（{size / 1024:.0f} KB，gunicorn 2 进程，wrk {CONNECTIONS} 连接 {DURATION} 秒）",
    )
