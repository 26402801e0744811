"""Gunicorn settings for ``make run`` and production (``gunicorn -c portal/gunicorn_conf.py portal.wsgi``).

When the project runs its own PostgreSQL (no DATABASE_URL), stopping gunicorn with Ctrl-C
or SIGTERM stops that server too. If gunicorn is killed outright, the server keeps
running and the next start reuses it.
"""

import os
import sys

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
# Query strings are left out of the access log: a citizen's search or form data never
# ends up in a log file.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
wsgi_app = "portal.wsgi:application"
# Gunicorn's runtime control socket is not used; the default path is shared by every
# instance on the machine.
control_socket_disable = True


_served = False


def _terminate_when_parent_dies():
    if not sys.platform.startswith("linux"):
        return  # prctl is Linux's; elsewhere an orphan is stopped by hand
    import ctypes
    import signal

    PR_SET_PDEATHSIG = 1  # Linux: the kernel signals us when our parent process dies
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def failed_checks() -> str:
    """Django's system checks, deployment ones included, at error level: what a portal
    must not start with (demo accounts outside the demo, missing personal-data keys, a
    short audit retention…). Empty when none fails."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    django.setup()
    try:
        call_command("check", deploy=True, fail_level="ERROR", stdout=open(os.devnull, "w"))
    except SystemCheckError as error:
        return str(error)
    return ""


def on_starting(server):
    # `make run` sets this: if make itself is killed, gunicorn follows instead of being
    # left behind holding the port (and on_exit below stops the embedded PostgreSQL).
    if os.environ.get("GUNICORN_STOP_WITH_PARENT") == "1":
        _terminate_when_parent_dies()
    # manage.py runs the checks on every command; gunicorn would not, so a production
    # start with demo accounts present is refused here.
    problems = failed_checks()
    from django.db import connections

    connections.close_all()  # the workers, forked from this process, open their own
    if problems:
        server.log.error("系统检查未通过，门户不启动：\n%s", problems)
        sys.exit(1)


def post_fork(server, worker):
    # A worker never outlives its master, even one killed with SIGKILL.
    _terminate_when_parent_dies()


def when_ready(server):
    global _served
    _served = True
    server.log.info("门户已启动：http://%s/", bind)


def on_exit(server):
    # A gunicorn that never served (say, its port was taken) leaves the database alone.
    if os.environ.get("DATABASE_URL") or not _served:
        return
    from portal.embedded_db import stop

    if stop():
        server.log.info("嵌入式 PostgreSQL 已停止")
