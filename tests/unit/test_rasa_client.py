"""Round robin over Rasa replicas, and what counts as a replica being down."""

import httpx
import pytest

from backend.rasa_client import RasaClient, RasaUnavailable
from tests.helpers import run_async

A, B = "http://rasa-a:5005", "http://rasa-b:5006"
TOKEN = "t" * 32


def replicas(behaviour: dict[str, str]) -> tuple[httpx.MockTransport, list[str]]:
    """Each host answers per `behaviour`: "ok", "refuse" (connect error) or "timeout"."""
    seen: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        host = request.url.host
        seen.append(host)
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        if behaviour[host] == "refuse":
            raise httpx.ConnectError("refused", request=request)
        if behaviour[host] == "timeout":
            raise httpx.ReadTimeout("slow", request=request)
        return httpx.Response(200, json=[{"recipient_id": "c", "text": f"from {host}"}])

    return httpx.MockTransport(handle), seen


def send_all(client: RasaClient, count: int) -> list[str]:
    async def run() -> list[str]:
        try:
            return [(await client.send("c", "hei"))[0]["text"] for _ in range(count)]
        finally:
            await client.close()

    return run_async(run())


def test_turns_alternate_between_replicas() -> None:
    transport, seen = replicas({"rasa-a": "ok", "rasa-b": "ok"})
    answers = send_all(RasaClient([A, B], 5, TOKEN, transport), 4)
    assert answers == ["from rasa-a", "from rasa-b", "from rasa-a", "from rasa-b"]
    assert seen == ["rasa-a", "rasa-b", "rasa-a", "rasa-b"]


def test_a_replica_that_refuses_connections_is_skipped() -> None:
    transport, _ = replicas({"rasa-a": "refuse", "rasa-b": "ok"})
    assert send_all(RasaClient([A, B], 5, TOKEN, transport), 3) == ["from rasa-b"] * 3


def test_a_timed_out_turn_is_not_sent_again() -> None:
    """The slow replica may still be handling it; a second copy would run the turn twice."""
    transport, seen = replicas({"rasa-a": "timeout", "rasa-b": "ok"})
    with pytest.raises(RasaUnavailable):
        send_all(RasaClient([A, B], 5, TOKEN, transport), 1)
    assert seen == ["rasa-a"]


def test_all_replicas_down_is_unavailable() -> None:
    transport, seen = replicas({"rasa-a": "refuse", "rasa-b": "refuse"})
    with pytest.raises(RasaUnavailable):
        send_all(RasaClient([A, B], 5, TOKEN, transport), 1)
    assert sorted(seen) == ["rasa-a", "rasa-b"]


def test_settings_split_the_replica_list() -> None:
    from backend.settings import Settings

    settings = Settings(
        rasa_url=f"{A}, {B}",
        service_token="t" * 32,
        hetu_hmac_key="k" * 32,
        session_secret="s" * 32,
    )
    assert settings.rasa_urls == [A, B]
