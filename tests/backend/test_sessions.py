"""The chat proxy's view of who is logged in: current_registrar_id."""

from fastapi import Request
from fastapi.testclient import TestClient
from sqlalchemy import update

from backend.models import Registrar
from backend.sessions import current_registrar_id
from tests.backend.conftest import Seed, login, staff_login


def who(client: TestClient) -> int | None:
    scope = {
        "type": "http",
        "app": client.app,
        "headers": [(b"cookie", "; ".join(f"{k}={v}" for k, v in client.cookies.items()).encode())],
    }
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        state = client.app.state  # type: ignore[attr-defined]
        return current_registrar_id(Request(scope), db, state.security, state.settings)


def test_current_registrar_id(client: TestClient, seed: Seed) -> None:
    registrar_id = seed.registrar()
    seed.staff()
    assert who(client) is None
    staff_login(client)
    assert who(client) is None  # a staff session is not a registrar
    login(client, "reija@example.org")
    assert who(client) == registrar_id
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        db.execute(update(Registrar).values(locked=True))
        db.commit()
    assert who(client) is None
