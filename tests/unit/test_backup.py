"""Backup and restore of a SQLite database holding the demo data (PostgreSQL: the production
integration test)."""

import sqlite3
from pathlib import Path

import pytest

from backend.demo_data import CUSTOMERS, REGISTRARS, load_into
from backend.settings import Settings
from launcher import backup
from tests.helpers import random_secrets, settings_fields

TABLES = ("registrars", "customers", "units", "staff_users")


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'celia.db'}"
    secrets = settings_fields(random_secrets())
    load_into(Settings(database_url=url, argon2_time_cost=1, argon2_memory_kib=1024, **secrets))
    return url


def _counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as connection:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in TABLES
        }


def test_backup_wipe_restore_brings_every_row_back(database: str, tmp_path: Path) -> None:
    path = Path(database.split("///", 1)[1])
    before = _counts(path)
    assert before["registrars"] == len(REGISTRARS)
    made = backup.backup(database, tmp_path / "backups")
    assert made.stat().st_mode & 0o077 == 0
    path.unlink()
    backup.restore(database, made)
    assert _counts(path) == before


def test_the_backup_holds_no_plaintext_hetu(database: str, tmp_path: Path) -> None:
    made = backup.backup(database, tmp_path / "backups")
    content = made.read_bytes()
    assert (
        REGISTRARS[0].email.encode() in content
    )  # the file is readable: the check means something
    for customer in CUSTOMERS:
        assert customer.hetu.encode() not in content


def test_a_backup_of_the_other_kind_is_refused(database: str, tmp_path: Path) -> None:
    made = backup.backup(database, tmp_path / "backups")
    with pytest.raises(backup.BackupError, match="not a PostgreSQL backup"):
        backup.restore("postgresql+psycopg://postgres@127.0.0.1:1/celia", made)
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    with pytest.raises(backup.BackupError, match="not a SQLite backup"):
        backup.restore(database, not_a_backup)
