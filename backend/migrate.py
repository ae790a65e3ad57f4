"""Apply Alembic migrations: `python -m backend.migrate` (uses DATABASE_URL)."""

from pathlib import Path

from alembic import command
from alembic.config import Config

from backend.settings import get_settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str) -> None:
    command.upgrade(alembic_config(database_url), "head")


if __name__ == "__main__":
    upgrade(get_settings().database_url)
