"""The demo data loads once, follows the domain rules and works with the API."""

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from backend import demo_data
from backend.models import Customer, CustomerStatus, Unit
from privacy.hetu import canonical
from tests.backend.conftest import login


def test_demo_data_loads_once_and_works(client: TestClient) -> None:
    security = client.app.state.security  # type: ignore[attr-defined]
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        assert demo_data.load(db, security) is True
        assert demo_data.load(db, security) is False
        assert db.scalar(select(func.count()).select_from(Unit)) == 3
        statuses = set(db.scalars(select(Customer.status)))
    assert statuses == set(CustomerStatus)
    assert all(canonical(c.hetu) == c.hetu for c in demo_data.CUSTOMERS)

    for demo in demo_data.REGISTRARS:
        response = client.post(
            "/api/v1/auth/login", json={"email": demo.email, "password": demo.password}
        )
        assert response.status_code == (403 if demo.locked else 200), demo.email
    email, _name, password = demo_data.STAFF
    staff = client.post("/api/v1/staff/auth/login", json={"email": email, "password": password})
    assert staff.status_code == 200 and staff.json()["stage"] == "second_factor"
    assert staff.json()["staff"]["role"] == "admin"
    code = client.post(
        "/api/v1/staff/auth/second-factor",
        json={"code": pyotp.TOTP(demo_data.STAFF_TOTP_SECRET).now()},
        headers={"X-CSRF-Token": staff.json()["csrf_token"]},
    )
    assert code.status_code == 200, code.text
    registrar = demo_data.REGISTRARS[1]
    headers = login(client, registrar.email, registrar.password)
    marked = client.post("/api/v1/customers/lookup", json={"hetu": "150162-906P"}, headers=headers)
    assert marked.json()["found"] is False  # marked for deletion: hidden from search
