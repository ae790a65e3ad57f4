"""Small helpers shared by the tests."""

import asyncio
import atexit
import functools
import json
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Coroutine, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NoReturn, TypeVar

import httpx
import pyotp
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from backend.models import SecondFactor, StaffUser
from launcher.secrets_file import new_secrets as random_secrets  # noqa: F401

T = TypeVar("T")

# `make test` sets it: there a missing server is a failure, never a quiet skip.
REQUIRE_SERVERS = os.environ.get("CELIA_REQUIRE_SERVERS") == "1"


def settings_fields(env: Mapping[str, str]) -> dict[str, Any]:
    """`Settings` keyword arguments from environment variables (SERVICE_TOKEN -> service_token):
    the text of each, which the settings parse into their fields' types."""
    return {name.lower(): value for name, value in env.items()}


def server_missing(reason: str) -> NoReturn:
    """A test's server (PostgreSQL, Redis, Chromium, the Rasa environment) is not installed:
    skipped with the reason in `make test-unit`, a failure in `make test`."""
    message = f"{reason} (the Makefile's system-packages step installs it)"
    if REQUIRE_SERVERS:
        pytest.fail(message)
    pytest.skip(message)


@functools.cache
def _held_socket() -> socket.socket:
    held = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    held.bind(("127.0.0.1", 0))
    atexit.register(held.close)
    return held


def closed_port() -> int:
    """A local TCP port that refuses every connection for the whole test run: this process
    binds it and never listens, so nothing else on the machine (the assistant a developer keeps
    running on the default ports) can answer there. For the services a test does not start."""
    port: int = _held_socket().getsockname()[1]
    return port


TOTP_SECRET = "TESTSTAFFTOTPSECRETTESTSTAFF2345"  # the second factor of the tests' staff users


def fresh_totp_code(secret: str, last_step: int | None) -> str:
    """A code the backend accepts now: for a 30 s step no further than one from the current
    one and later than the last accepted step (so it waits when all near steps are used)."""
    now = int(time.time()) // 30
    # near a step's end, the previous step could leave the window before the code arrives
    earliest = now if time.time() % 30 > 25 else now - 1
    wanted = max(earliest, (last_step if last_step is not None else 0) + 1)
    while wanted > int(time.time()) // 30 + 1:
        time.sleep(0.5)
    return pyotp.TOTP(secret).generate_otp(wanted)


def last_totp_step(db: Session, email: str) -> int | None:
    return db.scalar(select(SecondFactor.last_step).join(StaffUser).where(StaffUser.email == email))


def staff_totp_code(database_url: str, email: str, secret: str) -> str:
    """A fresh code for a staff user of a running stack, whose database the test can read."""
    engine = create_engine(database_url)
    try:
        with Session(engine) as db:
            return fresh_totp_code(secret, last_totp_step(db, email))
    finally:
        engine.dispose()


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to the end on a loop of its own, in a thread of its own: the session's
    browser tests keep an event loop running in the main thread."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def post_json(
    url: str, payload: Any, headers: dict[str, str] | None = None, timeout: float = 30.0
) -> tuple[int, Any]:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


_CONVERSATION_COOKIES: dict[str, str] = {}  # conversation id -> its celia_conversation cookie


def chat(backend_url: str, message: str, conversation_id: str | None = None) -> tuple[int, Any]:
    """A chat turn as a browser sends it: continuing an anonymous conversation needs the
    conversation cookie the backend set with it, which is kept here per conversation."""
    cookie = _CONVERSATION_COOKIES.get(conversation_id or "")
    request = urllib.request.Request(
        f"{backend_url}/api/v1/chat",
        data=json.dumps({"conversation_id": conversation_id, "message": message}).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **({"Cookie": cookie} if cookie else {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30.0) as response:
            status, body = response.status, json.loads(response.read() or b"null")
            set_cookies = response.headers.get_all("Set-Cookie") or []
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")
    for header in set_cookies:
        if header.startswith("celia_conversation="):
            _CONVERSATION_COOKIES[body["conversation_id"]] = header.split(";")[0]
    return status, body


def texts(reply: dict[str, Any]) -> str:
    return "\n".join(m["text"] for m in reply["messages"])


def say_to_rasa(rasa_url: str, token: str, sender: str, message: str) -> tuple[int, Any]:
    """A turn straight to a Rasa server's REST channel, as the backend sends it."""
    return post_json(
        f"{rasa_url}/webhooks/rest/webhook",
        {"sender": sender, "message": message},
        headers={"Authorization": f"Bearer {token}"},
    )


def listening_pids(port: int) -> set[int]:
    """The processes listening on a TCP port (ss, from iproute2)."""
    listing = subprocess.run(
        ["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True, check=True
    ).stdout
    return {int(pid) for pid in re.findall(r"pid=(\d+)", listing)}


def log_in_demo_staff(staff: httpx.Client, database_url: str) -> dict[str, str]:
    """Log the demo data's Celia staff user in, password then TOTP code; the CSRF header."""
    from backend.demo_data import STAFF, STAFF_TOTP_SECRET

    email, _name, password = STAFF
    login = staff.post("/api/v1/staff/auth/login", json={"email": email, "password": password})
    assert login.status_code == 200, login.text
    csrf = {"X-CSRF-Token": login.json()["csrf_token"]}
    code = staff_totp_code(database_url, email, STAFF_TOTP_SECRET)
    second = staff.post("/api/v1/staff/auth/second-factor", json={"code": code}, headers=csrf)
    assert second.status_code == 200, second.text
    return csrf
