"""Small helpers shared by the tests."""

import asyncio
import json
import os
import urllib.error
import urllib.request
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NoReturn, TypeVar

import pytest

from launcher.secrets_file import new_secrets as random_secrets  # noqa: F401

T = TypeVar("T")

# `make test` sets it: there a missing server is a failure, never a quiet skip.
REQUIRE_SERVERS = os.environ.get("CELIA_REQUIRE_SERVERS") == "1"


def server_missing(reason: str) -> NoReturn:
    """A test's server (PostgreSQL, Redis, Chromium, the Rasa environment) is not installed:
    skipped with the reason in `make test-unit`, a failure in `make test`."""
    message = f"{reason} (the Makefile's system-packages step installs it)"
    if REQUIRE_SERVERS:
        pytest.fail(message)
    pytest.skip(message)


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


def chat(backend_url: str, message: str, conversation_id: str | None = None) -> tuple[int, Any]:
    return post_json(
        f"{backend_url}/api/v1/chat", {"conversation_id": conversation_id, "message": message}
    )


def texts(reply: dict[str, Any]) -> str:
    return "\n".join(m["text"] for m in reply["messages"])


def say_to_rasa(rasa_url: str, token: str, sender: str, message: str) -> tuple[int, Any]:
    """A turn straight to a Rasa server's REST channel, as the backend sends it."""
    return post_json(
        f"{rasa_url}/webhooks/rest/webhook",
        {"sender": sender, "message": message},
        headers={"Authorization": f"Bearer {token}"},
    )
