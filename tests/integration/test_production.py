"""The production shape as `make run-production` starts it, tested as a whole through https://.

nginx with TLS in front of two backend workers, two Rasa replicas, the action server,
PostgreSQL and Redis, all started and supervised by the launcher. Clients are told apart by
their source address: Linux routes all of 127.0.0.0/8 to the loopback interface, so a client
bound to 127.0.0.2 and one bound to 127.0.0.3 reach the proxy as two machines would. The
machine's own non-loopback address stands for a client from elsewhere.

The tests run in file order on one running shape; the last one stops it (backup, wipe,
restore, start).
"""

import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
import pytest
from psycopg import sql

from backend.demo_data import CUSTOMERS
from launcher.local_servers import postgres_bin_dir, postgres_service
from launcher.paths import PROJECT_ROOT
from launcher.services import ServiceGroup, backend_service, free_port, port_is_free
from tests.helpers import listening_pids, random_secrets

pytestmark = pytest.mark.integration

LOGIN_LIMIT = 5
METRICS_TOKEN = "metrics-token-for-the-production-test-0123456789"
REGISTRAR = ("rekisteroija@demo.celia.invalid", "Demo-Rekisteroija-2025")
RESET_ACCOUNTS = (
    "rekisteroija@demo.celia.invalid",
    "paakayttaja@demo.celia.invalid",
    "korkeakoulu@demo.celia.invalid",
)
ASKS_EMAIL = "sähköpostiosoite"
RESET_SENT = "/account/forgot"
GREET, GREETING = "hei", "Hei!"


def _consecutive_free_ports(count: int) -> int:
    """The first of `count` free consecutive ports (workers and replicas use port, port+1)."""
    while True:
        first = free_port()
        if all(port_is_free(first + offset) for offset in range(1, count)):
            return first


