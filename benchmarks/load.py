"""Load: simulated registrars chatting at once, against this assistant and a `rasa init` bot.

Each simulated registrar runs mixed conversations (FAQ questions, a password-reset flow, small
talk) one message at a time for a fixed time: it sends, waits for the answer, and paces the next
message (`Pace`): a think time after the answer (reading and typing, 1-2 s), or a steady rate
(a message every 0.75-1.75 s counted from the last one sent: 50 users offer 40 messages/s), or
none. With no pause the run measures the most the system can take (a closed loop where queueing
sets the latency: by Little's law 50 users at X messages/s wait 50/X s on average). Reported
per scenario: messages/s, latency p50/p95/p99, errors (non-200 or no answer), and peak memory
of each service process.
The baseline is the bot `rasa init` creates, trained with its default pipeline and policies and
talked to directly over its REST channel (no backend in front of it).

Long conversations, as in a working day: each registrar keeps one conversation for the whole
row, from its own client address, and comes to the row with 0-40 turns of it already spoken
(`history`), so that with think 2-4 s its conversation is 20-60 turns long by the end of a
minute-long row; and one conversation of 300 turns (`run_day_long`), measured per block of 25
turns.
"""

import asyncio
import random
import ssl
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np

from benchmarks.cpu import CpuProbe
from launcher.paths import RASA_BIN
from launcher.services import Service, ServiceGroup, free_port

SendFn = Callable[[httpx.AsyncClient, str, str | None], Awaitable[tuple[bool, str | None]]]


@dataclass(frozen=True)
class Pace:
    """How a simulated registrar spaces its messages."""

    label: str
    seconds: tuple[float, float] | None  # uniform range; None: send again at once
    from_sent: bool = False  # count the pause from the sending (a rate), not from the answer


THINK = Pace("think 1-2 s", (1.0, 2.0))
RATE = Pace("every 0.75-1.75 s", (0.75, 1.75), from_sent=True)
THINK_LONG = Pace("think 2-4 s", (2.0, 4.0))
NO_PAUSE = Pace("none", None)

LOAD_LEVELS = (1, 10, 50)
# Registrars with think time at each level; then 50 at a steady 40 messages/s (the target rate)
# and 50 with no pause at all (capacity).
SHORT_SCENARIOS = (
    *((users, THINK) for users in LOAD_LEVELS),
    (LOAD_LEVELS[-1], RATE),
    (LOAD_LEVELS[-1], NO_PAUSE),
)


@dataclass(frozen=True)
class LoadResult:
    users: int
    pace: Pace
    seconds: float
    messages: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    cpu_ms_per_message: dict[str, float] | None = None  # per process, with `all`

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds

    def row(self) -> dict:
        """The figures a report keeps of a run."""
        figures = {
            "users": self.users,
            "pace": self.pace.label,
            "messages_per_s": round(self.per_second, 1),
            "p50_ms": self.p50_ms,
            "p95_ms": self.p95_ms,
            "p99_ms": self.p99_ms,
            "errors": self.errors,
            "messages": self.messages,
        }
        if self.cpu_ms_per_message is not None:
            figures["cpu_ms_per_message"] = self.cpu_ms_per_message
        return figures


def assistant_conversations(faq_questions: list[str]) -> Callable[[random.Random], list[str]]:
    def pick(rng: random.Random) -> list[str]:
        kind = rng.random()
        if kind < 0.6:
            return [rng.choice(faq_questions)]
        if kind < 0.8:
            return ["unohdin salasanani", f"bench-{rng.randrange(10**6)}@example.invalid"]
        return [rng.choice(["hei", "hej", "hello"]), rng.choice(["kiitos", "tack", "thanks"])]

    return pick


BASELINE_SCRIPTS = [
    ["hello", "I am sad", "yes"],
    ["hi", "I am great"],
    ["are you a bot?"],
    ["good morning", "not good", "no", "bye"],
]


def baseline_conversations(rng: random.Random) -> list[str]:
    return rng.choice(BASELINE_SCRIPTS)


WARM_UP_AT_ONCE = 8  # registrars sending their history at the same time

LONG_TURNS = 300  # more than any registrar sends in a row; the day-long conversation's length


def long_conversation(
    pick: Callable[[random.Random], list[str]],
) -> Callable[[random.Random], list[str]]:
    """One conversation made of `pick`'s short ones back to back, for a whole row or a day."""

    def script(rng: random.Random) -> list[str]:
        turns: list[str] = []
        while len(turns) < LONG_TURNS:
            turns += pick(rng)
        return turns[:LONG_TURNS]

    return script


