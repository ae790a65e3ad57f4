"""Start the whole assistant for a benchmark, on free ports with throwaway databases."""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from launcher import rasa_model, scale_out
from launcher.paths import LOG_DIR
from launcher.secrets_file import new_secrets
from launcher.services import Ports, ServiceGroup, assistant_services, free_port


@contextmanager
def running_stack(index_dir: Path, replicas: int = 0) -> Iterator[tuple[str, list[ServiceGroup]]]:
    """The assistant as `make run` starts it, or with `replicas` > 0 as `make run-scale-out`:
    the backend's URL, and the service groups (the assistant's first, then PostgreSQL and Redis)."""
    rasa_model.train_if_stale(LOG_DIR / "rasa-train.log")
    with ExitStack() as cleanup:
        work = Path(tempfile.mkdtemp(prefix="celia-bench-"))
        work.chmod(0o755)  # the postgres user must reach its cluster folder inside
        cleanup.callback(shutil.rmtree, work, True)
        env = {
            "DATABASE_URL": f"sqlite:///{work / 'bench.db'}",
            "LOG_DIR": str(work / "log"),
            "INDEX_DIR": str(index_dir),
            "TRACKER_DB": str(work / "tracker.db"),
            # One load generator speaks for many registrars from one address.
            "CHAT_PER_CLIENT_PER_MINUTE": "1000000",
            # The day-long conversation sends its 300 turns without a registrar's pauses.
            "CHAT_PER_CONVERSATION_PER_MINUTE": "1000000",
        }
        wiring = None
        groups = []
        if replicas:
            data = ServiceGroup(
                scale_out.data_services(work, free_port(), free_port()), work / "log"
            )
            cleanup.enter_context(data)
            groups.append(data)
            postgres, redis = data.services
            rasa_ports = tuple(free_port() for _ in range(replicas))
            wiring = scale_out.create_databases(postgres.port, redis.port, rasa_ports)
        ports = Ports.free()
        group = ServiceGroup(
            assistant_services(
                ports, new_secrets(), env, rasa_model.MODEL_FILE, work / "mail", wiring
            ),
            work / "log",
        )
        cleanup.enter_context(group)
        yield f"http://127.0.0.1:{ports.backend}", [group, *groups]