def _non_loopback_address() -> str | None:
    """This machine's address on its default route (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.123", 9))
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


@dataclass
class Production:
    root: Path
    env: dict[str, str]
    process: subprocess.Popen[str]
    https: int
    http: int
    workers: tuple[int, int]
    rasa: tuple[int, int]
    actions: int
    postgres: int
    internal: int
    lines: list[tuple[float, str]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https}"

    def client(self, source: str, timeout: float = 30) -> httpx.Client:
        """A client at `source` that trusts the launcher's local CA."""
        tls = ssl.create_default_context(cafile=str(self.root / "tls" / "ca.pem"))
        transport = httpx.HTTPTransport(local_address=source, verify=tls)
        return httpx.Client(base_url=self.url, transport=transport, timeout=timeout)

    def access_log(self, request_ids: list[str]) -> list[dict]:
        """The HTTPS listener's access log lines of these requests (nginx writes each line once
        the response has gone out, so the last may come a moment after the client has it; the
        action server's calls for a turn share its id on the internal listener)."""
        deadline = time.monotonic() + 5
        while True:
            lines = (self.root / "log" / "proxy-access.log").read_text().splitlines()
            entries = {
                entry["request_id"]: entry
                for entry in map(json.loads, lines)
                if entry["listener"] == str(self.https)
            }
            if all(i in entries for i in request_ids) or time.monotonic() > deadline:
                return [entries[i] for i in request_ids]
            time.sleep(0.1)

    def wait_for_line(self, text: str, after: float, timeout: float = 150) -> float:
        """When the launcher printed `text` (after `after`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for when, line in list(self.lines):
                if when >= after and text in line:
                    return when
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"{text!r} not printed; output:\n{self.output()}")

    def output(self) -> str:
        return "".join(line for _, line in self.lines)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def production(faq_index_dir: Path, rasa_model_file: Path) -> Iterator[Production]:
    # Not under pytest's tmp_path: its root-only parent folders shut out the postgres user.
    root = Path(tempfile.mkdtemp(prefix="celia-production-"))
    root.chmod(0o755)
    backend, rasa = _consecutive_free_ports(2), _consecutive_free_ports(2)
    ports = {
        "BACKEND_PORT": backend,
        "RASA_PORT": rasa,
        "ACTION_PORT": free_port(),
        "SMTP_PORT": free_port(),
        "POSTGRES_PORT": free_port(),
        "REDIS_PORT": free_port(),
        "PROXY_HTTP_PORT": free_port(),
        "PROXY_HTTPS_PORT": free_port(),
        "PROXY_INTERNAL_PORT": free_port(),
    }
    env = {
        **os.environ,
        **random_secrets(),
        **{name: str(port) for name, port in ports.items()},
        "PRODUCTION": "1",
        "PRODUCTION_DIR": str(root),
        "LOG_DIR": str(root / "log"),
        "MAIL_DIR": str(root / "mail"),
        "BACKUP_DIR": str(root / "backups"),
        "INDEX_DIR": str(faq_index_dir),
        "PROXY_LISTEN": "0.0.0.0",  # noqa: S104 (a client from the machine's own address)
        "METRICS_TOKEN": METRICS_TOKEN,
        "LOGIN_PER_CLIENT_PER_MINUTE": str(LOGIN_LIMIT),
        "EMAIL_SEND_INTERVAL_SECONDS": "0.5",  # the two workers' senders race often
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_KIB": "1024",
        "ARGON2_PARALLELISM": "1",
    }
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "launcher", "run"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    shape = Production(
        root,
        env,
        process,
        https=ports["PROXY_HTTPS_PORT"],
        http=ports["PROXY_HTTP_PORT"],
        workers=(backend, backend + 1),
        rasa=(rasa, rasa + 1),
        actions=ports["ACTION_PORT"],
        postgres=ports["POSTGRES_PORT"],
        internal=ports["PROXY_INTERNAL_PORT"],
    )

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            shape.lines.append((time.monotonic(), line))

    threading.Thread(target=read, daemon=True).start()
    try:
        shape.wait_for_line("All services healthy", after=0, timeout=420)
        yield shape
    finally:
        shape.stop()
        shutil.rmtree(root, ignore_errors=True)


class Chat:
    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.conversation_id: str | None = None
        self.request_ids: list[str] = []

    def say(self, message: str) -> str:
        reply = self.client.post(
            "/api/v1/chat", json={"conversation_id": self.conversation_id, "message": message}
        )
        assert reply.status_code == 200, reply.text
        self.request_ids.append(reply.headers["X-Request-ID"])
        self.conversation_id = reply.json()["conversation_id"]
        return "\n".join(m["text"] for m in reply.json()["messages"])


def test_http_redirects_to_https_which_sends_hsts(production: Production) -> None:
    plain = httpx.get(f"http://127.0.0.1:{production.http}/staff?x=1")
    assert plain.status_code == 301
    assert plain.headers["Location"] == f"https://127.0.0.1:{production.https}/staff?x=1"
    with production.client("127.0.0.2") as client:
        page = client.get("/")
        too_big = client.post(
            "/api/v1/chat", content=b"x" * 70_000, headers={"Content-Type": "application/json"}
        )
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert re.fullmatch(r"[0-9a-f]{32}", page.headers["X-Request-ID"])
    assert too_big.status_code == 413  # client_max_body_size 64k, before any worker sees it
    with pytest.raises(httpx.ConnectError):  # only the launcher's CA vouches for it
        httpx.get(production.url, timeout=5)


def test_session_cookies_are_secure_behind_the_proxy(production: Production) -> None:
    with production.client("127.0.0.9") as client:
        login = client.post(
            "/api/v1/auth/login", json={"email": REGISTRAR[0], "password": REGISTRAR[1]}
        )
    assert login.status_code == 200, login.text
    cookies = login.headers.get_list("set-cookie")
    assert len(cookies) == 2
    assert all("; Secure" in cookie or "; secure" in cookie for cookie in cookies)


def test_a_form_conversation_runs_with_turns_on_both_workers(production: Production) -> None:
    with production.client("127.0.0.2") as client:
        chat = Chat(client)
        assert ASKS_EMAIL in chat.say("unohdin salasanani")
        assert "sähköpostiosoitteelta" in chat.say("en muista sitä")
        assert "sähköpostiosoitteelta" in chat.say("matti at koulu piste fi")
        assert "kolmella yrityksellä" in chat.say("matti koulu fi")
    entries = production.access_log(chat.request_ids)
    assert {entry["upstream"] for entry in entries} == {
        f"127.0.0.1:{port}" for port in production.workers
    }
    assert {entry["client"] for entry in entries} == {"127.0.0.2"}
    logs = production.root / "log"
    backend_ids = {entry.get("request_id") for entry in _json_lines(logs / "backend.log")}
    assert set(chat.request_ids) <= backend_ids


def test_one_turn_is_followed_by_its_request_id_through_every_log(
    production: Production,
) -> None:
    """The greeting runs a custom action, which asks a worker about the conversation through
    the proxy's internal listener: every process logs the turn's id (LOG_FORMAT=json)."""
    with production.client("127.0.0.2") as client:
        turn = Chat(client)
        assert GREETING in turn.say(GREET)
    (request_id,) = turn.request_ids
    time.sleep(1)  # the action server's line may follow the answer
    logs = production.root / "log"
    for names in (["backend.log"], ["rasa-1.out", "rasa-2.out"], ["actions.out"]):
        ids = {entry.get("request_id") for name in names for entry in _json_lines(logs / name)}
        assert request_id in ids, names
    proxy_lines = (logs / "proxy-access.log").read_text().splitlines()
    listeners = {
        entry["listener"]
        for entry in map(json.loads, proxy_lines)
        if entry["request_id"] == request_id
    }
    assert listeners == {str(production.https), str(production.internal)}


def _json_lines(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]


def _log_in_as_nobody(client: httpx.Client, **headers: str) -> httpx.Response:
    return client.post(
        "/api/v1/auth/login",
        json={"email": "nobody@demo.celia.invalid", "password": "Not-The-Password-1"},
        headers=headers,
    )


def test_the_login_limit_counts_per_client_on_every_worker(production: Production) -> None:
    with production.client("127.0.0.2") as first, production.client("127.0.0.3") as second:
        allowed = [_log_in_as_nobody(first) for _ in range(LOGIN_LIMIT)]
        refused = [_log_in_as_nobody(first) for _ in range(2)]
        other_client = _log_in_as_nobody(second)
        spoofed = _log_in_as_nobody(first, **{"X-Forwarded-For": "198.51.100.7"})
    assert [reply.status_code for reply in allowed] == [401] * LOGIN_LIMIT
    assert [reply.status_code for reply in refused] == [429, 429]
    assert int(refused[0].headers["Retry-After"]) >= 1
    entries = production.access_log([reply.headers["X-Request-ID"] for reply in refused])
    refused_on = {entry["upstream"] for entry in entries}
    assert len(refused_on) == 2, "both workers refuse: the count is shared"
    assert other_client.status_code == 401, "another client has a bucket of its own"
    assert spoofed.status_code == 429, "the proxy replaces a client's X-Forwarded-For"
    for port in production.workers:  # straight to a worker, past the proxy
        transport = httpx.HTTPTransport(local_address="127.0.0.2")
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", transport=transport) as direct:
            reply = _log_in_as_nobody(direct, **{"X-Forwarded-For": "198.51.100.8"})
        assert reply.status_code == 429, "a client cannot pick its bucket with the header"


def _mails_to(mail_dir: Path, address: str) -> int:
    return sum(
        f"To: {address}" in path.read_text(errors="replace") for path in mail_dir.glob("*.eml")
    )


def test_a_queued_mail_is_delivered_exactly_once_by_two_workers(
    production: Production,
) -> None:
    with production.client("127.0.0.4") as client:
        for address in RESET_ACCOUNTS:
            chat = Chat(client)
            assert ASKS_EMAIL in chat.say("unohdin salasanani")
            assert RESET_SENT in chat.say(address)
    mail_dir = production.root / "mail"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if all(_mails_to(mail_dir, address) for address in RESET_ACCOUNTS):
            break
        time.sleep(0.5)
    time.sleep(3)  # a dozen more rounds of both senders: a second copy would arrive by now
    assert [_mails_to(mail_dir, address) for address in RESET_ACCOUNTS] == [1, 1, 1]
    with _backend_db(production) as db:
        unsent = db.execute("SELECT count(*) FROM outbox_emails WHERE sent_at IS NULL")
        assert unsent.fetchone() == (0,)


def _backend_db(production: Production) -> psycopg.Connection:
    return psycopg.connect(
        host="127.0.0.1", port=production.postgres, user="postgres", dbname="celia"
    )


def _metrics(client: httpx.Client, **headers: str) -> dict[str, float]:
    """Every sample of /metrics, by its name and labels as written."""
    reply = client.get("/metrics", headers=headers)
    assert reply.status_code == 200, reply.text
    samples = {}
    for line in reply.text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


def _total(samples: dict[str, float], name: str, **labels: str) -> float:
    wanted = [f'{key}="{value}"' for key, value in labels.items()]
    return sum(
        value
        for sample, value in samples.items()
        if sample.split("{")[0] == name and all(label in sample for label in wanted)
    )


def test_metrics_count_the_traffic_and_need_a_token_from_elsewhere(
    production: Production,
) -> None:
    outside = _non_loopback_address()
    if outside is None:
        pytest.skip("this machine has no non-loopback address to be a remote client from")
    with production.client(outside) as remote:
        assert remote.get("/metrics").status_code in (401, 403)
        assert remote.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code in (
            401,
            403,
        )
        token = {"Authorization": f"Bearer {METRICS_TOKEN}"}
        before = _metrics(remote, **token)
        with production.client("127.0.0.5") as client:
            faq = Chat(client)
            faq.say("Tarvitaanko 10-vuotiaalle huoltajan suostumus?")
            faq.say("Asiakkaalla ei ole suomalaista henkilötunnusta, miten rekisteröin hänet?")
            Chat(client).say("haluan puhua ihmiselle")
        after = _metrics(remote, **token)
    with production.client("127.0.0.2") as local:
        assert local.get("/metrics").status_code == 200, "loopback needs no token"

    def grew(name: str, **labels: str) -> float:
        return _total(after, name, **labels) - _total(before, name, **labels)

    assert grew("celia_chat_turns_total") == 3
    assert grew("celia_faq_questions_total", lang="fi", outcome="answered") == 2
    assert grew("celia_handoffs_total") == 1


@dataclass
class Turn:
    sent: float
    done: float
    ok: bool


def _steady_stream(production: Production, stop: threading.Event, turns: list[Turn]) -> None:
    """A new conversation's greeting every 0.3 s (the greeting runs a custom action)."""
    with production.client("127.0.0.6", timeout=20) as client:
        while not stop.is_set():
            sent = time.monotonic()
            try:
                reply = client.post(
                    "/api/v1/chat", json={"conversation_id": None, "message": "hei"}
                )
                ok = reply.status_code == 200 and GREETING in reply.text
            except httpx.HTTPError:
                ok = False
            turns.append(Turn(sent, time.monotonic(), ok))
            stop.wait(0.3)


