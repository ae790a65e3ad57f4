"""Customer rules from the seeds: hetu look-up first, transfer, marked for deletion, consent."""

from datetime import date

import pytest
from fastapi.testclient import TestClient

from backend.models import Customer, CustomerStatus, UnitKind
from backend.services import customers
from tests.backend.conftest import Seed, login, make_hetu, years_ago

ADULT = make_hetu(date(1980, 3, 4), 234)


@pytest.fixture
def registrar(seed: Seed) -> dict[str, int | dict[str, str]]:
    unit = seed.unit()
    other = seed.unit("Koulu", UnitKind.school)
    seed.registrar(units=(unit,))
    return {"unit": unit, "other_unit": other}


def create(client: TestClient, headers: dict[str, str], **fields: object):
    body = {"first_name": "Aino", "last_name": "Asiakas", **fields}
    return client.post("/api/v1/customers", json=body, headers=headers)


def test_create_and_find_by_hetu(client: TestClient, registrar: dict) -> None:
    headers = login(client, "reija@example.org")
    created = create(client, headers, hetu=ADULT, delivery="cd", temporary=True)
    assert created.status_code == 201, created.text
    customer = created.json()
    assert customer["hetu_masked"] == ADULT[:7] + "****"
    assert customer["temporary"] is True and customer["delivery"] == "cd"
    assert ADULT not in created.text
    found = client.post("/api/v1/customers/lookup", json={"hetu": ADULT.lower()}, headers=headers)
    assert found.json()["found"] is True and found.json()["customer"]["id"] == customer["id"]
    assert ADULT not in found.text
    assert client.get(f"/api/v1/customers/{customer['id']}").json()["first_name"] == "Aino"
    listed = client.get("/api/v1/customers", params={"name": "ain"}).json()
    assert [c["id"] for c in listed] == [customer["id"]]


def test_a_customer_without_a_hetu_points_to_the_form(client: TestClient, registrar: dict) -> None:
    headers = login(client, "reija@example.org")
    for body in ({}, {"hetu": "   "}):
        response = create(client, headers, **body)
        assert response.status_code == 422
        assert "asiakastietolomake" in response.json()["detail"]


def test_an_invalid_hetu_is_refused_without_echo(client: TestClient, registrar: dict) -> None:
    headers = login(client, "reija@example.org")
    for bad in ("131052-308U", "310252-308Y"):
        response = create(client, headers, hetu=bad)
        assert response.status_code == 422 and bad not in response.text


def test_under_15_needs_guardian_consent(client: TestClient, registrar: dict) -> None:
    headers = login(client, "reija@example.org")
    child = make_hetu(years_ago(15, days=-1), 345)  # turns 15 tomorrow
    refused = create(client, headers, hetu=child)
    assert refused.status_code == 422 and "guardian" in refused.json()["detail"]
    assert client.get("/api/v1/customers").json() == []
    accepted = create(client, headers, hetu=child, guardian_consent=True)
    assert accepted.status_code == 201
    removing = client.patch(
        f"/api/v1/customers/{accepted.json()['id']}",
        json={"guardian_consent": False},
        headers=headers,
    )
    assert removing.status_code == 422


def test_15_to_18_may_consent_themselves(client: TestClient, registrar: dict) -> None:
    headers = login(client, "reija@example.org")
    assert create(client, headers, hetu=make_hetu(years_ago(15), 456)).status_code == 201
    assert create(client, headers, hetu=make_hetu(years_ago(17), 457)).status_code == 201
    young = make_hetu(years_ago(16), 458)
    assert create(client, headers, hetu=young, guardian_consent=True).status_code == 201


def test_found_in_another_unit_is_transferred(
    client: TestClient, seed: Seed, registrar: dict
) -> None:
    customer_id = seed.customer(ADULT, registrar["other_unit"], status=CustomerStatus.ended)
    headers = login(client, "reija@example.org")
    duplicate = create(client, headers, hetu=ADULT)
    assert duplicate.status_code == 409 and "Transfer" in duplicate.json()["detail"]
    found = client.post("/api/v1/customers/lookup", json={"hetu": ADULT}, headers=headers).json()
    assert found["customer"]["unit_name"] == "Koulu"
    assert client.get(f"/api/v1/customers/{customer_id}").status_code == 404
    moved = client.post("/api/v1/customers/transfer", json={"hetu": ADULT}, headers=headers)
    assert moved.status_code == 200
    assert moved.json()["unit_id"] == registrar["unit"] and moved.json()["status"] == "active"


