"""Start the whole assistant for a benchmark, on free ports with a throwaway database."""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from launcher import rasa_model
from launcher.paths import LOG_DIR
from launcher.secrets_file import new_secrets
from launcher.services import Ports, ServiceGroup, assistant_services


@contextmanager
def running_stack(index_dir: Path) -> Iterator[tuple[str, ServiceGroup]]:
    rasa_model.train_if_stale(LOG_DIR / "rasa-train.log")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = {
            "DATABASE_URL": f"sqlite:///{work / 'bench.db'}",
            "LOG_DIR": str(work / "log"),
            "INDEX_DIR": str(index_dir),
            "TRACKER_DB": str(work / "tracker.db"),
            # One load generator speaks for many registrars from one address.
            "CHAT_PER_CLIENT_PER_MINUTE": "1000000",
        }
        keys = new_secrets()
        ports = Ports.free()
        group = ServiceGroup(
            assistant_services(ports, keys, env, rasa_model.MODEL_FILE, work / "mail"),
            work / "log",
        )
        group.start()
        try:
            yield f"http://127.0.0.1:{ports.backend}", group
        finally:
            group.stop()
