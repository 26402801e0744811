"""Gunicorn settings for ``make run`` and production (``gunicorn -c portal/gunicorn_conf.py portal.wsgi``).

When the project runs its own PostgreSQL (no DATABASE_URL), stopping gunicorn with Ctrl-C
or SIGTERM stops that server too. If gunicorn is killed outright, the server keeps
running and the next start reuses it.
"""

import os
import subprocess
import sys

from gunicorn.glogging import Logger

# The project's root, importable also when gunicorn runs from elsewhere: the masking
# filter below comes from it (a module without Django, which the master never imports).
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from portal.log_masking import server_log_filters  # noqa: E402

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
# Query strings are left out of the access log: a citizen's search or form data never
# ends up in a log file.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
wsgi_app = "portal.wsgi:application"


class MaskedLogger(Logger):
    """gunicorn's own log lines masked like Django's: a request that fails before Django
    answers is logged by gunicorn with its URL, query string and all."""

    def setup(self, cfg):
        super().setup(cfg)  # (re)creates the handlers, on every reload too
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                for log_filter in server_log_filters():
                    handler.addFilter(log_filter)


logger_class = MaskedLogger
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
    short audit retention…). Empty when none fails. Run in a process of their own: a
    master that imported Django would hand its modules and settings to every worker it
    forks, and a reload (HUP) would keep serving the old code."""
    manage = os.path.join(_ROOT, "manage.py")
    result = subprocess.run(
        [sys.executable, manage, "check", "--deploy", "--fail-level", "ERROR"],
        capture_output=True,
        text=True,
    )
    return "" if result.returncode == 0 else (result.stderr or result.stdout)


def on_starting(server):
    # `make run` sets this: if make itself is killed, gunicorn follows instead of being
    # left behind holding the port (and on_exit below stops the embedded PostgreSQL).
    if os.environ.get("GUNICORN_STOP_WITH_PARENT") == "1":
        _terminate_when_parent_dies()
    # manage.py runs the checks on every command; gunicorn would not, so a production
    # start with demo accounts present is refused here.
    if problems := failed_checks():
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
