"""The Rasa project as Rasa itself checks it: data validation and the end-to-end test stories."""

import subprocess
from pathlib import Path

import pytest

from knowledge.faq import load_faq
from knowledge.nlu_export import render_nlu
from knowledge.settings import KnowledgeSettings
from launcher.paths import PROJECT_ROOT, RASA_BIN

pytestmark = pytest.mark.integration


def test_generated_faq_nlu_is_current() -> None:
    committed = (PROJECT_ROOT / "bot" / "nlu" / "faq.yml").read_text(encoding="utf-8")
    assert committed == render_nlu(load_faq(KnowledgeSettings().faq_dir)), (
        "bot/nlu/faq.yml is stale: run `.venv/bin/python -m knowledge export-nlu`"
    )


def test_rasa_data_validate_passes() -> None:
    result = subprocess.run(
        [str(RASA_BIN), "data", "validate", "--data", "bot", "--domain", "domain.yml"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "conflict" not in result.stdout.lower().replace("no story structure conflicts", "")


def test_every_test_story_passes(rasa_model_file: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            str(RASA_BIN),
            "test",
            "core",
            "--model",
            str(rasa_model_file),
            "--stories",
            "tests/stories",
            "--out",
            str(tmp_path),
            "--fail-on-prediction-errors",
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    failed = (tmp_path / "failed_test_stories.yml").read_text(encoding="utf-8")
    assert "- story:" not in failed, failed[:4000]
    stories = PROJECT_ROOT / "tests" / "stories"
    total = sum(p.read_text(encoding="utf-8").count("- story:") for p in stories.glob("*.yml"))
    assert total >= 40
