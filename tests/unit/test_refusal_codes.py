"""Every reason the backend gives for refusing a filed request is answered by the actions in
the conversation's language: fi, sv and en, never the backend's English detail."""

import json
import subprocess

import pytest
import yaml

from backend.services.errors import RefusalCode
from launcher.paths import PROJECT_ROOT, RASA_PYTHON

pytestmark = pytest.mark.rasa  # the actions' code runs in the Rasa environment

LANGUAGES = ("fi", "sv", "en")


@pytest.fixture(scope="module")
def action_responses() -> dict[str, str]:
    """The response the action server's code picks for each code (and an unknown one)."""
    codes = [*RefusalCode, "something_new"]
    script = (
        "import json, sys\nfrom actions.requests import refusal_response\n"
        "print(json.dumps({c: refusal_response(c) for c in json.loads(sys.argv[1])}))"
    )
    run = subprocess.run(
        [str(RASA_PYTHON), "-c", script, json.dumps(codes)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


def _texts_by_language(response: str) -> dict[str, str]:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    texts = {}
    for variant in domain["responses"][response]:
        condition = variant.get("condition") or [{"name": "language", "value": "fi"}]
        assert condition[0]["name"] == "language"
        texts[condition[0]["value"]] = variant["text"]
    return texts


@pytest.mark.parametrize("code", [*RefusalCode, "something_new"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_each_refusal_code_is_answered_in_each_language(
    action_responses: dict[str, str], code: str, language: str
) -> None:
    texts = _texts_by_language(action_responses[code])
    assert set(texts) == set(LANGUAGES)
    text = texts[language]
    assert text and "{reason}" not in text
    others = [texts[other] for other in LANGUAGES if other != language]
    assert text not in others  # really translated
    if code == "something_new":
        assert action_responses[code] == "utter_refused_other"
    else:
        assert action_responses[code] != "utter_refused_other"
