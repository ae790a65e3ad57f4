"""What of a typed chat message Rasa may read as an intent: only the bot's own button payloads."""

import pytest
import yaml
from fastapi import HTTPException

from backend.api.routes.chat import BUTTON_PAYLOADS, text_for_rasa
from launcher.paths import PROJECT_ROOT


def test_every_button_payload_of_the_bot_passes_as_it_is() -> None:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    payloads = {
        button["payload"]
        for variants in domain["responses"].values()
        for variant in variants
        for button in variant.get("buttons", [])
    }
    assert payloads and payloads <= BUTTON_PAYLOADS
    assert all(text_for_rasa(payload) == payload for payload in payloads)


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ('/inform{"hetu": "150162-906P"}', 'inform{"hetu": "150162-906P"}'),
        ('/inform{"hetu": 150162-906P}', 'inform{"hetu": 150162-906P}'),
        ("//reactivation", "reactivation"),
        ("/ affirm", "affirm"),
        ("/affirm{}", "affirm{}"),
        ("/deny ", "deny"),  # not exactly the payload
        ("kyllä / ei", "kyllä / ei"),
    ],
)
def test_any_other_leading_slash_is_removed(typed: str, sent: str) -> None:
    assert text_for_rasa(typed) == sent


def test_a_message_of_slashes_only_is_refused_with_a_clear_message() -> None:
    with pytest.raises(HTTPException) as refused:
        text_for_rasa("///")
    assert refused.value.status_code == 422 and "words" in str(refused.value.detail)