def test_marked_for_deletion_is_hidden_but_blocks_the_hetu(
    client: TestClient, seed: Seed, registrar: dict
) -> None:
    seed.customer(ADULT, registrar["unit"], status=CustomerStatus.marked_for_deletion)
    headers = login(client, "reija@example.org")
    found = client.post("/api/v1/customers/lookup", json={"hetu": ADULT}, headers=headers)
    assert found.json() == {"found": False, "customer": None}
    assert client.get("/api/v1/customers").json() == []
    in_use = create(client, headers, hetu=ADULT)
    assert in_use.status_code == 409
    assert "marked for deletion" in in_use.json()["detail"]
    assert "reactivation" in in_use.json()["detail"]
    transfer = client.post("/api/v1/customers/transfer", json={"hetu": ADULT}, headers=headers)
    assert transfer.status_code == 404


def test_mark_for_deletion_and_end(client: TestClient, registrar: dict, seed: Seed) -> None:
    headers = login(client, "reija@example.org")
    first = create(client, headers, hetu=ADULT, temporary=True).json()["id"]
    ended = client.post(f"/api/v1/customers/{first}/end", headers=headers)
    assert ended.json()["status"] == "ended"
    assert client.delete(f"/api/v1/customers/{first}", headers=headers).status_code == 200
    assert seed.get(Customer, first).status == CustomerStatus.marked_for_deletion
    assert client.get(f"/api/v1/customers/{first}").status_code == 404


def test_registrars_act_only_for_their_own_units(
    client: TestClient, seed: Seed, registrar: dict
) -> None:
    headers = login(client, "reija@example.org")
    refused = create(client, headers, hetu=ADULT, unit_id=registrar["other_unit"])
    assert refused.status_code == 403
    patched = client.patch("/api/v1/customers/999999", json={"last_name": "X"}, headers=headers)
    assert patched.status_code == 404


def test_edit_contact_details(client: TestClient, registrar: dict) -> None:
    headers = login(client, "reija@example.org")
    customer_id = create(client, headers, hetu=ADULT).json()["id"]
    patched = client.patch(
        f"/api/v1/customers/{customer_id}",
        json={"email": "Huoltaja@Example.org", "temporary": True},
        headers=headers,
    )
    assert patched.json()["email"] == "huoltaja@example.org" and patched.json()["temporary"]
    emptied = client.patch(
        f"/api/v1/customers/{customer_id}", json={"first_name": None}, headers=headers
    )
    assert emptied.status_code == 422


def test_idempotent_create(client: TestClient, registrar: dict) -> None:
    headers = {**login(client, "reija@example.org"), "Idempotency-Key": "create-1"}
    first = create(client, headers, hetu=ADULT)
    again = create(client, headers, hetu=ADULT)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    other = create(client, headers, hetu=make_hetu(date(1981, 3, 4), 235))
    assert other.status_code == 422 and "Idempotency-Key" in other.json()["detail"]
    assert len(client.get("/api/v1/customers").json()) == 1


INJECTION = "Robert'); DROP TABLE customers;--"


def test_sql_injection_shaped_input_is_harmless(client: TestClient, registrar: dict) -> None:
    headers = login(client, "reija@example.org")
    create(client, headers, hetu=ADULT)
    assert client.get("/api/v1/customers", params={"name": INJECTION}).json() == []
    assert client.get("/api/v1/customers", params={"name": "%"}).json() == []
    assert len(client.get("/api/v1/customers", params={"name": "Ai"}).json()) == 1
    refused = client.post("/api/v1/customers/lookup", json={"hetu": INJECTION}, headers=headers)
    assert refused.status_code == 422
    hostile_name = create(
        client, headers, hetu=make_hetu(date(1982, 3, 4), 236), last_name=INJECTION
    )
    assert hostile_name.status_code == 422 and "last_name" in hostile_name.json()["detail"]
    assert len(client.get("/api/v1/customers").json()) == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"first_name": "A" * 101},
        {"hetu": "1" * 10_000},
        {"email": "a" * 300 + "@example.org"},
    ],
)
def test_oversized_input_is_refused_cleanly(
    client: TestClient, registrar: dict, fields: dict
) -> None:
    headers = login(client, "reija@example.org")
    response = create(client, headers, **{"hetu": ADULT, **fields})
    assert response.status_code == 422
    assert "Traceback" not in response.text and "1" * 50 not in response.text
    assert client.get("/api/v1/customers").json() == []


def test_two_simultaneous_creates_of_one_hetu_make_one_customer_and_a_409(
    client: TestClient, registrar: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race: both requests look the hetu up before either has written it. The second
    write hits the unique constraint; it must answer 409, not 500, and save nothing."""
    headers = login(client, "reija@example.org")
    assert create(client, headers, hetu=ADULT).status_code == 201
    monkeypatch.setattr(customers, "by_hetu", lambda *_args: None)  # the look-up saw nothing
    second = create(client, headers, hetu=ADULT, first_name="Toinen")
    assert second.status_code == 409
    assert ADULT not in second.text and "INSERT" not in second.text
    assert [c["first_name"] for c in client.get("/api/v1/customers").json()] == ["Aino"]
