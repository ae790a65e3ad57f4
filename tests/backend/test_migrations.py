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


def test_downgrade_and_upgrade(tmp_path) -> None:
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


def test_main_users_stay_main_users_of_their_own_units_only(tmp_path) -> None:
    """0008 moves the role onto the membership: an account-wide main user stays main user of
    each of their units except one whose main user added them as an ordinary registrar."""
    url = f"sqlite:///{tmp_path / 'roles.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0007_i29_report_rollups")
    engine = create_engine(url)
    now = "2026-01-01 00:00:00"
    with engine.begin() as connection:
        for unit_id in (1, 2):
            connection.execute(
                text(
                    "INSERT INTO units (id, name, kind, created_at) VALUES (:i, :n, 'library', :t)"
                ),
                {"i": unit_id, "n": f"Yksikkö {unit_id}", "t": now},
            )
        for registrar_id, role in ((1, "main_user"), (2, "main_user"), (3, "registrar")):
            connection.execute(
                text(
                    "INSERT INTO registrars (id, email, first_name, last_name, language, role, "
                    "status, password_changed_at, failed_logins, locked, created_at) VALUES "
                    "(:i, :e, 'A', 'B', 'fi', :r, 'active', :t, 0, false, :t)"
                ),
                {"i": registrar_id, "e": f"r{registrar_id}@example.org", "r": role, "t": now},
            )
        for registrar_id, unit_id in ((1, 1), (2, 2), (2, 1), (3, 1)):
            connection.execute(
                text("INSERT INTO registrar_units (registrar_id, unit_id) VALUES (:r, :u)"),
                {"r": registrar_id, "u": unit_id},
            )
        connection.execute(  # unit 1's main user added unit 2's main user as a registrar
            text(
                "INSERT INTO audit_events (created_at, actor_kind, actor_id, action, "
                "target_kind, target_id, detail) VALUES (:t, 'registrar', 1, "
                "'unit.registrar_added', 'registrar', 2, 'unit 1')"
            ),
            {"t": now},
        )
    engine.dispose()
    command.upgrade(config, "head")
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            roles = set(
                connection.execute(
                    text("SELECT registrar_id, unit_id, role FROM registrar_units")
                ).all()
            )
    finally:
        engine.dispose()
    assert roles == {
        (1, 1, "main_user"),
        (2, 2, "main_user"),
        (2, 1, "registrar"),
        (3, 1, "registrar"),
    }
