"""Requests Celia staff decide, filed through the chat's service API or the web API."""

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from backend.models import (
    Customer,
    CustomerStatus,
    Delivery,
    OutboxEmail,
    Registrar,
    RegistrarRole,
)
from tests.backend.conftest import Mailbox, Seed, login, make_hetu, service_headers, staff_login

HETU = make_hetu(date(1952, 10, 13), 308)
MASKED = HETU[:7] + "****"


@pytest.fixture
def world(seed: Seed) -> dict:
    unit = seed.unit()
    registrar = seed.registrar(units=(unit,))
    seed.staff()
    return {
        "unit": unit,
        "registrar": registrar,
        "conversation": seed.conversation(registrar_id=registrar),
        "anonymous": seed.conversation(),
    }


def service_post(client: TestClient, path: str, body: dict, key: str | None = None):
    headers = service_headers(client)
    if key:
        headers["Idempotency-Key"] = key
    return client.post(f"/api/v1/service/{path}", json=body, headers=headers)


def test_service_endpoints_need_the_token(client: TestClient, world: dict) -> None:
    body = {"conversation_id": world["conversation"], "hetu": HETU}
    assert client.post("/api/v1/service/reactivation-requests", json=body).status_code == 401
    wrong = client.post(
        "/api/v1/service/reactivation-requests",
        json=body,
        headers={"Authorization": "Bearer wrong"},
    )
    assert wrong.status_code == 401


def test_reactivation_needs_a_bound_registrar(client: TestClient, seed: Seed, world: dict) -> None:
    seed.customer(HETU, world["unit"], status=CustomerStatus.marked_for_deletion)
    response = service_post(
        client, "reactivation-requests", {"conversation_id": world["anonymous"], "hetu": HETU}
    )
    assert response.status_code == 403 and "logged-in" in response.json()["detail"]
    assert response.json()["code"] == "login_required"


def test_reactivation_validates_the_hetu(client: TestClient, world: dict) -> None:
    bad = "131052-308U"
    response = service_post(
        client, "reactivation-requests", {"conversation_id": world["conversation"], "hetu": bad}
    )
    assert response.status_code == 422 and "check character" in response.json()["detail"]
    assert bad not in response.text