def assistant_day(faq_questions: list[str]) -> Callable[[random.Random], list[str]]:
    """A registrar's day: the dev set's questions in fi/sv/en (some start a flow, as real ones
    do) and small talk."""

    def pick(rng: random.Random) -> list[str]:
        if rng.random() < 0.8:
            return [rng.choice(faq_questions)]
        return [rng.choice(["hei", "hej", "hello", "kiitos", "tack", "thanks"])]

    return long_conversation(pick)


async def send_to_assistant(
    client: httpx.AsyncClient, text: str, conversation: str | None
) -> tuple[bool, str | None]:
    reply = await client.post(
        "/api/v1/chat", json={"conversation_id": conversation, "message": text}
    )
    if reply.status_code != 200:
        return False, conversation
    body = reply.json()
    return bool(body.get("messages")), body.get("conversation_id")


async def send_to_rasa(
    client: httpx.AsyncClient, text: str, conversation: str | None
) -> tuple[bool, str | None]:
    conversation = conversation or f"load-{random.randrange(10**12)}"  # noqa: S311
    reply = await client.post(
        "/webhooks/rest/webhook", json={"sender": conversation, "message": text}
    )
    return reply.status_code == 200 and bool(reply.json()), conversation


class _Registrar:
    """One simulated registrar: its script, its client and the conversation it is in."""

    def __init__(
        self, client: httpx.AsyncClient, send: SendFn, pick: Callable[[random.Random], list[str]]
    ) -> None:
        self.client, self.send, self.pick = client, send, pick
        self.conversation: str | None = None
        self.pending: list[str] = []

    def next_text(self, rng: random.Random) -> str:
        if not self.pending:  # a script ends: the next one is a new conversation
            self.pending, self.conversation = list(self.pick(rng)), None
        return self.pending.pop(0)

    async def say(self, rng: random.Random) -> bool:
        try:
            ok, self.conversation = await self.send(
                self.client, self.next_text(rng), self.conversation
            )
        except httpx.HTTPError:
            return False
        return ok


async def _warm_up(
    registrar: _Registrar, rng: random.Random, turns: int, gate: asyncio.Semaphore
) -> None:
    """The turns a registrar spoke before the measured run, sent without pause."""
    async with gate:
        for _ in range(turns):
            await registrar.say(rng)


async def _user(
    registrar: _Registrar,
    rng: random.Random,
    deadline: float,
    pace: Pace,
    latencies: list[float],
    errors: list[int],
) -> None:
    if pace.seconds:  # registrars do not all press enter in the same millisecond
        await asyncio.sleep(rng.uniform(0, pace.seconds[1]))
    while time.monotonic() < deadline:
        started = time.perf_counter()
        ok = await registrar.say(rng)
        taken = time.perf_counter() - started
        latencies.append(taken * 1000)
        if not ok:
            errors.append(1)
        if pace.seconds:
            pause = rng.uniform(*pace.seconds) - (taken if pace.from_sent else 0)
            await asyncio.sleep(max(pause, 0))


def _source_address(user: int) -> str:
    """A loopback address of its own for each simulated registrar (127.0.1.1, 127.0.1.2, ...)."""
    return f"127.0.{1 + user // 250}.{1 + user % 250}"


