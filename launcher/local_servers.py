"""Local PostgreSQL and Redis servers (Debian's packages) run as services of our own.

The scale-out mode of `make run` and the test suite both use them: a PostgreSQL cluster in a
folder of ours (created once with initdb) and a Redis server that keeps nothing on disk (it
only holds Rasa's conversation locks).
"""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL, make_url

from launcher.services import Service

POSTGRES_USER = "postgres"


class MissingServer(RuntimeError):
    """A Debian package the chosen mode needs is not installed."""


def postgres_bin_dir(tool: str = "initdb") -> Path:
    """The newest PostgreSQL folder holding `tool`: the server's initdb, or pg_dump, which a
    machine with only the client (postgresql-client, the backend's image) has too."""
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{tool}"))
    if found:
        return found[-1].parent
    program = shutil.which(tool)
    if program is None:
        raise MissingServer(f"PostgreSQL's {tool} is not installed: apt-get install postgresql")
    return Path(program).parent


def _run_as() -> str | None:
    """PostgreSQL refuses to run as root; as root, run it as Debian's postgres user."""
    return POSTGRES_USER if os.geteuid() == 0 else None


def postgres_service(root: Path, port: int) -> Service:
    """A PostgreSQL server on 127.0.0.1:port with its cluster in root/data (made if missing)."""
    bin_dir = postgres_bin_dir()
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        for folder in (root, sockets):
            shutil.chown(folder, POSTGRES_USER)
    if not (data / "PG_VERSION").exists():
        made = subprocess.run(
            [str(bin_dir / "initdb"), "-D", str(data), "-U", POSTGRES_USER, "-A", "trust"],
            capture_output=True,
            text=True,
            cwd=root,
            user=_run_as(),
        )
        if made.returncode != 0:
            raise RuntimeError(f"initdb failed for {data}: {made.stderr.strip()[-500:]}")
    argv = [
        str(bin_dir / "postgres"),
        "-D",
        str(data),
        "-p",
        str(port),
        "-k",
        str(sockets),
        "-c",
        "listen_addresses=127.0.0.1",
    ]
    # SIGINT is PostgreSQL's fast shutdown: clients are disconnected, the cluster closed cleanly.
    return Service(
        "postgres", port, "POSTGRES_PORT", argv, None, stop_signal=signal.SIGINT, user=_run_as()
    )


def create_database(port: int, name: str) -> str:
    """Create database `name` on our local server if missing; return its SQLAlchemy URL."""
    url = f"postgresql+psycopg://{POSTGRES_USER}@127.0.0.1:{port}/{name}"
    ensure_database(make_url(url))
    return url


def ensure_database(url: URL) -> None:
    """Create the database a PostgreSQL URL names, if missing."""
    if not url.database:
        raise ValueError(f"{url.render_as_string()} names no database")
    with _admin_connection(url) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (url.database,)
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(url.database)))


def _admin_connection(url: URL, wait_seconds: float = 30.0) -> psycopg.Connection:
    """A connection to the server's `postgres` database; a server that accepts connections
    but is still starting up ("the database system is starting up") is waited for."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return psycopg.connect(
                host=url.host or "127.0.0.1",
                port=url.port or 5432,
                user=url.username or POSTGRES_USER,
                password=url.password,
                dbname="postgres",
                autocommit=True,
            )
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def redis_service(port: int) -> Service:
    redis = shutil.which("redis-server")
    if redis is None:
        raise MissingServer("Redis is not installed: apt-get install redis-server")
    argv = [redis, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    return Service("redis", port, "REDIS_PORT", argv, None)
