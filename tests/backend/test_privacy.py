"""No plaintext hetu at rest: not in any table, not in the logs (the suite's own SQLite file
and logs are scanned again when the session ends, see conftest.artifacts)."""

import logging
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.db import Base
from backend.models import Customer, CustomerStatus
from tests.backend.conftest import Seed, hetus_in_files, login, make_hetu, service_headers

HETUS = [make_hetu(date(1970, 5, 6), 345), make_hetu(date(2011, 7, 8), 955, "B")]


def test_hetus_leave_no_plaintext_trace(client: TestClient, seed: Seed, tmp_path: Path) -> None:
    unit = seed.unit()
    registrar = seed.registrar(units=(unit,))
    conversation = seed.conversation(registrar_id=registrar)
    headers = login(client, "reija@example.org")
    created = client.post(
        "/api/v1/customers",
        json={"hetu": HETUS[0], "first_name": "A", "last_name": "B"},
        headers=headers,
    )
    customer_id = created.json()["id"]
    client.post("/api/v1/customers/lookup", json={"hetu": HETUS[0]}, headers=headers)
    client.post("/api/v1/customers/lookup", json={"hetu": HETUS[0][:-1] + "X"}, headers=headers)
    client.delete(f"/api/v1/customers/{customer_id}", headers=headers)
    service = {**service_headers(client), "Idempotency-Key": "privacy-1"}
    filed = client.post(
        "/api/v1/service/reactivation-requests",
        json={"conversation_id": conversation, "hetu": HETUS[0]},
        headers=service,
    )
    assert filed.status_code == 201
    client.post(
        "/api/v1/service/escalations",
        json={
            "conversation_id": conversation,
            "reason": "failed_flow",
            "transcript": f"user: {HETUS[1]} ei löydy",
        },
        headers=service_headers(client),
    )
    logging.getLogger("backend.test").info("customer hetu was %s", HETUS[1])  # redacted by filter

    assert seed.get(Customer, customer_id).status == CustomerStatus.marked_for_deletion
    dump = tmp_path / "tables.txt"
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        rows = [
            repr(tuple(row))
            for table in Base.metadata.sorted_tables
            for row in db.execute(select(table))
        ]
    dump.write_text("\n".join(rows), encoding="utf-8")
    logs = list(Path(client.app.state.settings.log_dir).glob("*.log"))  # type: ignore[attr-defined]
    assert logs and not hetus_in_files([*logs, dump])
    for number in HETUS:
        assert number not in dump.read_text()
        assert all(number not in log.read_text(encoding="utf-8") for log in logs)


def test_the_scanner_finds_a_hetu(tmp_path: Path) -> None:
    leaky = tmp_path / "leaky.log"
    leaky.write_bytes(b"\x00binary\x01 " + HETUS[1].encode() + b" tail")
    assert hetus_in_files([leaky]) == {"leaky.log"}
