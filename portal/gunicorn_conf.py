"""Gunicorn settings for ``make run`` and production (``gunicorn -c portal/gunicorn_conf.py portal.wsgi``).

When the project runs its own PostgreSQL (no DATABASE_URL), stopping gunicorn with Ctrl-C
or SIGTERM stops that server too. If gunicorn is killed outright, the server keeps
running and the next start reuses it.
"""

import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
# Query strings are left out of the access log: a citizen's search or form data never
# ends up in a log file.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
wsgi_app = "portal.wsgi:application"


def when_ready(server):
    server.log.info("门户已启动：http://%s/", bind)


def on_exit(server):
    if os.environ.get("DATABASE_URL"):
        return
    from portal.embedded_db import stop

    if stop():
        server.log.info("嵌入式 PostgreSQL 已停止")
