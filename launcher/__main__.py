"""`python -m launcher run`: build what is stale, start every service, stop them on Ctrl-C."""

import argparse
import os
import signal
import subprocess
import sys
import threading
import time

from launcher import rasa_model
from launcher.paths import LOG_DIR, VAR_DIR
from launcher.secrets_file import ensure_secrets
from launcher.services import PortInUse, Ports, ServiceFailed, ServiceGroup, assistant_services


def prepare() -> dict[str, str]:
    """Secrets, database, FAQ index and Rasa model, each only when missing or stale."""
    secrets = ensure_secrets(VAR_DIR / "secrets.env")
    os.environ.update(secrets)
    from backend.demo_data import load_into
    from backend.settings import Settings
    from knowledge.faq import load_faq
    from knowledge.index import build_index, is_current
    from knowledge.nlu_export import export_nlu
    from knowledge.settings import PROJECT_ROOT, KnowledgeSettings

    if os.environ.get("DEMO_DATA", "1") != "0":
        loaded = load_into(Settings())  # type: ignore[call-arg]
        print("Database: demo data loaded" if loaded else "Database: ready")
    settings = KnowledgeSettings()
    if is_current(settings):
        print("FAQ index: current")
    else:
        manifest = build_index(settings)
        print(f"FAQ index: built ({manifest['entries']} entries, {manifest['build_seconds']} s)")
    if export_nlu(load_faq(settings.faq_dir), PROJECT_ROOT / "bot" / "nlu" / "faq.yml"):
        print("Rasa NLU: FAQ phrasings updated")
    started = time.monotonic()
    try:
        trained = rasa_model.train_if_stale(LOG_DIR / "rasa-train.log")
    except subprocess.CalledProcessError:
        sys.exit(f"Rasa training failed; see {LOG_DIR / 'rasa-train.log'}")
    print(
        f"Rasa model: trained in {time.monotonic() - started:.0f} s"
        if trained
        else "Rasa model: current"
    )
    return secrets


def run() -> int:
    try:
        secrets = prepare()
    except Exception as error:
        print(f"Preparation failed: {error}", file=sys.stderr)
        return 1
    ports = Ports.from_env()
    group = ServiceGroup(assistant_services(ports, secrets), LOG_DIR)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        print("Starting backend, action server and Rasa ...")
        group.start()
    except (PortInUse, ServiceFailed) as error:
        group.stop()
        print(error, file=sys.stderr)
        return 1
    print(
        f"\nAll services healthy. Demo page: http://127.0.0.1:{ports.backend}/\n"
        f"Logs: {LOG_DIR}. Press Ctrl-C to stop."
    )
    while not stop.is_set():
        for service in group.services:
            if service.process and service.process.poll() is not None:
                print(f"{service.name} stopped unexpectedly; shutting down.", file=sys.stderr)
                stop.set()
        stop.wait(1.0)
    print("Stopping services ...")
    group.stop()
    print("Stopped.")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m launcher")
    parser.add_argument("command", choices=["run", "prepare"])
    args = parser.parse_args()
    if args.command == "prepare":
        prepare()
        return 0
    return run()


if __name__ == "__main__":
    sys.exit(main())
