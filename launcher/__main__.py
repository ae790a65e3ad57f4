"""`python -m launcher run`: build what is stale, start every service, stop them on Ctrl-C."""

import argparse
import os
import signal
import subprocess
import sys
import threading

from launcher import progress, rasa_model, scale_out
from launcher.local_servers import MissingServer
from launcher.paths import LOG_DIR, VAR_DIR
from launcher.secrets_file import ensure_secrets
from launcher.services import (
    PortInUse,
    Ports,
    ScaleOut,
    ServiceFailed,
    ServiceGroup,
    assistant_services,
)


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
        loaded = load_into(Settings())
        print("Database: demo data loaded" if loaded else "Database: ready")
    settings = KnowledgeSettings()
    if is_current(settings):
        print("FAQ index: current")
    else:
        with progress.step("Building the FAQ index", "embeds every phrasing, about 40 s"):
            manifest = build_index(settings)
        print(f"FAQ index: {manifest['entries']} entries")
    if export_nlu(load_faq(settings.faq_dir), PROJECT_ROOT / "bot" / "nlu" / "faq.yml"):
        print("Rasa NLU: FAQ phrasings updated")
    train_log = LOG_DIR / "rasa-train.log"
    if rasa_model.is_current():
        print("Rasa model: current")
        return secrets
    try:
        with progress.step(
            f"Training the Rasa model (log: {train_log})",
            "about 1-2 min",
            progress.training_progress(train_log),
        ):
            rasa_model.train_if_stale(train_log)
    except subprocess.CalledProcessError:
        sys.exit(f"Rasa training failed; read {train_log}")
    return secrets


def start_scale_out(ports: Ports) -> tuple[ServiceGroup, ScaleOut]:
    """PostgreSQL and Redis up, databases made; DATABASE_URL then points at PostgreSQL."""
    postgres_port, redis_port, rasa_ports = scale_out.ports_from_env(ports)
    group = ServiceGroup(
        scale_out.data_services(VAR_DIR / "scale-out", postgres_port, redis_port), LOG_DIR
    )
    print(f"Scale-out: starting PostgreSQL ({postgres_port}) and Redis ({redis_port}) ...")
    try:
        group.start(timeout_seconds=60)
        wiring = scale_out.create_databases(postgres_port, redis_port, rasa_ports)
    except BaseException:
        group.stop()
        raise
    os.environ["DATABASE_URL"] = wiring.backend_database_url
    return group, wiring


def run() -> int:
    ports = Ports.from_env()
    groups: list[ServiceGroup] = []
    wiring = None
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        if os.environ.get("SCALE_OUT") == "1":
            data_group, wiring = start_scale_out(ports)
            groups.append(data_group)
        secrets = prepare()
        group = ServiceGroup(assistant_services(ports, secrets, scale_out=wiring), LOG_DIR)
        groups.insert(0, group)
        print("Starting backend, action server and Rasa ...")
        group.start()
    except (PortInUse, ServiceFailed, MissingServer) as error:
        _stop_all(groups)
        print(error, file=sys.stderr)
        return 1
    except Exception as error:
        _stop_all(groups)
        print(f"Preparation failed: {error}", file=sys.stderr)
        return 1
    except SystemExit:  # training failed (prepare says where the log is)
        _stop_all(groups)
        raise
    print(
        f"\nAll services healthy. Demo page: http://127.0.0.1:{ports.backend}/\n"
        f"Logs: {LOG_DIR}. Press Ctrl-C to stop."
    )
    while not stop.is_set():
        for service in (service for running in groups for service in running.services):
            if service.process and service.process.poll() is not None:
                print(f"{service.name} stopped unexpectedly; shutting down.", file=sys.stderr)
                stop.set()
        stop.wait(1.0)
    print("Stopping services ...")
    _stop_all(groups)
    print("Stopped.")
    return 0


def _stop_all(groups: list[ServiceGroup]) -> None:
    """The assistant first, then the databases it was using."""
    for group in groups:
        group.stop()


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
