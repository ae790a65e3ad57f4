"""Backup and restore of the backend's database: accounts, customers, requests, escalations,
the audit log and the outbox.

SQLite is copied with SQLite's online backup API (a consistent copy while the backend runs);
PostgreSQL with Debian's pg_dump in its custom format, restored with pg_restore in one
transaction. Hetus are in the database only as a keyed HMAC and a Fernet-encrypted copy, so
a backup holds none in plaintext; restoring needs the same HETU_HMAC_KEY (var/secrets.env),
which must be kept apart from the backups. Rasa's tracker store (conversations, deleted after
CONVERSATION_RETENTION_DAYS anyway) is not part of the backup.
"""

import contextlib
import os
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from launcher.local_servers import ensure_database, postgres_bin_dir

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    pass


def backup(database_url: str, folder: Path) -> Path:
    """Write a backup of the database into `folder` (mode 600); return its path."""
    url = make_url(database_url)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    if url.get_backend_name() == "sqlite":
        source_path = _sqlite_path(url)
        if not source_path.is_file():
            raise BackupError(f"There is no database at {source_path} to back up")
        target = folder / f"celia-{stamp}.sqlite"
        target.touch(mode=0o600, exist_ok=False)
        with _sqlite(source_path) as source, _sqlite(target) as copy:
            source.backup(copy)
        return target
    target = folder / f"celia-{stamp}.pgdump"
    target.touch(mode=0o600, exist_ok=False)
    _pg("pg_dump", url, "--format=custom", "--no-owner", f"--file={target}")
    return target


def restore(database_url: str, backup_file: Path) -> None:
    """Replace the database's content with the backup's (the backend must be stopped)."""
    with backup_file.open("rb") as file:
        header = file.read(len(SQLITE_MAGIC))
    url = make_url(database_url)
    is_sqlite = url.get_backend_name() == "sqlite"
    if header.startswith(SQLITE_MAGIC) and is_sqlite:
        with _sqlite(backup_file) as source, _sqlite(_sqlite_path(url)) as target:
            source.backup(target)
    elif header.startswith(PG_DUMP_MAGIC) and not is_sqlite:
        ensure_database(url)
        _pg(
            "pg_restore",
            url,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            str(backup_file),
        )
    else:
        kind = "SQLite" if is_sqlite else "PostgreSQL"
        raise BackupError(f"{backup_file} is not a {kind} backup made by `make backup`")


@contextlib.contextmanager
def _sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(path)
    try:
        yield connection
    finally:
        connection.close()


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return Path(url.database)


def _pg(tool: str, url: URL, *arguments: str) -> None:
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = url.password
    argv = [
        str(postgres_bin_dir(tool) / tool),
        f"--host={url.host or '127.0.0.1'}",
        f"--port={url.port or 5432}",
        f"--username={url.username or 'postgres'}",
        f"--dbname={url.database}",
        *arguments,
    ]
    done = subprocess.run(argv, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip()[-800:]}")
