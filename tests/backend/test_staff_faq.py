"""Staff maintain the FAQ: versions in the database, two-person publish, the regression gate,
swap without restart in every worker, rollback, and the YAML export. Real index, real DB."""

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url

from backend import admin
from backend.db import Database
from backend.main import create_app
from backend.migrate import upgrade
from backend.models import FaqItem, FaqPublication, StaffRole
from backend.services.faq_content import export_published, seed_from_yaml
from knowledge.answering import FaqService
from knowledge.evaluation import HELDOUT_SET, load_questions
from knowledge.faq import load_faq
from knowledge.settings import KnowledgeSettings
from launcher.local_servers import create_database
from tests.backend.conftest import Mailbox, Seed, staff_login, test_settings

AUTHOR, REVIEWER = "sirpa@celia.fi", "aino@celia.fi"
SOURCE = {
    "name": "lukuintoleiri_2026.md",
    "titles": {"fi": "Lukuintoleiri 2026", "sv": "Läslägret 2026", "en": "Reading camp 2026"},
    "text": "# Lukuintoleiri\n\n## Leirin ajankohta\n\n"
    "Celia järjestää lukuintoleirin kirjastojen rekisteröijille kesäkuussa 2026.\n",
}
CAMP = {
    "source": {"document": SOURCE["name"], "section": "Leirin ajankohta"},
    "quote": "Celia järjestää lukuintoleirin kirjastojen rekisteröijille kesäkuussa 2026.",
    "dated": "2026-11-26",
    "review_by": "2027-06-30",
    "answer": {
        "fi": "Celia järjestää lukuintoleirin rekisteröijille kesäkuussa 2026.",
        "sv": "Celia ordnar ett lässläger för registrerare i juni 2026.",
        "en": "Celia holds a reading camp for registrars in June 2026.",
    },
    "questions": {
        "fi": ["Milloin lukuintoleiri järjestetään?", "Mikä on lukuintoleiri?"],
        "sv": ["När är läslägret?"],
        "en": ["When is the reading camp?"],
    },
    "must_answer": [{"q": "Milloin on lukuintoleiri?", "lang": "fi"}],
}


@pytest.fixture(scope="module")
def workers(
    tmp_path_factory: pytest.TempPathFactory,
    knowledge_settings: KnowledgeSettings,
    smtp_server: tuple[Mailbox, int],
) -> Iterator[tuple[TestClient, TestClient]]:
    """Two backend workers on one database, each with the real FAQ index."""
    root = tmp_path_factory.mktemp("staff-faq")
    settings = test_settings(f"sqlite:///{root / 'faq.db'}", smtp_server[1], root / "log")
    settings.faq_reload_interval_seconds = 0.2
    apps = [
        create_app(settings, load_faq=lambda: FaqService.load(knowledge_settings)) for _ in range(2)
    ]
    with TestClient(apps[0]) as first, TestClient(apps[1]) as second:
        seed = Seed(first)
        seed.staff(AUTHOR)
        seed.staff(REVIEWER, role=StaffRole.admin)
        yield first, second


def as_staff(client: TestClient, email: str) -> dict[str, str]:
    """Switch the client to `email`'s staff session, logging in only the first time per app:
    a second log-in must wait for a fresh TOTP step (up to 30 s)."""
    state = client.app.state  # type: ignore[attr-defined]
    if not hasattr(state, "staff_logins"):
        state.staff_logins = {}
    logins = state.staff_logins
    client.cookies.clear()
    if email not in logins:
        headers = staff_login(client, email)
        logins[email] = (dict(client.cookies), headers)
    cookies, headers = logins[email]
    client.cookies.update(cookies)
    return headers


def ask(client: TestClient, question: str) -> dict[str, Any]:
    response = client.post("/api/v1/ask", json={"question": question, "lang": "fi"})
    assert response.status_code == 200, response.text
    return response.json()


def approve_and_publish(client: TestClient, version_id: int) -> Any:
    headers = as_staff(client, REVIEWER)
    approved = client.post(f"/api/v1/staff/faq/versions/{version_id}/approve", headers=headers)
    assert approved.status_code == 200, approved.text
    headers = as_staff(client, AUTHOR)
    return client.post(f"/api/v1/staff/faq/versions/{version_id}/publish", headers=headers)