def test_reactivation_approved_end_to_end(
    client: TestClient, seed: Seed, world: dict, mailbox: Mailbox
) -> None:
    other_unit = seed.unit("Toinen kirjasto")
    customer_id = seed.customer(HETU, other_unit, status=CustomerStatus.marked_for_deletion)
    filed = service_post(
        client,
        "reactivation-requests",
        {"conversation_id": world["conversation"], "hetu": HETU},
        key="react-1",
    )
    assert filed.status_code == 201, filed.text
    assert filed.json()["customer_hetu_masked"] == MASKED and HETU not in filed.text
    reference = filed.json()["reference"]

    headers = staff_login(client)
    listing = client.get("/api/v1/staff/requests", params={"status": "open"}).json()
    assert listing["counts"] == {"open": 1} and listing["items"][0]["reference"] == reference
    request_id = listing["items"][0]["id"]
    approved = client.post(
        f"/api/v1/staff/requests/{request_id}/approve",
        json={"note": "Aktivoitu."},
        headers=headers,
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    customer = seed.get(Customer, customer_id)
    assert customer.status == CustomerStatus.active and customer.unit_id == world["unit"]
    body = mailbox.last_body("reija@example.org")
    assert reference in body and "hyväksyi" in body and "approved" in body and "Aktivoitu." in body
    again = client.post(f"/api/v1/staff/requests/{request_id}/deny", json={}, headers=headers)
    assert again.status_code == 409
    detail = client.get(f"/api/v1/staff/requests/{request_id}").json()
    assert [e["action"] for e in detail["audit"]] == ["request.filed", "request.approved"]


def test_reactivation_of_an_active_or_unknown_customer(
    client: TestClient, seed: Seed, world: dict
) -> None:
    body = {"conversation_id": world["conversation"], "hetu": HETU}
    unknown = service_post(client, "reactivation-requests", body)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_customer")
    seed.customer(HETU, world["unit"])
    active = service_post(client, "reactivation-requests", body)
    assert (active.status_code, active.json()["code"]) == (409, "not_marked_for_deletion")


def test_idempotent_retries(client: TestClient, seed: Seed, world: dict) -> None:
    seed.customer(HETU, world["unit"], status=CustomerStatus.marked_for_deletion)
    other = make_hetu(date(1960, 1, 2), 902)
    seed.customer(other, world["unit"], status=CustomerStatus.marked_for_deletion)
    body = {"conversation_id": world["conversation"], "hetu": HETU}
    first = service_post(client, "reactivation-requests", body, key="k-1")
    second = service_post(client, "reactivation-requests", body, key="k-1")
    assert (first.status_code, first.content) == (second.status_code, second.content)
    mismatch = service_post(client, "reactivation-requests", {**body, "hetu": other}, key="k-1")
    assert mismatch.status_code == 422 and "Idempotency-Key" in mismatch.json()["detail"]
    staff_login(client)
    assert client.get("/api/v1/staff/requests").json()["total"] == 1


def test_a_failed_request_is_not_remembered(client: TestClient, seed: Seed, world: dict) -> None:
    body = {"conversation_id": world["conversation"], "hetu": HETU}
    assert service_post(client, "reactivation-requests", body, key="k-2").status_code == 404
    seed.customer(HETU, world["unit"], status=CustomerStatus.marked_for_deletion)
    assert service_post(client, "reactivation-requests", body, key="k-2").status_code == 201


def test_delivery_change_denied_and_approved(
    client: TestClient, seed: Seed, world: dict, mailbox: Mailbox
) -> None:
    customer_id = seed.customer(HETU, world["unit"], delivery=Delivery.cd)
    body = {"conversation_id": world["conversation"], "hetu": HETU}
    filed = service_post(client, "delivery-change-requests", body)
    assert filed.status_code == 201 and filed.json()["kind"] == "delivery_change"
    headers = staff_login(client)
    request_id = client.get("/api/v1/staff/requests").json()["items"][0]["id"]
    client.post(f"/api/v1/staff/requests/{request_id}/deny", json={"note": "Ei."}, headers=headers)
    assert seed.get(Customer, customer_id).delivery == Delivery.cd
    assert "hylkäsi" in mailbox.last_body("reija@example.org")

    service_post(client, "delivery-change-requests", body)
    listing = client.get("/api/v1/staff/requests", params={"kind": "delivery_change"}).json()
    assert listing["counts"] == {"open": 1, "denied": 1}
    open_id = client.get("/api/v1/staff/requests", params={"status": "open"}).json()["items"][0][
        "id"
    ]
    client.post(f"/api/v1/staff/requests/{open_id}/approve", json={}, headers=headers)
    assert seed.get(Customer, customer_id).delivery == Delivery.online
    assert service_post(client, "delivery-change-requests", body).status_code == 409


def test_delivery_change_only_for_own_units(client: TestClient, seed: Seed, world: dict) -> None:
    seed.customer(HETU, seed.unit("Muu"), delivery=Delivery.cd)
    body = {"conversation_id": world["conversation"], "hetu": HETU}
    assert service_post(client, "delivery-change-requests", body).status_code == 404


def test_unlock_request_answers_the_same_and_staff_unlock(
    client: TestClient, seed: Seed, world: dict, mailbox: Mailbox
) -> None:
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        db.get(Registrar, world["registrar"]).locked = True
        db.commit()
    conversation = world["anonymous"]
    known = service_post(
        client, "unlock-requests", {"conversation_id": conversation, "email": "reija@example.org"}
    )
    unknown = service_post(
        client, "unlock-requests", {"conversation_id": conversation, "email": "x@example.org"}
    )
    assert (known.status_code, known.content) == (unknown.status_code, unknown.content)
    headers = staff_login(client)
    items = client.get("/api/v1/staff/requests", params={"kind": "unlock"}).json()["items"]
    assert len(items) == 1
    client.post(f"/api/v1/staff/requests/{items[0]['id']}/approve", json={}, headers=headers)
    assert not seed.get(Registrar, world["registrar"]).locked
    assert "account unlock" in mailbox.last_body("reija@example.org")
    login(client, "reija@example.org")


def test_registrar_removal_request_when_the_main_user_cannot(
    client: TestClient, seed: Seed, world: dict
) -> None:
    seed.registrar(email="paa@example.org", units=(world["unit"],), role=RegistrarRole.main_user)
    other_main = seed.registrar(
        email="toinen@example.org", units=(world["unit"],), role=RegistrarRole.main_user
    )
    headers = login(client, "paa@example.org")
    filed = client.post(
        "/api/v1/requests/registrar-removal",
        json={"registrar_id": other_main, "unit_id": world["unit"]},
        headers=headers,
    )
    assert filed.status_code == 201
    assert client.get("/api/v1/requests").json()[0]["kind"] == "registrar_removal"
    staff_headers = staff_login(client)
    client.post(
        f"/api/v1/staff/requests/{filed.json()['id']}/approve", json={}, headers=staff_headers
    )
    assert seed.unit_ids_of(other_main) == set()
    assert seed.get(Registrar, other_main).status.value == "active"  # the account itself stays


def test_web_reactivation_and_assignment(client: TestClient, seed: Seed, world: dict) -> None:
    seed.customer(HETU, world["unit"], status=CustomerStatus.marked_for_deletion)
    headers = login(client, "reija@example.org")
    filed = client.post("/api/v1/requests/reactivation", json={"hetu": HETU}, headers=headers)
    assert filed.status_code == 201 and HETU not in filed.text
    duplicate = client.post("/api/v1/requests/reactivation", json={"hetu": HETU}, headers=headers)
    assert duplicate.json()["id"] == filed.json()["id"]
    staff_headers = staff_login(client)
    staff_id = client.get("/api/v1/staff/auth/me").json()["staff"]["id"]
    assigned = client.post(
        f"/api/v1/staff/requests/{filed.json()['id']}/assign",
        json={"assignee_id": staff_id},
        headers=staff_headers,
    )
    assert assigned.json()["assignee_id"] == staff_id
    mine = client.get("/api/v1/staff/requests", params={"assignee_id": staff_id}).json()
    assert mine["total"] == 1
    bad = client.post(
        f"/api/v1/staff/requests/{filed.json()['id']}/assign",
        json={"assignee_id": 424242},
        headers=staff_headers,
    )
    assert bad.status_code == 422


def test_staff_endpoints_need_a_staff_session(client: TestClient, world: dict) -> None:
    assert client.get("/api/v1/staff/requests").status_code == 401
    login(client, "reija@example.org")
    assert client.get("/api/v1/staff/requests").status_code == 401
    staff_login(client)
    assert client.post("/api/v1/staff/requests/1/approve", json={}).status_code == 403
    assert client.get("/api/v1/staff/requests/999").status_code == 404


def test_a_failed_approval_changes_nothing(
    client: TestClient, seed: Seed, world: dict, mailbox: Mailbox
) -> None:
    customer_id = seed.customer(HETU, world["unit"], status=CustomerStatus.marked_for_deletion)
    body = {"conversation_id": world["conversation"], "hetu": HETU}
    assert service_post(client, "reactivation-requests", body).status_code == 201
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        db.get(Customer, customer_id).status = CustomerStatus.active  # reactivated meanwhile
        db.commit()
    headers = staff_login(client)
    request_id = client.get("/api/v1/staff/requests").json()["items"][0]["id"]
    refused = client.post(f"/api/v1/staff/requests/{request_id}/approve", json={}, headers=headers)
    assert refused.status_code == 409 and "deny" in refused.json()["detail"]
    detail = client.get(f"/api/v1/staff/requests/{request_id}").json()
    assert detail["request"]["status"] == "open"
    assert [e["action"] for e in detail["audit"]] == ["request.filed"]
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        assert db.scalar(select(func.count()).select_from(OutboxEmail)) == 0


def test_a_duplicate_in_another_unit_is_filed_for_that_unit(
    client: TestClient, seed: Seed, world: dict
) -> None:
    """An open request of another unit is neither returned nor revealed: each unit gets its
    own, and staff see both."""
    seed.customer(HETU, world["unit"], status=CustomerStatus.marked_for_deletion)
    body = {"conversation_id": world["conversation"], "hetu": HETU}
    ours = service_post(client, "reactivation-requests", body).json()
    assert service_post(client, "reactivation-requests", body).json() == ours  # same unit: once
    other_unit = seed.unit("Toinen kirjasto")
    other = seed.registrar("toinen@example.org", units=(other_unit,))
    headers = login(client, "toinen@example.org")
    theirs = client.post("/api/v1/requests/reactivation", json={"hetu": HETU}, headers=headers)
    assert theirs.status_code == 201, theirs.text
    filed = theirs.json()
    assert filed["reference"] != ours["reference"]
    assert (filed["registrar_id"], filed["unit_id"]) == (other, other_unit)
    staff_login(client)
    listed = client.get("/api/v1/staff/requests").json()
    assert listed["total"] == 2
    assert {item["unit_id"] for item in listed["items"]} == {world["unit"], other_unit}
