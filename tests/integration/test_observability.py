"""Metrics and request ids with every process really running (LOG_FORMAT=json)."""

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from backend.demo_data import load_into
from backend.settings import Settings
from launcher.services import Ports, ServiceGroup, assistant_services
from tests.helpers import random_secrets, settings_fields

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def observed(
    tmp_path_factory: pytest.TempPathFactory, faq_index_dir: Path, rasa_model_file: Path
) -> Iterator[dict[str, str]]:
    workdir = tmp_path_factory.mktemp("observed")
    ports = Ports.free()
    secrets = random_secrets()
    env = {
        "DATABASE_URL": f"sqlite:///{workdir / 'celia.db'}",
        "INDEX_DIR": str(faq_index_dir),
        "LOG_DIR": str(workdir / "log"),
        "TRACKER_DB": str(workdir / "tracker.db"),
        "LOG_FORMAT": "json",
    }
    load_into(Settings(**settings_fields({**secrets, **env})))
    with ServiceGroup(
        assistant_services(ports, secrets, env, rasa_model_file, workdir / "mail"),
        workdir / "log",
    ):
        yield {"backend": f"http://127.0.0.1:{ports.backend}", "log": str(workdir / "log")}


# Keeps the conversation cookie, as a browser: an anonymous conversation continues only with it.
_BROWSER = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())


def turn(backend: str, message: str, conversation_id: str | None = None) -> tuple[str, dict]:
    request = urllib.request.Request(
        f"{backend}/api/v1/chat",
        data=json.dumps({"conversation_id": conversation_id, "message": message}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with _BROWSER.open(request, timeout=60) as reply:
        return reply.headers["X-Request-ID"], json.loads(reply.read())


def metrics(backend: str) -> dict[tuple[str, tuple], float]:
    with urllib.request.urlopen(f"{backend}/metrics", timeout=10) as reply:
        text = reply.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def delta(before: dict, after: dict, name: str, **labels: str) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0.0) - before.get(key, 0.0)


def test_metrics_count_the_traffic_sent(observed: dict[str, str]) -> None:
    backend = observed["backend"]
    before = metrics(backend)
    turn(backend, "hei")
    turn(backend, "Tarvitaanko alle 15-vuotiaalta huoltajan suostumus?")
    turn(backend, "What is the weather like in Paris tomorrow?")
    _, handed = turn(backend, "haluan puhua ihmiselle")
    turn(backend, "oletteko siellä?", handed["conversation_id"])  # answered during the hand-off
    after = metrics(backend)
    assert delta(before, after, "celia_chat_turns_total") == 5
    assert delta(before, after, "celia_faq_questions_total", lang="fi", outcome="answered") == 1
    assert delta(before, after, "celia_faq_questions_total", lang="en", outcome="abstained") == 1
    assert delta(before, after, "celia_handoffs_total", reason="asked_for_human") == 1
    assert after[("celia_escalations_open", (("status", "open"),))] >= 1
    chat_route = (("method", "POST"), ("route", "/api/v1/chat"), ("status", "200"))
    assert (
        delta(before, after, "celia_http_request_duration_seconds_count", **dict(chat_route)) == 5
    )
    assert delta(before, after, "celia_action_errors_total") == 0
    with urllib.request.urlopen(f"{backend}/readyz", timeout=10) as ready:
        assert json.loads(ready.read())["checks"]["rasa"] == "ok"


def json_lines(path: Path) -> list[dict]:
    """The JSON objects among a process's output lines (Rasa's TensorFlow prints plain text
    outside Python's logging)."""
    found = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("{"):
            found.append(json.loads(line))
    return found


def test_one_request_id_follows_the_turn_through_backend_rasa_and_actions(
    observed: dict[str, str],
) -> None:
    request_id, reply = turn(observed["backend"], "hei")
    assert "Celia" in reply["messages"][0]["text"]
    log = Path(observed["log"])
    backend_lines = [json.loads(line) for line in (log / "backend.log").read_text().splitlines()]
    assert all(
        {"time", "level", "logger", "request_id", "message"} <= set(e) for e in backend_lines
    )
    seen = {
        "backend": [e for e in backend_lines if e["request_id"] == request_id],
        "rasa": [e for e in json_lines(log / "rasa.out") if e["request_id"] == request_id],
        "actions": [e for e in json_lines(log / "actions.out") if e["request_id"] == request_id],
    }
    assert {name: bool(lines) for name, lines in seen.items()} == dict.fromkeys(seen, True)
    # The greeting action asked the backend about the conversation under the same id.
    assert any("action_greet" in e["message"] for e in seen["actions"])
