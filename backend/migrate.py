"""Apply Alembic migrations: `python -m backend.migrate` (uses DATABASE_URL)."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from backend.settings import get_settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


# Backend workers that start together all migrate: on PostgreSQL one at a time, the others
# then find the schema current (without the lock both would create the same tables).
MIGRATION_LOCK = 0x63656C6961  # "celia"


def upgrade(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        command.upgrade(alembic_config(database_url), "head")
        return
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as lock:
            lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            try:
                command.upgrade(alembic_config(database_url), "head")
            finally:
                lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
    finally:
        engine.dispose()


if __name__ == "__main__":
    upgrade(get_settings().database_url)
