"""The load benchmark's pacing: the figures it reports are only as true as its message rate."""

import asyncio
import random

import httpx

from benchmarks.load import NO_PAUSE, Pace, run_load
from tests.helpers import run_async

ANSWER_SECONDS = 0.05


async def slow_answer(
    _client: httpx.AsyncClient, _text: str, conversation: str | None
) -> tuple[bool, str | None]:
    await asyncio.sleep(ANSWER_SECONDS)
    return True, conversation or "c"


def one_message(_rng: random.Random) -> list[str]:
    return ["hei"]


def messages_sent(pace: Pace, users: int = 5, seconds: float = 2.0) -> int:
    result = run_async(
        run_load("http://127.0.0.1:9", slow_answer, one_message, users, seconds, pace)
    )
    assert result.errors == 0
    return result.messages


def test_a_rate_pace_counts_from_the_sending_a_think_pace_from_the_answer() -> None:
    # 5 users for 2 s, a message every 0.1 s: about 100; with 0.1 s after each 0.05 s answer
    # (0.15 s a round): about 67.
    rate = messages_sent(Pace("rate", (0.1, 0.1), from_sent=True))
    think = messages_sent(Pace("think", (0.1, 0.1)))
    # Ratios, not counts: a loaded machine slows both alike. A round takes 0.1 s counted from
    # the sending and 0.15 s counted from the answer, so 1.5 times as many; at most 100 in all.
    assert rate <= 105
    assert 1.3 <= rate / think <= 1.7


def test_no_pause_sends_again_at_once() -> None:
    # A round is the 0.05 s answer alone: three times the 0.15 s think rounds, at most 200.
    flat_out = messages_sent(NO_PAUSE)
    think = messages_sent(Pace("think", (0.1, 0.1)))
    assert flat_out <= 205
    assert 2.5 <= flat_out / think <= 3.5


async def _peers_of_own_address_users(users: int) -> set[str]:
    """Run registrars that speak from their own addresses against a bare HTTP server."""
    peers: set[str] = set()

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peers.add(writer.get_extra_info("peername")[0])
        while (await reader.readuntil(b"\r\n\r\n")) and not reader.at_eof():
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
            await writer.drain()

    async def post(
        client: httpx.AsyncClient, _text: str, conversation: str | None
    ) -> tuple[bool, str | None]:
        return (await client.post("/")).status_code == 200, conversation or "c"

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        result = await run_load(
            f"http://127.0.0.1:{port}", post, one_message, users, 2.0, NO_PAUSE, own_addresses=True
        )
    assert result.errors == 0 and result.messages >= users
    return peers


def test_each_registrar_of_a_long_conversation_row_has_its_own_client_address() -> None:
    peers = run_async(_peers_of_own_address_users(260))
    assert len(peers) == 260
    assert "127.0.2.1" in peers  # past the first 250


def test_history_is_spoken_first_unmeasured_and_the_row_continues_the_same_conversation() -> None:
    sent: list[tuple[str | None, str]] = []

    async def record(
        _client: httpx.AsyncClient, text: str, conversation: str | None
    ) -> tuple[bool, str | None]:
        sent.append((conversation, text))
        await asyncio.sleep(0)
        return True, conversation or f"c-{text.split('-')[0]}"

    def script(rng: random.Random) -> list[str]:
        user = rng.random()  # each user's own seed, so its own label
        return [f"{user:.6f}-{turn}" for turn in range(100)]

    class Probe:
        reads = 0

        def read(self) -> dict[str, float]:
            Probe.reads += 1
            return {"backend": float(Probe.reads)}

        @staticmethod
        def ms_per_message(before: dict, after: dict, messages: int) -> dict:
            return {"all": (after["backend"] - before["backend"]) * 1000 / messages}

    result = run_async(
        run_load(
            "http://127.0.0.1:9",
            record,
            script,
            3,
            0.5,
            Pace("think", (0.1, 0.1)),
            history=lambda _rng: 7,
            probe=Probe(),  # type: ignore[arg-type]
        )
    )
    warm_up, measured = sent[:21], sent[21:]
    assert len(measured) == result.messages > 0
    for user in {text.split("-")[0] for _, text in sent}:
        turns = [(c, t) for c, t in sent if t.startswith(user)]
        assert [int(t.split("-")[1]) for _, t in turns] == list(range(len(turns)))
        assert len({c for c, _ in turns[1:]}) == 1  # one conversation from the second turn on
        assert sum(1 for pair in warm_up if pair in turns) == 7
    assert Probe.reads == 2 and result.cpu_ms_per_message == {"all": 1000 / result.messages}
