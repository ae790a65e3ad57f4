"""Migrations and models agree, and the schema goes down and up again."""

from concurrent.futures import ThreadPoolExecutor

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from backend.db import Base
from backend.migrate import alembic_config, upgrade
from launcher.local_servers import create_database


def test_models_match_the_migrations(running_app: TestClient) -> None:
    engine = running_app.app.state.db.engine  # type: ignore[attr-defined]
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_downgrade_and_upgrade(tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = alembic_config(f"sqlite:///{tmp_path / 'm.db'}")
    command.upgrade(config, "head")
    command.downgrade(config, "0001")
    command.upgrade(config, "head")


def test_workers_migrating_one_postgres_database_at_once_all_succeed(postgres_url: str) -> None:
    """Two backend workers start together on a new database: both come up."""
    fresh = create_database(make_url(postgres_url).port or 5432, "celia_migrate_race")
    with ThreadPoolExecutor(max_workers=3) as workers:
        list(workers.map(upgrade, [fresh] * 3))  # raises if one of them failed
    engine = create_engine(fresh)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    finally:
        engine.dispose()
