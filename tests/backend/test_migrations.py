"""Migrations and models agree, and the schema goes down and up again."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient

from backend.db import Base
from backend.migrate import alembic_config


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