def test_the_yaml_is_imported_as_published_first_versions(
    workers: tuple[TestClient, TestClient], tmp_path: Path
) -> None:
    client = workers[0]
    headers = as_staff(client, AUTHOR)
    items = client.get("/api/v1/staff/faq/items", headers=headers).json()
    entries = [row for row in items if row["kind"] == "entry"]
    assert len(entries) == len(load_faq(KnowledgeSettings().faq_dir))
    assert {row["latest_status"] for row in items} == {"published"}
    found = client.get("/api/v1/staff/faq/items?q=lukossa", headers=headers).json()
    assert "locked-registrar-account" in {row["key"] for row in found}
    detail = client.get("/api/v1/staff/faq/items/entry/how-to-register", headers=headers).json()
    assert [v["number"] for v in detail["versions"]] == [1]
    assert detail["versions"][0]["comment"] == "imported from the YAML seed"

    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        export_published(db, tmp_path)
    seed = KnowledgeSettings()
    assert load_faq(tmp_path / "faq", tmp_path / "sources") == load_faq(seed.faq_dir)
    catalog = (tmp_path / "sources" / "catalog.yml").read_text(encoding="utf-8")
    assert yaml.safe_load(catalog) == yaml.safe_load(
        (seed.sources_dir / "catalog.yml").read_text(encoding="utf-8")
    )


