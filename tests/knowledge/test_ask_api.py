"""POST /api/v1/ask, exactly as ARCHITECTURE.md describes it."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backend.main import create_app
from backend.settings import Settings
from tests.helpers import closed_port, random_secrets, settings_fields


@pytest.fixture(scope="module")
def client(faq_index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    workdir = tmp_path_factory.mktemp("ask")
    previous = os.environ.get("INDEX_DIR")
    os.environ["INDEX_DIR"] = str(faq_index_dir)
    settings = Settings(
        database_url=f"sqlite:///{workdir / 'db.sqlite'}",
        log_dir=workdir / "log",
        # nothing of a running assistant is reached: no Rasa, no mail, no tracker store
        rasa_url=f"http://127.0.0.1:{closed_port()}",
        smtp_port=closed_port(),
        tracker_db=workdir / "tracker.db",
        **settings_fields(random_secrets()),
    )
    try:
        with TestClient(create_app(settings)) as test_client:
            yield test_client
    finally:
        if previous is None:
            os.environ.pop("INDEX_DIR", None)
        else:
            os.environ["INDEX_DIR"] = previous


@pytest.mark.parametrize(
    ("question", "lang", "entry_id", "phrase"),
    [
        (
            "Tarviiko alle 15-vuotias huoltajan suostumuksen?",
            "fi",
            "guardian-consent-under-15",
            "huoltajan suostumus",
        ),
        (
            "Behövs vårdnadshavarens samtycke för ett barn under 15?",
            "sv",
            "guardian-consent-under-15",
            "samtycke",
        ),
        (
            "Does a child under 15 need a guardian's consent?",
            "en",
            "guardian-consent-under-15",
            "consent",
        ),
        (
            "asiakkaalla ei ole hetua, miten rekisteröin",
            "fi",
            "customer-without-hetu",
            "turvaviesti.celia.fi",
        ),
    ],
)
def test_answers_in_the_askers_language_with_sources(
    client: TestClient, question: str, lang: str, entry_id: str, phrase: str
) -> None:
    response = client.post("/api/v1/ask", json={"question": question, "lang": None})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "answered",
        "answer",
        "entry_id",
        "score",
        "lang",
        "sources",
        "caveat",
        "see_also",
        "related_entry_id",
    }
    assert body["caveat"] is None and body["see_also"] is None  # undated, answered
    assert body["answered"] is True
    assert body["entry_id"] == entry_id
    assert body["lang"] == lang
    assert phrase in body["answer"]
    assert body["sources"] and {"document", "section"} == set(body["sources"][0])


def test_explicit_language_wins(client: TestClient) -> None:
    body = client.post(
        "/api/v1/ask", json={"question": "alle 15v huoltajan suostumus", "lang": "en"}
    ).json()
    assert body["lang"] == "en" and "consent" in body["answer"]


@pytest.mark.parametrize(
    "question",
    ["Mikä on huomisen sääennuste Helsingissä?", "Give me a recipe for cinnamon buns"],
)
def test_questions_outside_the_faq_are_not_answered(client: TestClient, question: str) -> None:
    body = client.post("/api/v1/ask", json={"question": question}).json()
    assert body["answered"] is False
    assert body["answer"] is None and body["entry_id"] is None and body["sources"] == []


@pytest.mark.parametrize(
    "payload",
    [
        {"question": ""},
        {"question": "   "},
        {"question": "x" * 1001},
        {"question": 12},
        {"question": ["a"]},
        {"question": "ok", "lang": "de"},
        {},
    ],
)
def test_bad_input_gets_422_with_a_message(client: TestClient, payload: dict) -> None:
    response = client.post("/api/v1/ask", json=payload)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail
    assert "x" * 100 not in response.text  # the input is not echoed back


def test_security_headers_and_no_cors_for_unknown_origins(client: TestClient) -> None:
    page = client.get("/")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    preflight = client.options(
        "/api/v1/chat",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers


@pytest.mark.parametrize(("lang", "month"), [("fi", "toukokuulta"), ("sv", "maj"), ("en", "May")])
def test_a_dated_answer_has_its_caveat_beside_the_sources(
    client: TestClient, lang: str, month: str
) -> None:
    body = client.post("/api/v1/ask", json={"question": "kyselytunti", "lang": lang}).json()
    assert body["entry_id"] == "qa-hours" and body["sources"]
    assert f"{month} 2021" in body["caveat"]


def test_a_refusal_about_contact_details_has_see_also(client: TestClient) -> None:
    body = client.post("/api/v1/ask", json={"question": "Mikä on Celian puhelinnumero?"}).json()
    assert body["answered"] is False and body["caveat"] is None
    assert "www.celia.fi/yhteystiedot" in body["see_also"]


def test_a_near_miss_is_refused_with_the_related_entry_in_see_also(client: TestClient) -> None:
    body = client.post(
        "/api/v1/ask",
        json={"question": "Montako päivää CD-asiakkaan muuttaminen verkkoasiakkaaksi kestää?"},
    ).json()
    assert body["answered"] is False and body["answer"] is None and body["entry_id"] is None
    assert body["related_entry_id"] == "cd-to-online"
    assert body["see_also"].startswith("Tästä aiheesta ohjeissa sanotaan:")
