"""Round robin over Rasa replicas, and what counts as a replica being down, against real local
HTTP servers standing in for the replicas."""

import asyncio
import socket
from collections.abc import Awaitable, Callable

import pytest
from aiohttp import web

from backend.rasa_client import RasaClient, RasaUnavailable
from tests.helpers import closed_port, run_async

TOKEN = "t" * 32


def _free_port() -> int:
    """A port free now, for a server the test starts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _serve(name: str, behaviour: str, seen: list[str]) -> tuple[str, web.AppRunner]:
    async def handle(request: web.Request) -> web.StreamResponse:
        seen.append(name)
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        body = await request.json()
        assert body["sender"] == "c" and body["message"] == "hei"
        if behaviour == "timeout":
            await asyncio.sleep(3)
        if behaviour == "error":
            return web.Response(status=500, text="boom")
        if behaviour == "not-json":
            return web.Response(text="<html>")
        return web.json_response([{"recipient_id": "c", "text": f"from {name}"}])

    async def root(_: web.Request) -> web.Response:
        return web.Response(text="Hello from Rasa")

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", handle)
    app.router.add_get("/", root)
    runner = web.AppRunner(app)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return f"http://127.0.0.1:{port}", runner


def with_replicas(
    behaviour: dict[str, str], use: Callable[[RasaClient], Awaitable[object]]
) -> tuple[object, list[str]]:
    """Start a server per replica ("ok", "timeout", "error", "not-json"; "refuse" is a port
    with no server), run `use` with a client over them in that order, and stop everything."""
    seen: list[str] = []

    async def run() -> object:
        urls, runners = [], []
        for name, kind in behaviour.items():
            if kind == "refuse":
                urls.append(f"http://127.0.0.1:{closed_port()}")
                continue
            url, runner = await _serve(name, kind, seen)
            urls.append(url)
            runners.append(runner)
        client = RasaClient(urls, 1.0, TOKEN)
        try:
            return await use(client)
        finally:
            await client.close()
            for runner in runners:
                await runner.cleanup()

    return run_async(run()), seen


def texts(count: int) -> Callable[[RasaClient], Awaitable[list[str]]]:
    async def use(client: RasaClient) -> list[str]:
        return [(await client.send("c", "hei"))[0]["text"] for _ in range(count)]

    return use


def test_turns_alternate_between_replicas() -> None:
    answers, seen = with_replicas({"rasa-a": "ok", "rasa-b": "ok"}, texts(4))
    assert answers == ["from rasa-a", "from rasa-b", "from rasa-a", "from rasa-b"]
    assert seen == ["rasa-a", "rasa-b", "rasa-a", "rasa-b"]


def test_a_replica_that_refuses_connections_is_skipped() -> None:
    answers, _ = with_replicas({"rasa-a": "refuse", "rasa-b": "ok"}, texts(3))
    assert answers == ["from rasa-b"] * 3


@pytest.mark.parametrize("kind", ["timeout", "error", "not-json"])
def test_a_timed_out_or_failed_turn_is_not_sent_again(kind: str) -> None:
    """The replica may still be handling it; a second copy would run the turn twice."""
    seen: list[str] = []

    async def use(client: RasaClient) -> None:
        try:
            await client.send("c", "hei")
        except RasaUnavailable:
            seen.append("unavailable")

    _, served = with_replicas({"rasa-a": kind, "rasa-b": "ok"}, use)
    assert seen == ["unavailable"] and served == ["rasa-a"]


def test_all_replicas_down_is_unavailable() -> None:
    with pytest.raises(RasaUnavailable):
        with_replicas({"rasa-a": "refuse", "rasa-b": "refuse"}, texts(1))


def test_readiness_needs_one_replica_answering() -> None:
    async def ready(client: RasaClient) -> bool:
        return await client.any_replica_up()

    assert with_replicas({"rasa-a": "refuse", "rasa-b": "ok"}, ready)[0] is True
    assert with_replicas({"rasa-a": "refuse"}, ready)[0] is False


def test_settings_split_the_replica_list() -> None:
    from backend.settings import Settings

    a, b = "http://rasa-a:5005", "http://rasa-b:5006"
    settings = Settings(
        rasa_url=f"{a}, {b}",
        service_token="t" * 32,
        hetu_hmac_key="k" * 32,
        session_secret="s" * 32,
    )
    assert settings.rasa_urls == [a, b]


def test_each_event_loop_gets_a_session_of_its_own() -> None:
    """A session works only in the loop it was made in: the same client used from a second
    loop (as tests do) makes a new one instead of failing on the first loop's."""
    client = RasaClient(["http://127.0.0.1:1"], 1.0, TOKEN)
    sessions: list[object] = []

    async def turn() -> str:
        seen: list[str] = []
        url, runner = await _serve("only", "ok", seen)
        client.base_urls = [url]
        try:
            text = (await client.send("c", "hei"))[0]["text"]
            sessions.append(client._client())
            return str(text)
        finally:
            await runner.cleanup()

    assert run_async(turn()) == "from only"
    assert run_async(turn()) == "from only"
    assert sessions[0] is not sessions[1]
    for session in sessions:
        run_async(session.close())  # type: ignore[attr-defined]