def test_each_process_killed_once_is_restarted_while_the_chat_goes_on(
    production: Production,
) -> None:
    """SIGKILL in three rounds (a worker and a replica, then the other pair, then the action
    server, then the proxy), each awaited until the launcher reports it healthy again.
    A form started before each round is finished after it: no conversation loses its state."""
    rounds: list[dict[str, int | None]] = [
        {"backend-1": production.workers[0], "rasa-1": production.rasa[0]},
        {"backend-2": production.workers[1], "rasa-2": production.rasa[1]},
        {"actions": production.actions},
        {"proxy": None},
    ]
    turns: list[Turn] = []
    stop = threading.Event()
    stream = threading.Thread(target=_steady_stream, args=(production, stop, turns))
    stream.start()
    outages: list[tuple[float, float]] = []
    try:
        with production.client("127.0.0.7") as client:
            for victims in rounds:
                time.sleep(2)
                form = Chat(client)
                assert ASKS_EMAIL in form.say("unohdin salasanani")
                killed_at = time.monotonic()
                for name, port in victims.items():
                    pids = (
                        {int((production.root / "proxy" / "nginx.pid").read_text())}
                        if port is None
                        else listening_pids(port)
                    )
                    assert len(pids) == 1, (name, pids)
                    os.kill(pids.pop(), signal.SIGKILL)
                back = max(
                    production.wait_for_line(f"{name} is healthy again.", after=killed_at)
                    for name in victims
                )
                outages.append((killed_at, back + 3))  # the proxy notices a worker within 2 s
                time.sleep(1)
                assert RESET_SENT in form.say("palautus@koulu.example.invalid"), victims
            time.sleep(3)
    finally:
        stop.set()
        stream.join(timeout=30)
    for name in ("backend-1", "backend-2", "rasa-1", "rasa-2", "actions", "proxy"):
        assert f"{name} exited with code -9; restarting in 1 s." in production.output()
    failed = [turn for turn in turns if not turn.ok]
    for (start, end), victims in zip(outages, rounds, strict=True):
        during = [turn for turn in turns if turn.done >= start and turn.sent <= end]
        print(  # evidence in the report (-rP): how long each round was down, what failed
            f"{'+'.join(victims)}: back after {end - 3 - start:.1f} s, "
            f"{sum(not turn.ok for turn in during)} of {len(during)} turns failed"
        )
    stray = [
        turn
        for turn in failed
        if not any(turn.done >= start and turn.sent <= end for start, end in outages)
    ]
    assert not stray, f"turns failed while everything was up: {stray}"
    last_back = outages[-1][1]
    assert sum(turn.ok for turn in turns if turn.sent > last_back) >= 3, "the stream goes on"
    assert len(turns) > 50