async def run_load(
    base_url: str | Sequence[str],
    send: SendFn,
    pick: Callable[[random.Random], list[str]],
    users: int,
    seconds: float,
    pace: Pace = THINK,
    *,
    verify: ssl.SSLContext | bool = True,
    own_addresses: bool = False,
    history: Callable[[random.Random], int] | None = None,
    probe: CpuProbe | None = None,
) -> LoadResult:
    """Run the simulated registrars; with `own_addresses` each speaks from its own address, as
    the backend's per-client limit sees real registrars. With `history`, each registrar first
    sends that many turns of its conversation (a morning's chat before the measured minute),
    WARM_UP_AT_ONCE registrars at a time; nothing of that is measured. With `probe`, the
    result has each process's CPU per message of the measured run. With several `base_url`s
    (replicas without a load balancer in front), registrar n talks to the n-th, round."""
    urls = [base_url] if isinstance(base_url, str) else list(base_url)
    latencies: list[float] = []
    errors: list[int] = []
    limits = httpx.Limits(max_connections=users + 5, max_keepalive_connections=users + 5)
    async with AsyncExitStack() as stack:
        if own_addresses:
            clients = [
                await stack.enter_async_context(
                    httpx.AsyncClient(
                        base_url=urls[user % len(urls)],
                        timeout=30,
                        verify=verify,
                        transport=httpx.AsyncHTTPTransport(local_address=_source_address(user)),
                    )
                )
                for user in range(users)
            ]
        else:
            # One connection pool, but a client (so a cookie jar) per registrar: an anonymous
            # conversation continues only with the cookie the backend set for it.
            shared = await stack.enter_async_context(
                httpx.AsyncHTTPTransport(limits=limits, verify=verify)
            )
            clients = [
                httpx.AsyncClient(base_url=urls[user % len(urls)], timeout=30, transport=shared)
                for user in range(users)
            ]
        registrars = [_Registrar(clients[seed], send, pick) for seed in range(users)]
        rngs = [random.Random(seed) for seed in range(users)]  # noqa: S311 (load mix, not security)
        if history is not None:
            gate = asyncio.Semaphore(WARM_UP_AT_ONCE)
            await asyncio.gather(
                *(
                    _warm_up(r, rng, history(rng), gate)
                    for r, rng in zip(registrars, rngs, strict=True)
                )
            )
        before = probe.read() if probe else None
        started = time.monotonic()
        deadline = started + seconds
        await asyncio.gather(
            *(
                _user(registrar, rng, deadline, pace, latencies, errors)
                for registrar, rng in zip(registrars, rngs, strict=True)
            )
        )
        elapsed = time.monotonic() - started
    values = np.array(latencies or [0.0])
    cpu = probe.ms_per_message(before, probe.read(), len(latencies)) if probe and before else None
    p50, p95, p99 = (round(float(np.percentile(values, q)), 1) for q in (50, 95, 99))
    return LoadResult(users, pace, elapsed, len(latencies), len(errors), p50, p95, p99, cpu)


@dataclass(frozen=True)
class Block:
    """Turns `first`..`last` of the day-long conversation."""

    first: int
    last: int
    median_ms: float
    cpu_ms_per_message: dict[str, float]
    errors: int


async def run_day_long(
    base_url: str,
    send: SendFn,
    turns: list[str],
    probe: CpuProbe,
    block: int = 25,
    pause: float = 0.1,
) -> list[Block]:
    """One conversation through all `turns`, one message at a time: per block of turns the
    median latency and each process's CPU per message."""
    blocks = []
    conversation = None
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        for first in range(0, len(turns), block):
            texts = turns[first : first + block]
            latencies, errors = [], 0
            before = probe.read()
            for text in texts:
                started = time.perf_counter()
                ok, conversation = await send(client, text, conversation)
                latencies.append((time.perf_counter() - started) * 1000)
                errors += not ok
                await asyncio.sleep(pause)  # let the turn's background work finish in its block
            cpu = probe.ms_per_message(before, probe.read(), len(texts))
            median = round(float(np.median(latencies)), 1)
            blocks.append(Block(first + 1, first + len(texts), median, cpu, errors))
    return blocks


def peak_memory_mb(group: ServiceGroup) -> dict[str, float]:
    """Peak resident memory (VmHWM) of each service's main process."""
    peaks = {}
    for service in group.services:
        if service.process is None:
            continue
        status = Path(f"/proc/{service.process.pid}/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks[service.name] = round(int(line.split()[1]) / 1024, 1)
    return peaks


class BaselineBot:
    """`rasa init`'s bot, created, trained and served from a temporary folder."""

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory()
        self.folder = Path(self._tmp.name)
        self.port = free_port()
        self.group: ServiceGroup | None = None

    def __enter__(self) -> "BaselineBot":
        subprocess.run(
            [str(RASA_BIN), "init", "--no-prompt", "--init-dir", str(self.folder)],
            cwd=self.folder,
            capture_output=True,
            check=True,
            timeout=3600,
        )
        model = next((self.folder / "models").glob("*.tar.gz"))
        service = Service(
            "baseline-rasa",
            self.port,
            "-",
            [
                str(RASA_BIN),
                "run",
                "--model",
                str(model),
                "--port",
                str(self.port),
                "--interface",
                "127.0.0.1",
                "--endpoints",
                str(self.folder / "endpoints.yml"),
                "--credentials",
                str(self.folder / "credentials.yml"),
            ],
            "/",
        )
        self.group = ServiceGroup([service], self.folder / "log")
        self.group.start(timeout_seconds=300)
        return self

    def __exit__(self, *_: object) -> None:
        if self.group:
            self.group.stop()
        self._tmp.cleanup()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
