"""/metrics, /livez, /readyz and the request id, against the real app and database."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from backend.email.outbox import queue_email
from backend.models import OutboxEmail, utcnow
from backend.settings import PROJECT_ROOT, Settings
from tests.backend.conftest import Seed, service_headers

TOKEN = "metrics-token-" + "x" * 24


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def local(client: TestClient) -> TestClient:
    """The same running app, reached from the machine itself (no second lifespan)."""
    return TestClient(client.app, client=("127.0.0.1", 40000))


def scrape(local: TestClient) -> str:
    reply = local.get("/metrics")
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("text/plain")
    return reply.text


def test_metrics_are_refused_from_elsewhere_without_the_token(client: TestClient) -> None:
    settings = client.app.state.settings  # type: ignore[attr-defined]
    settings.metrics_token = None
    remote = TestClient(client.app, client=("203.0.113.5", 40000))
    assert remote.get("/metrics").status_code == 403
    settings.metrics_token = Settings.model_validate(
        {**settings.model_dump(), "metrics_token": TOKEN}
    ).metrics_token
    assert remote.get("/metrics").status_code == 403
    wrong = remote.get("/metrics", headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 403
    non_ascii = remote.get("/metrics", headers={b"Authorization": "Bearer välimuisti".encode()})
    assert non_ascii.status_code == 403
    allowed = remote.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert allowed.status_code == 200 and "celia_chat_turns_total" in allowed.text


def test_behind_a_trusted_proxy_only_the_machine_itself_counts_as_local(
    client: TestClient,
) -> None:
    """The proxy connects from loopback; the registrar it forwards is not local."""
    settings = client.app.state.settings  # type: ignore[attr-defined]
    settings.trusted_proxies = Settings.model_validate(
        {**settings.model_dump(), "trusted_proxies": "127.0.0.1"}
    ).trusted_proxies
    proxy = TestClient(client.app, client=("127.0.0.1", 40000))
    forwarded = proxy.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert forwarded.status_code == 403
    assert proxy.get("/metrics").status_code == 200  # the proxy's own (local) scrape


def test_latency_is_per_route_template_never_the_raw_path(
    client: TestClient, local: TestClient
) -> None:
    labels = {"method": "GET", "route": "/api/v1/customers/{customer_id}", "status": "401"}
    before = value(scrape(local), "celia_http_request_duration_seconds_count", **labels)
    for customer_id in (123456789, 987654321):
        assert client.get(f"/api/v1/customers/{customer_id}").status_code == 401
    text = scrape(local)
    assert value(text, "celia_http_request_duration_seconds_count", **labels) == before + 2
    # Labels only: a number could turn up in a timestamp's digits.
    labels_seen = " ".join(line.split("}")[0] for line in text.splitlines() if "{" in line)
    assert "123456789" not in labels_seen and "987654321" not in labels_seen
    client.get("/no/such/page/4242")
    assert "/no/such/page" not in scrape(local)
    assert 'route="unmatched"' in scrape(local)


def test_handoffs_and_open_escalations(client: TestClient, seed: Seed, local: TestClient) -> None:
    before = scrape(local)
    conversation = seed.conversation()
    headers = {**service_headers(client), "Idempotency-Key": "handoff-metrics-1"}
    body = {"conversation_id": conversation, "reason": "asked_for_human", "transcript": "apua"}
    assert client.post("/api/v1/service/escalations", json=body, headers=headers).status_code == 201
    replay = client.post("/api/v1/service/escalations", json=body, headers=headers)
    assert replay.status_code == 201  # the stored answer, not a second hand-off
    after = scrape(local)
    handoffs = ("celia_handoffs_total", {"reason": "asked_for_human"})
    assert value(after, handoffs[0], **handoffs[1]) == value(before, handoffs[0], **handoffs[1]) + 1
    assert value(after, "celia_escalations_open", status="open") == 1
    assert value(after, "celia_escalations_open", status="in_progress") == 0


def test_outbox_backlog_and_oldest_age(client: TestClient, local: TestClient) -> None:
    assert value(scrape(local), "celia_outbox_backlog") == 0
    assert value(scrape(local), "celia_outbox_oldest_age_seconds") == 0
    later = utcnow() + timedelta(hours=1)
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        for number in range(3):
            queue_email(db, f"waiting{number}@example.org", "account_locked", "fi")
        db.flush()
        for mail in db.query(OutboxEmail):
            mail.created_at = utcnow() - timedelta(minutes=10)
            mail.next_attempt_at = later  # held back from the sender for this test
        db.commit()
    text = scrape(local)
    assert value(text, "celia_outbox_backlog") == 3
    assert 600 <= value(text, "celia_outbox_oldest_age_seconds") < 700
    assert "waiting0" not in text  # no address in any label
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        db.query(OutboxEmail).delete()
        db.commit()


def test_liveness_and_readiness(client: TestClient) -> None:
    assert client.get("/livez").json() == {"status": "ok"}
    assert client.get("/healthz").status_code == 200  # the launcher's contract is unchanged
    ready = client.get("/readyz")  # no Rasa runs in the backend tests (test_settings)
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"database": "ok", "faq_index": "ok", "rasa": "unavailable"}


def test_the_request_id_is_made_or_taken_from_a_trusted_sender(client: TestClient) -> None:
    made = client.get("/livez").headers["X-Request-ID"]
    assert len(made) == 32 and made != client.get("/livez").headers["X-Request-ID"]
    forged = client.get("/livez", headers={"X-Request-ID": "chosen-by-client"})
    assert forged.headers["X-Request-ID"] != "chosen-by-client"
    from_actions = client.get(
        "/livez", headers={"X-Request-ID": "turn-42", **service_headers(client)}
    )
    assert from_actions.headers["X-Request-ID"] == "turn-42"
    settings = client.app.state.settings  # type: ignore[attr-defined]
    settings.trusted_proxies = Settings.model_validate(
        {**settings.model_dump(), "trusted_proxies": "10.0.0.2"}
    ).trusted_proxies
    proxy = TestClient(client.app, client=("10.0.0.2", 40000))
    assert proxy.get("/livez", headers={"X-Request-ID": "nginx-7"}).headers["X-Request-ID"] == (
        "nginx-7"
    )
    odd = proxy.get("/livez", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"]
    assert odd != "<script>"


def test_multiprocess_mode_sums_every_worker(tmp_path) -> None:
    """With PROMETHEUS_MULTIPROC_DIR, /metrics on one worker counts the others' turns too."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}

    def run(code: str) -> str:
        return subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            cwd=PROJECT_ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    for turns in (2, 3):
        run(f"from backend.metrics import CHAT_TURNS\nfor _ in range({turns}): CHAT_TURNS.inc()")
    text = run(
        "import sys\n"
        "from backend.metrics import exposition\n"
        "class NoDatabase:\n"
        "    def collect(self): return iter(())\n"
        "sys.stdout.write(exposition(NoDatabase()).decode())"
    )
    assert value(text, "celia_chat_turns_total") == 5
