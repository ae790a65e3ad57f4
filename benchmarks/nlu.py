"""NLU cross-validation with Rasa's own tooling: intent macro F1 (target >= 0.95)."""

import json
import subprocess
import tempfile
from pathlib import Path

from launcher.paths import PROJECT_ROOT, RASA_BIN


def cross_validate(folds: int = 3) -> dict:
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [
                str(RASA_BIN),
                "test",
                "nlu",
                "--nlu",
                "bot/nlu",
                "--config",
                "config.yml",
                "--cross-validation",
                "--folds",
                str(folds),
                "--out",
                out,
            ],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=1800,
        )
        report = json.loads((Path(out) / "intent_report.json").read_text(encoding="utf-8"))
    per_intent = {
        name: round(values["f1-score"], 3)
        for name, values in report.items()
        if isinstance(values, dict)
        and "f1-score" in values
        and name not in ("macro avg", "weighted avg", "micro avg")
    }
    return {
        "folds": folds,
        "intent_macro_f1": round(report["macro avg"]["f1-score"], 3),
        "intent_accuracy": round(report.get("accuracy", 0.0), 3),
        "per_intent_f1": per_intent,
    }