def test_the_console_reads_a_list_in_a_few_queries_whatever_its_length(
    workers: tuple[TestClient, TestClient],
) -> None:
    """The item list, its search, the review list and an item's page: a fixed number of SQL
    statements (log-in check included), not one or more per item or version."""
    client = workers[0]
    headers = as_staff(client, AUTHOR)
    engine = client.app.state.db.engine  # type: ignore[attr-defined]
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        for path in (
            "/api/v1/staff/faq/items",
            "/api/v1/staff/faq/items?q=lukossa",
            "/api/v1/staff/faq/review",
            "/api/v1/staff/faq/items/entry/how-to-register",
        ):
            statements.clear()
            assert client.get(path, headers=headers).status_code == 200, path
            assert len(statements) <= 8, (path, statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(client.get("/api/v1/staff/faq/items", headers=headers).json()) > 50


def test_a_quote_not_verbatim_in_its_source_is_refused(
    workers: tuple[TestClient, TestClient],
) -> None:
    client = workers[0]
    headers = as_staff(client, AUTHOR)
    broken = CAMP | {"quote": "Tätä lausetta ei ole missään lähteessä."}
    client.post("/api/v1/staff/faq/sources", json=SOURCE, headers=headers)
    response = client.post(
        "/api/v1/staff/faq/items/entry",
        json={"key": "reading-camp-x", "content": broken, "comment": "uusi"},
        headers=headers,
    )
    assert response.status_code == 422
    assert "'quote'" in response.json()["detail"]
    assert "not found verbatim" in response.json()["detail"]


def test_an_author_cannot_approve_their_own_draft(workers: tuple[TestClient, TestClient]) -> None:
    client = workers[0]
    headers = as_staff(client, AUTHOR)
    draft = client.post(
        "/api/v1/staff/faq/items/topic/price/versions",
        json={"content": {"fi": ["Paljonko maksaa?"], "sv": [], "en": []}, "comment": "k"},
        headers=headers,
    ).json()
    own = client.post(f"/api/v1/staff/faq/versions/{draft['id']}/approve", headers=headers)
    assert own.status_code == 409
    assert "second staff member" in own.json()["detail"]
    unapproved = client.post(f"/api/v1/staff/faq/versions/{draft['id']}/publish", headers=headers)
    assert unapproved.status_code == 422


def test_a_draft_is_deleted_and_a_published_version_is_not(
    workers: tuple[TestClient, TestClient],
) -> None:
    """A probe's draft (here holding a script payload) can be deleted; so can a new item's
    only draft, with the item; published history cannot."""
    client = workers[0]
    headers = as_staff(client, AUTHOR)
    payload = {"fi": ["<script>alert(1)</script>"], "sv": [], "en": []}
    draft = client.post(
        "/api/v1/staff/faq/items/topic/price/versions",
        json={"content": payload, "comment": "probe"},
        headers=headers,
    ).json()
    url = f"/api/v1/staff/faq/versions/{draft['id']}"
    assert client.delete(url, headers=headers).status_code == 204
    assert client.get(url, headers=headers).status_code == 404
    detail = client.get("/api/v1/staff/faq/items/topic/price", headers=headers).json()
    assert draft["id"] not in [v["id"] for v in detail["versions"]]
    published = next(v["id"] for v in detail["versions"] if v["status"] == "published")
    kept = client.delete(f"/api/v1/staff/faq/versions/{published}", headers=headers)
    assert kept.status_code == 409

    client.post("/api/v1/staff/faq/sources", json=SOURCE, headers=headers)
    created = client.post(
        "/api/v1/staff/faq/items/entry",
        json={"key": "probe-entry", "content": CAMP, "comment": "probe"},
        headers=headers,
    ).json()
    assert (
        client.delete(f"/api/v1/staff/faq/versions/{created['id']}", headers=headers).status_code
        == 204
    )
    assert (
        client.get("/api/v1/staff/faq/items/entry/probe-entry", headers=headers).status_code == 404
    )
    assert client.delete(url, headers=headers).status_code == 404


def test_a_new_entry_is_answered_by_every_worker_without_a_restart(
    workers: tuple[TestClient, TestClient],
) -> None:
    first, second = workers
    assert not ask(second, "Kerro lukuintoleiristä")["answered"]
    headers = as_staff(first, AUTHOR)
    first.post("/api/v1/staff/faq/sources", json=SOURCE, headers=headers)
    created = first.post(
        "/api/v1/staff/faq/items/entry",
        json={"key": "reading-camp", "content": CAMP, "comment": "kyselytunnilta"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    published = approve_and_publish(first, created.json()["id"])
    assert published.status_code == 200, published.text
    assert published.json()["top1"]["held-out"] >= 0.95
    assert ask(first, "Kerro lukuintoleiristä")["entry_id"] == "reading-camp"
    deadline = time.monotonic() + 10
    while ask(second, "Kerro lukuintoleiristä")["entry_id"] != "reading-camp":
        assert time.monotonic() < deadline, "the second worker never loaded the publication"
        time.sleep(0.2)
    audit = first.get("/api/v1/staff/audit?target_kind=faq_version", headers=headers).json()
    assert "faq_publish" in {event["action"] for event in audit}


def test_a_publish_that_breaks_a_held_out_question_is_refused_and_named(
    workers: tuple[TestClient, TestClient],
) -> None:
    client = workers[0]
    stolen = [q for q in load_questions(HELDOUT_SET) if q.expected == "hetu-in-use-not-found"][:4]
    assert all(ask(client, q.text)["entry_id"] == "hetu-in-use-not-found" for q in stolen)
    headers = as_staff(client, AUTHOR)
    draft = client.post(
        "/api/v1/staff/faq/items/entry/cd-to-online/phrasings",
        json={"questions": [{"q": q.text, "lang": q.lang} for q in stolen]},
        headers=headers,
    )
    assert draft.status_code == 201, draft.text
    refused = approve_and_publish(client, draft.json()["id"])
    assert refused.status_code == 409, refused.text
    broken = refused.json()["broken"]
    assert {item["question"] for item in broken} & {q.text for q in stolen}
    assert {item["answered_with"] for item in broken} == {"cd-to-online"}
    assert all(ask(client, q.text)["entry_id"] == "hetu-in-use-not-found" for q in stolen)


def test_rollback_restores_the_previous_answer(workers: tuple[TestClient, TestClient]) -> None:
    client = workers[0]
    headers = as_staff(client, AUTHOR)
    question = "Miten rekisteröin uuden asiakkaan Celianetissä?"
    before = ask(client, question)["answer"]
    detail = client.get("/api/v1/staff/faq/items/entry/how-to-register", headers=headers).json()
    first = detail["versions"][0]
    changed = first["content"] | {
        "answer": first["content"]["answer"] | {"fi": "Rekisteröinti tehdään Celianetissä."}
    }
    draft = client.post(
        "/api/v1/staff/faq/items/entry/how-to-register/versions",
        json={"content": changed, "comment": "lyhyempi vastaus"},
        headers=headers,
    ).json()
    diff = client.get(f"/api/v1/staff/faq/versions/{draft['id']}", headers=headers).json()
    changed_lines = [line for line in diff["diff"].splitlines() if line[:1] in "+-"]
    assert changed_lines[2:] == [
        f"-  fi: {first['content']['answer']['fi']}",
        "+  fi: Rekisteröinti tehdään Celianetissä.",
    ]
    assert approve_and_publish(client, draft["id"]).status_code == 200
    assert ask(client, question)["answer"] == "Rekisteröinti tehdään Celianetissä."

    headers = as_staff(client, AUTHOR)
    restored = client.post(f"/api/v1/staff/faq/versions/{first['id']}/rollback", headers=headers)
    assert restored.status_code == 200, restored.text
    assert restored.json()["version"]["comment"] == "rollback to version 1"
    assert ask(client, question)["answer"] == before
    again = client.post(f"/api/v1/staff/faq/versions/{draft['id']}/rollback", headers=headers)
    assert again.status_code == 200  # the short answer was live once, so it can come back


def test_a_single_person_team_approves_its_own_and_the_floor_still_guards(
    workers: tuple[TestClient, TestClient],
) -> None:
    client = workers[0]
    settings = client.app.state.settings  # type: ignore[attr-defined]
    headers = as_staff(client, AUTHOR)
    topic = client.get("/api/v1/staff/faq/items/topic/apps", headers=headers).json()
    content = topic["versions"][-1]["content"]
    draft = client.post(
        "/api/v1/staff/faq/items/topic/apps/versions",
        json={
            "content": content | {"fi": [*content["fi"], "Onko Celialla sovellus?"]},
            "comment": "k",
        },
        headers=headers,
    ).json()
    settings.faq_single_person_team = True
    settings.faq_gate_heldout_top1_floor = 1.0
    try:
        own = client.post(f"/api/v1/staff/faq/versions/{draft['id']}/approve", headers=headers)
        assert own.status_code == 200, own.text
        refused = client.post(f"/api/v1/staff/faq/versions/{draft['id']}/publish", headers=headers)
    finally:
        settings.faq_single_person_team = False
        settings.faq_gate_heldout_top1_floor = 0.95
    assert refused.status_code == 409, refused.text
    assert refused.json()["floors"]["held-out"] == 1.0
    assert refused.json()["top1"]["held-out"] < 1.0
    published = client.post(f"/api/v1/staff/faq/versions/{draft['id']}/publish", headers=headers)
    assert published.status_code == 200, published.text


def test_workers_seeding_one_postgres_database_at_once_import_once(postgres_url: str) -> None:
    """Backend workers start together on an empty PostgreSQL database: one imports the YAML."""
    fresh = create_database(make_url(postgres_url).port or 5432, "celia_faq_seed_race")
    upgrade(fresh)
    databases = [Database(fresh) for _ in range(3)]

    def seed_once(database: Database) -> bool:
        with database.sessions() as db:
            return seed_from_yaml(db, KnowledgeSettings())

    try:
        with ThreadPoolExecutor(max_workers=3) as pool:
            imported = list(pool.map(seed_once, databases))
        with databases[0].sessions() as db:
            publications = db.scalar(select(func.count()).select_from(FaqPublication))
            entries = db.scalar(select(func.count()).select_from(FaqItem))
    finally:
        for database in databases:
            database.engine.dispose()
    assert sorted(imported) == [False, False, True]
    assert publications == 1
    assert entries == len(load_faq(KnowledgeSettings().faq_dir)) + len(
        yaml.safe_load(KnowledgeSettings().out_of_scope_file.read_text(encoding="utf-8"))["topics"]
    )


def test_the_admin_command_exports_the_published_content(
    workers: tuple[TestClient, TestClient], tmp_path: Path
) -> None:
    """`celia-admin faq export`: the backend's command, so knowledge/ reads no database."""
    client = workers[0]
    settings = client.app.state.settings  # type: ignore[attr-defined]
    printed = admin.run(["faq", "export", "--to", str(tmp_path / "cli")], settings)
    assert str(tmp_path / "cli" / "out_of_scope.yml") in printed
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        export_published(db, tmp_path / "service")
    exported = load_faq(tmp_path / "cli" / "faq", tmp_path / "cli" / "sources")
    assert exported == load_faq(tmp_path / "service" / "faq", tmp_path / "service" / "sources")
    # The seed's entries at least (earlier tests of this module publish more).
    assert {e.id for e in load_faq(KnowledgeSettings().faq_dir)} <= {e.id for e in exported}
