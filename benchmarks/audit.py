"""Dependency audit (pip-audit) of both virtual environments; the JSON reports are kept.

pip-audit asks PyPI's JSON API for each installed version's known vulnerabilities. Where that
API is out of reach (this machine's registry mirror answers 404 for per-version look-ups), the
packages come back as unresolved; the summary says so instead of reporting a clean bill.
"""

import json
import subprocess
from pathlib import Path

from launcher.paths import APP_PYTHON, PROJECT_ROOT, RASA_PYTHON


def _site_packages(python: Path) -> Path:
    found = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(found.stdout.strip())


def audit_environment(python: Path, report: Path) -> dict:
    subprocess.run(
        [
            str(PROJECT_ROOT / ".venv" / "bin" / "pip-audit"),
            "--path",
            str(_site_packages(python)),
            "--format",
            "json",
            "--output",
            str(report),
            "--progress-spinner",
            "off",
        ],
        capture_output=True,
        timeout=1800,
        check=False,  # exit 1 means "vulnerabilities found": the report says which
    )
    if not report.exists():
        return {"error": "pip-audit wrote no report", "report": str(report)}
    dependencies = json.loads(report.read_text())["dependencies"]
    unresolved = [d for d in dependencies if d.get("skip_reason")]
    return {
        "report": str(report),
        "packages": len(dependencies),
        "audited": len(dependencies) - len(unresolved),
        "unresolved": len(unresolved),
        "unresolved_example": unresolved[0]["skip_reason"] if unresolved else None,
        "vulnerable": [
            {"name": d["name"], "version": d["version"], "ids": [v["id"] for v in d["vulns"]]}
            for d in dependencies
            if d.get("vulns")
        ],
    }


def audit_all(results_dir: Path) -> dict:
    return {
        name: audit_environment(python, results_dir / f"pip-audit-{name}.json")
        for name, python in (("app", APP_PYTHON), ("rasa", RASA_PYTHON))
    }
