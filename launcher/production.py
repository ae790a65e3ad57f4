"""Production shape: nginx with TLS in front of several backend workers, over the scale-out data.

`make run-production` (PRODUCTION=1) is the scale-out mode (PostgreSQL, Redis, Rasa replicas)
plus BACKEND_WORKERS backend processes (default 2, on BACKEND_PORT, BACKEND_PORT+1, ...) behind
the proxy (launcher/proxy.py). Workers share their limits through Redis, count metrics in one
multiprocess folder, trust X-Forwarded-For from the proxy only, and mark cookies Secure.
Everything it keeps is under var/production/.
"""

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from launcher.proxy import nginx_config, proxy_service
from launcher.services import Ports, ScaleOut, Service, Workers
from launcher.tls import Certificate, certificate


@dataclass(frozen=True)
class ProxyPorts:
    listen: str = "127.0.0.1"
    http: int = 8080
    https: int = 8443
    internal: int = 8081

    @classmethod
    def from_env(cls) -> "ProxyPorts":
        return cls(
            listen=os.environ.get("PROXY_LISTEN", "127.0.0.1"),
            http=int(os.environ.get("PROXY_HTTP_PORT", "8080")),
            https=int(os.environ.get("PROXY_HTTPS_PORT", "8443")),
            internal=int(os.environ.get("PROXY_INTERNAL_PORT", "8081")),
        )


def worker_ports(ports: Ports) -> tuple[int, ...]:
    count = max(1, int(os.environ.get("BACKEND_WORKERS", "2")))
    return tuple(ports.backend + number for number in range(count))


def workers(root: Path, ports: tuple[int, ...], proxy: ProxyPorts, wiring: ScaleOut) -> Workers:
    """The workers' shared settings; the metrics folder starts empty at every launch."""
    metrics = root / "metrics"
    shutil.rmtree(metrics, ignore_errors=True)
    metrics.mkdir(parents=True)
    return Workers(
        ports=ports,
        internal_url=f"http://127.0.0.1:{proxy.internal}",
        env={
            "TRUSTED_PROXIES": "127.0.0.1",
            "LIMITS_STORAGE_URL": f"redis://127.0.0.1:{wiring.redis_port}/1",
            "PROMETHEUS_MULTIPROC_DIR": str(metrics),
            "SESSION_COOKIE_SECURE": "true",
        },
    )


def process_env() -> dict[str, str]:
    """What every process of the shape gets: JSON logs, so that the request id of one chat
    turn can be followed through the proxy, a worker, a Rasa replica and the action server."""
    return {"LOG_FORMAT": os.environ.get("LOG_FORMAT", "json")}


def proxy(root: Path, log_dir: Path, proxy: ProxyPorts, ports: tuple[int, ...]) -> Service:
    """nginx for these workers, with the local certificate (or TLS_CERT_FILE/TLS_KEY_FILE)."""
    tls: Certificate = certificate(root / "tls")
    config = nginx_config(
        root / "proxy", log_dir, tls, proxy.listen, proxy.http, proxy.https, proxy.internal, ports
    )
    return proxy_service(root / "proxy", log_dir, config, proxy.https)
