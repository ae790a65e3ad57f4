"""Start the whole assistant for a benchmark, on free ports with throwaway databases."""

import shutil
import ssl
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from launcher import production, rasa_model, scale_out
from launcher.paths import LOG_DIR
from launcher.secrets_file import new_secrets
from launcher.services import Ports, ServiceGroup, assistant_services, free_port


@dataclass(frozen=True)
class Stack:
    url: str  # where a browser would talk to it
    group: ServiceGroup  # the assistant's processes
    data: ServiceGroup | None = None  # PostgreSQL and Redis, when replicas > 0
    verify: ssl.SSLContext | bool = True  # the production shape's local CA

    @property
    def groups(self) -> list[ServiceGroup]:
        return [self.group, *([self.data] if self.data else [])]


@contextmanager
def running_stack(
    index_dir: Path, replicas: int = 0, behind_proxy: bool = False
) -> Iterator[Stack]:
    """The assistant as `make run` starts it, with `replicas` > 0 as `make run-scale-out`, and
    with `behind_proxy` too as `make run-production` (nginx, TLS, two backend workers)."""
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
        wiring, data = None, None
        if replicas:
            data = ServiceGroup(
                scale_out.data_services(work, free_port(), free_port()), work / "log"
            )
            cleanup.enter_context(data)
            postgres, redis = data.services
            rasa_ports = tuple(free_port() for _ in range(replicas))
            wiring = scale_out.create_databases(postgres.port, redis.port, rasa_ports)
        ports = Ports.free()
        workers, proxy = None, None
        if behind_proxy and wiring:
            proxy_ports = production.ProxyPorts("127.0.0.1", free_port(), free_port(), free_port())
            worker_ports = (ports.backend, free_port())
            workers = production.workers(work, worker_ports, proxy_ports, wiring)
            proxy = production.proxy(work, work / "log", proxy_ports, worker_ports)
        services = assistant_services(
            ports, new_secrets(), env, rasa_model.MODEL_FILE, work / "mail", wiring, workers
        )
        group = ServiceGroup([*services, *([proxy] if proxy else [])], work / "log")
        cleanup.enter_context(group)
        if proxy is None:
            yield Stack(f"http://127.0.0.1:{ports.backend}", group, data)
        else:
            ca = ssl.create_default_context(cafile=str(work / "tls" / "ca.pem"))
            yield Stack(f"https://127.0.0.1:{proxy.port}", group, data, ca)
