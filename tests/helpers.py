"""Small helpers shared by the tests."""

import json
import urllib.error
import urllib.request
from typing import Any

from launcher.secrets_file import new_secrets as random_secrets  # noqa: F401


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
