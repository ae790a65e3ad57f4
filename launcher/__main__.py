"""`python -m launcher run`: build what is stale, start every service, keep them running
(launcher/supervisor.py), stop them on Ctrl-C. `backup` and `restore FILE`: the database."""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from backend.settings import Settings
from launcher import backup, production, progress, rasa_model, scale_out
from launcher.local_servers import MissingServer, postgres_service
from launcher.paths import LOG_DIR, VAR_DIR
from launcher.secrets_file import ensure_secrets
from launcher.services import (
    PortInUse,
    Ports,
    ScaleOut,
    ServiceFailed,
    ServiceGroup,
    assistant_services,
    port_is_free,
)
from launcher.supervisor import CrashLoop, Supervisor

PRODUCTION = os.environ.get("PRODUCTION") == "1"
PRODUCTION_DIR = Path(os.environ.get("PRODUCTION_DIR") or VAR_DIR / "production")
MAIL_DIR = Path(os.environ.get("MAIL_DIR") or VAR_DIR / "mail")
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR") or VAR_DIR / "backups")


def prepare() -> dict[str, str]:
    """Secrets, database, FAQ index and Rasa model, each only when missing or stale."""
    secrets = ensure_secrets(VAR_DIR / "secrets.env")
    os.environ.update(secrets)
    from backend.demo_data import load_into
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


def start_scale_out(ports: Ports, root: Path) -> tuple[ServiceGroup, ScaleOut]:
    """PostgreSQL and Redis up, databases made; DATABASE_URL then points at PostgreSQL."""
    postgres_port, redis_port, rasa_ports = scale_out.ports_from_env(ports)
    group = ServiceGroup(scale_out.data_services(root, postgres_port, redis_port), LOG_DIR)
    print(f"Scale-out: starting PostgreSQL ({postgres_port}) and Redis ({redis_port}) ...")
    try:
        group.start(timeout_seconds=60)
        wiring = scale_out.create_databases(postgres_port, redis_port, rasa_ports)
    except BaseException:
        group.stop()
        raise
    os.environ["DATABASE_URL"] = wiring.backend_database_url
    return group, wiring


def assistant_group(ports: Ports, secrets: dict[str, str], wiring: ScaleOut | None) -> ServiceGroup:
    """The assistant's services; in the production shape its workers and the proxy."""
    if not PRODUCTION or wiring is None:
        return ServiceGroup(
            assistant_services(ports, secrets, mail_dir=MAIL_DIR, scale_out=wiring), LOG_DIR
        )
    proxy_ports = production.ProxyPorts.from_env()
    worker_ports = production.worker_ports(ports)
    services = assistant_services(
        ports,
        secrets,
        production.process_env(),
        scale_out=wiring,
        mail_dir=MAIL_DIR,
        workers=production.workers(PRODUCTION_DIR, worker_ports, proxy_ports, wiring),
    )
    services.append(production.proxy(PRODUCTION_DIR, LOG_DIR, proxy_ports, worker_ports))
    return ServiceGroup(services, LOG_DIR)


def run() -> int:
    ports = Ports.from_env()
    groups: list[ServiceGroup] = []
    wiring = None
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        data_root = _data_root()
        if data_root:
            data_group, wiring = start_scale_out(ports, data_root)
            groups.append(data_group)
        secrets = prepare()
        group = assistant_group(ports, secrets, wiring)
        groups.insert(0, group)
        print(f"Starting {', '.join(service.name for service in group.services)} ...")
        group.start(timeout_seconds=300 if PRODUCTION else 180)  # two workers, two replicas
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
    print(f"\nAll services healthy. {_where(ports)}\nLogs: {LOG_DIR}. Press Ctrl-C to stop.")
    supervisor = Supervisor(groups, report=lambda text: print(text, file=sys.stderr, flush=True))
    code = 0
    while not stop.is_set():
        try:
            supervisor.tick()
        except CrashLoop as error:
            print(f"{error}. Shutting down.", file=sys.stderr)
            code = 1
            break
        stop.wait(1.0)
    print("Stopping services ...")
    _stop_all(groups)
    print("Stopped.")
    return code


def _data_root() -> Path | None:
    """Where the PostgreSQL cluster of the production or scale-out shape lives; None: SQLite."""
    if PRODUCTION:
        return PRODUCTION_DIR
    return VAR_DIR / "scale-out" if os.environ.get("SCALE_OUT") == "1" else None


def _where(ports: Ports) -> str:
    if not PRODUCTION:
        return f"Demo page: http://127.0.0.1:{ports.backend}/"
    proxy = production.ProxyPorts.from_env()
    ca = PRODUCTION_DIR / "tls" / "ca.pem"
    return f"Demo page: https://localhost:{proxy.https}/ (local CA: {ca})"


def _stop_all(groups: list[ServiceGroup]) -> None:
    """The assistant first, then the databases it was using."""
    for group in groups:
        group.stop()


def backup_or_restore(command: str, backup_file: Path | None) -> int:
    """`make backup` / `make restore FILE=...` on DATABASE_URL, or on the local PostgreSQL of
    the production (PRODUCTION=1) or scale-out (SCALE_OUT=1) shape, started for the job if
    it is not running; else on the SQLite default."""
    ports = Ports.from_env()
    url = os.environ.get("DATABASE_URL")
    data = None
    root = _data_root()
    if not url and root:
        postgres_port = scale_out.ports_from_env(ports)[0]
        if port_is_free(postgres_port):
            data = ServiceGroup([postgres_service(root / "postgres", postgres_port)], LOG_DIR)
        url = (
            f"postgresql+psycopg://postgres@127.0.0.1:{postgres_port}/{scale_out.BACKEND_DATABASE}"
        )
    url = url or Settings.model_fields["database_url"].default
    try:
        with data or contextlib.nullcontext():
            if command == "backup":
                print(f"Backup written: {backup.backup(url, BACKUP_DIR)}")
                return 0
            if backup_file is None or not backup_file.is_file():
                print("Name the backup: make restore FILE=var/backups/...", file=sys.stderr)
                return 2
            if not port_is_free(ports.backend):
                print(
                    f"The backend is running (port {ports.backend}); stop it before a restore.",
                    file=sys.stderr,
                )
                return 1
            backup.restore(url, backup_file)
            print(f"Restored {backup_file}")
            return 0
    except (backup.BackupError, ServiceFailed, MissingServer) as error:
        print(error, file=sys.stderr)
        return 1


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m launcher")
    parser.add_argument("command", choices=["run", "prepare", "backup", "restore"])
    parser.add_argument("file", nargs="?", type=Path, help="restore: the backup file")
    args = parser.parse_args()
    if args.command == "prepare":
        prepare()
        return 0
    if args.command in ("backup", "restore"):
        return backup_or_restore(args.command, args.file)
    return run()


if __name__ == "__main__":
    sys.exit(main())