def _count_rows(production: Production) -> dict[str, int]:
    with _backend_db(production) as db:
        return {
            table: db.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]  # type: ignore[index]
            for table in ("registrars", "customers", "staff_requests", "audit_events")
        }


def _launcher(production: Production, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "launcher", *arguments],
        cwd=PROJECT_ROOT,
        env=production.env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_backup_wipe_restore_and_start(production: Production) -> None:
    """Runs last: it stops the shape."""
    with production.client("127.0.0.8") as client:
        login = client.post(
            "/api/v1/auth/login", json={"email": REGISTRAR[0], "password": REGISTRAR[1]}
        )
        assert login.status_code == 200, login.text
        chat = Chat(client)
        assert "kirjautunut rekisteröijänä" in chat.say("hei")
        chat.say("hetu on käytössä mutta asiakasta ei löydy")
        chat.say("kyllä")
        assert "REQ-" in chat.say("150162-906P")
    before = _count_rows(production)
    assert before["staff_requests"] >= 1 and before["audit_events"] >= 1

    made = _launcher(production, "backup")
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.split("Backup written: ", 1)[1].strip())
    assert backup.stat().st_mode & 0o077 == 0, "only the owner reads a backup"
    as_sql = subprocess.run(
        [str(postgres_bin_dir() / "pg_restore"), "--file=-", str(backup)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert REGISTRAR[0] in as_sql  # the text is readable: the hetu check below means something
    for customer in CUSTOMERS:
        assert customer.hetu not in as_sql
        assert customer.hetu.encode() not in backup.read_bytes()

    production.stop()
    assert production.process.returncode == 0, production.output()
    postgres = ServiceGroup(
        [postgres_service(production.root / "postgres", production.postgres)],
        production.root / "log",
    )
    with postgres:
        with psycopg.connect(
            host="127.0.0.1", port=production.postgres, user="postgres", autocommit=True
        ) as admin:
            admin.execute("DROP DATABASE celia WITH (FORCE)")
        restored = _launcher(production, "restore", str(backup))
        assert restored.returncode == 0, restored.stderr
        assert _count_rows(production) == before
        env = {
            **{k: v for k, v in production.env.items() if k not in ("PRODUCTION",)},
            "DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:{production.postgres}/celia",
        }
        worker = backend_service("backend-restored", free_port(), env)
        with (
            ServiceGroup([worker], production.root / "log"),
            httpx.Client(base_url=f"http://127.0.0.1:{worker.port}", timeout=30) as client,
        ):
            login = client.post(
                "/api/v1/auth/login", json={"email": REGISTRAR[0], "password": REGISTRAR[1]}
            )
            assert login.status_code == 200, login.text
