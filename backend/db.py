"""Database engine and sessions. SQLite (WAL) by default, PostgreSQL through DATABASE_URL."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker


class Base(DeclarativeBase):
    pass


def make_engine(database_url: str, busy_timeout_seconds: float = 15.0) -> Engine:
    """SQLite waits up to `busy_timeout_seconds` for another writer's lock; PostgreSQL
    connections are checked before use, so a restarted server costs no failed request."""
    if database_url.startswith("sqlite"):
        path = database_url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            database_url,
            connect_args={"check_same_thread": False, "timeout": busy_timeout_seconds},
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # WAL + NORMAL: no fsync per commit, still never a corrupt or half-written file.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_seconds * 1000)}")
            cursor.close()

        return engine
    return create_engine(
        database_url,
        pool_pre_ping=True,
        pool_timeout=busy_timeout_seconds,
        connect_args={"connect_timeout": max(1, round(busy_timeout_seconds))},
    )


class Database:
    """Holds the engine and the session factory of one running app."""

    def __init__(self, database_url: str, busy_timeout_seconds: float = 15.0) -> None:
        self.engine = make_engine(database_url, busy_timeout_seconds)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session
