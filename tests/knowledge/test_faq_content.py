"""The curated FAQ itself: provenance, languages, coverage of the issue's topics."""

from pathlib import Path

import pytest

from knowledge.faq import LANGUAGES, FaqEntry, load_faq
from knowledge.settings import KnowledgeSettings

SETTINGS = KnowledgeSettings()
ENTRIES = load_faq(SETTINGS.faq_dir)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_quote_is_found_verbatim_in_its_source(entry: FaqEntry) -> None:
    source = (SETTINGS.sources_dir / entry.document).read_text(encoding="utf-8")
    assert entry.quote in source
    assert entry.section in source


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_every_entry_answers_in_finnish_swedish_and_english(entry: FaqEntry) -> None:
    for lang in LANGUAGES:
        assert len(entry.answer[lang]) > 20
        assert len(entry.questions[lang]) >= 5


def test_the_sources_are_the_seed_documents() -> None:
    names = {p.name for p in SETTINGS.sources_dir.glob("*.txt")}
    assert {n[:4] for n in names} == {"000_", "001_", "002_"}


def test_covers_the_topics_registrars_ask_about() -> None:
    ids = {e.id for e in ENTRIES}
    required = {
        "who-schools-register",
        "who-libraries-register",
        "guardian-consent-under-15",
        "age-15-to-18",
        "temporary-customer",
        "fixed-term-customer",
        "how-to-register",
        "transfer-customer",
        "edit-customer",
        "search-by-name",
        "credentials-other-email",
        "contact-customer-service",
        "lost-registrar-credentials",
        "locked-registrar-account",
        "password-rotation",
        "remove-registrar",
        "hetu-in-use-not-found",
        "cd-to-online",
        "customer-without-hetu",
        "welcome-email",
        "celianet-outage",
        "phone-interview",
        "newsletters",
        "qa-hours",
    }
    assert required <= ids


def test_time_bound_answers_say_they_are_from_2021() -> None:
    by_id = {e.id: e for e in ENTRIES}
    for entry_id in ("phone-interview", "password-rotation", "qa-hours"):
        entry = by_id[entry_id]
        assert entry.dated
        for lang in LANGUAGES:
            assert "2021" in entry.answer[lang], (entry_id, lang)


def test_urls_are_written_correctly_in_answers() -> None:
    answers = " ".join(a for e in ENTRIES for a in e.answer.values())
    assert "celianet.fi/palauta-salasana" in answers
    assert "turvaviesti.celia.fi" in answers
    assert "palautasalasana" not in answers and "palauta-salasanana" not in answers


def test_faq_dir_holds_only_faq_files() -> None:
    assert all(p.suffix == ".yml" for p in Path(SETTINGS.faq_dir).iterdir())
