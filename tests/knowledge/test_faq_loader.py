"""A broken FAQ file fails the build with the file, entry and field named."""

from pathlib import Path

import pytest

from knowledge.faq import FaqError, load_faq

GOOD = """
entries:
  - id: guardian-consent
    source: {document: doc.txt, section: Perusteet}
    quote: "Alle 15-vuotiaalta tarvitaan huoltajan suostumus."
    answer: {fi: "Tarvitaan.", sv: "Behövs.", en: "Needed."}
    questions: {fi: ["tarvitaanko"], sv: ["behövs"], en: ["needed?"]}
"""


def _write(tmp_path: Path, text: str) -> Path:
    faq = tmp_path / "faq"
    faq.mkdir()
    (faq / "topic.yml").write_text(text, encoding="utf-8")
    (tmp_path / "doc.txt").write_text(
        "Perusteet\nAlle 15-vuotiaalta tarvitaan huoltajan suostumus.\n", encoding="utf-8"
    )
    return faq


def test_a_good_file_loads(tmp_path: Path) -> None:
    entries = load_faq(_write(tmp_path, GOOD), tmp_path)
    assert [e.id for e in entries] == ["guardian-consent"]


def test_dates_load_as_iso_dates(tmp_path: Path) -> None:
    dated = GOOD.replace(
        "    quote:", "    dated: 2021-05-18\n    review_by: '2027-01-31'\n    quote:"
    )
    (entry,) = load_faq(_write(tmp_path, dated), tmp_path)
    assert (entry.dated, entry.review_by) == ("2021-05-18", "2027-01-31")


@pytest.mark.parametrize(
    ("broken", "named"),
    [
        (GOOD.replace('sv: "Behövs.", ', ""), "entry 'guardian-consent', field 'answer.sv'"),
        (GOOD.replace('en: ["needed?"]', "en: []"), "field 'questions.en'"),
        (GOOD.replace('huoltajan suostumus."', 'vanhemman luvan."'), "field 'quote'"),
        (GOOD.replace("doc.txt", "missing.txt"), "field 'source.document'"),
        (GOOD.replace("id: guardian-consent", "id: Guardian Consent"), "field 'id'"),
        (GOOD.replace("entries:", "entries: {"), "topic.yml: not valid YAML"),
        (GOOD + GOOD.replace("entries:", ""), "duplicate id"),
        (GOOD.replace("    quote:", "    dated: May 2021\n    quote:"), "field 'dated'"),
        (GOOD.replace("    quote:", "    review_by: next spring\n    quote:"), "field 'review_by'"),
    ],
)
def test_errors_name_file_entry_and_field(tmp_path: Path, broken: str, named: str) -> None:
    with pytest.raises(FaqError) as error:
        load_faq(_write(tmp_path, broken), tmp_path)
    assert "topic.yml" in str(error.value)
    assert named in str(error.value)
