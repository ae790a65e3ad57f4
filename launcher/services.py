"""The three services as child processes: start with health checks, stop without orphans."""

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from launcher.paths import APP_PYTHON, PROJECT_ROOT, RASA_PYTHON, VAR_DIR
from launcher.rasa_model import MODEL_FILE


class PortInUse(RuntimeError):
    pass


class ServiceFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class Ports:
    backend: int = 8000
    rasa: int = 5005
    actions: int = 5055
    smtp: int = 8025

    @classmethod
    def from_env(cls) -> "Ports":
        return cls(
            backend=int(os.environ.get("BACKEND_PORT", 8000)),
            rasa=int(os.environ.get("RASA_PORT", 5005)),
            actions=int(os.environ.get("ACTION_PORT", 5055)),
            smtp=int(os.environ.get("SMTP_PORT", 8025)),
        )

    @classmethod
    def free(cls) -> "Ports":
        return cls(backend=free_port(), rasa=free_port(), actions=free_port(), smtp=free_port())


@dataclass
class Service:
    name: str
    port: int
    port_variable: str
    argv: list[str]
    health_path: str | None  # None: healthy once the port accepts connections
    env: dict[str, str] = field(default_factory=dict)
    stop_signal: int = signal.SIGTERM
    user: str | None = None  # run as this system user (PostgreSQL as root's child)
    process: subprocess.Popen[bytes] | None = None

    @property
    def health_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.health_path or ''}"

    def is_healthy(self) -> bool:
        if self.health_path is None:
            return not port_is_free(self.port)
        return is_healthy(self.health_url)


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A port free now and never handed out before by this process: several are often chosen
    before any is bound, and the system may offer a just-closed one again (a test's Redis and
    proxy once got the same port)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


# Concurrency comes from requests, not from numeric libraries: OpenBLAS/OpenMP worker threads
# spin while they wait and, on two cores, took two thirds of the backend's CPU under load
# (28 -> 9 ms of backend CPU per chat message with one thread).
ONE_MATH_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@dataclass(frozen=True)
class ScaleOut:
    """Rasa replicas sharing a PostgreSQL tracker store and a Redis lock store."""

    rasa_ports: tuple[int, ...]
    postgres_port: int
    redis_port: int
    backend_database_url: str
    tracker_database_url: str
    tracker_database: str


@dataclass(frozen=True)
class Workers:
    """Several backend processes behind the proxy (production shape)."""

    ports: tuple[int, ...]
    internal_url: str  # where the action server reaches them: the proxy's loopback listener
    env: dict[str, str]  # what several workers need: shared limits, metrics folder, ...


def assistant_services(
    ports: Ports,
    secrets: dict[str, str],
    extra_env: dict[str, str] | None = None,
    model_file: Path = MODEL_FILE,
    mail_dir: Path | None = None,
    scale_out: ScaleOut | None = None,
    workers: Workers | None = None,
) -> list[Service]:
    """Mail catcher, backend (or workers), action server and Rasa (or replicas), wired together."""
    common = {**ONE_MATH_THREAD, **secrets, **(extra_env or {}), "PYTHONUNBUFFERED": "1"}
    backend_url = workers.internal_url if workers else f"http://127.0.0.1:{ports.backend}"
    rasa_ports = scale_out.rasa_ports if scale_out else (ports.rasa,)
    backend_env = {
        **common,
        "RASA_URL": ",".join(f"http://127.0.0.1:{port}" for port in rasa_ports),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(ports.smtp),
    }
    if scale_out:
        backend_env["DATABASE_URL"] = scale_out.backend_database_url
        backend_env["TRACKER_DB_URL"] = scale_out.tracker_database_url
    return [
        Service(
            "mail",
            ports.smtp,
            "SMTP_PORT",
            [
                str(APP_PYTHON),
                "-m",
                "launcher.mailcatcher",
                "--port",
                str(ports.smtp),
                "--dir",
                str(mail_dir or VAR_DIR / "mail"),
            ],
            None,
            common,
        ),
        *(
            [backend_service("backend", ports.backend, backend_env)]
            if workers is None
            else [
                backend_service(f"backend-{number}", port, {**backend_env, **workers.env})
                for number, port in enumerate(workers.ports, start=1)
            ]
        ),
        Service(
            "actions",
            ports.actions,
            "ACTION_PORT",
            [str(RASA_PYTHON), "-m", "actions.server"],
            "/health",
            {**common, "ACTION_PORT": str(ports.actions), "BACKEND_URL": backend_url},
        ),
        *(
            _rasa_service(
                f"rasa-{number}" if scale_out else "rasa",
                port,
                model_file,
                {**common, "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{ports.actions}/webhook"},
                scale_out,
            )
            for number, port in enumerate(rasa_ports, start=1)
        ),
    ]


def backend_service(name: str, port: int, env: dict[str, str]) -> Service:
    """One backend process (uvicorn) on 127.0.0.1:port."""
    argv = [
        str(APP_PYTHON),
        "-m",
        "uvicorn",
        "backend.main:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        # The client address is the backend's to work out (TRUSTED_PROXIES): uvicorn
        # would otherwise believe X-Forwarded-For from any local peer.
        "--no-proxy-headers",
    ]
    return Service(name, port, "BACKEND_PORT", argv, "/healthz", env)


def _rasa_service(
    name: str, port: int, model_file: Path, env: dict[str, str], scale_out: ScaleOut | None
) -> Service:
    if scale_out:
        endpoints = "endpoints.scale-out.yml"
        store = {
            "TRACKER_DB_HOST": "127.0.0.1",
            "TRACKER_DB_PORT": str(scale_out.postgres_port),
            "TRACKER_DB_NAME": scale_out.tracker_database,
            "TRACKER_DB_USER": "postgres",
            "REDIS_HOST": "127.0.0.1",
            "REDIS_PORT": str(scale_out.redis_port),
        }
    else:
        endpoints = "endpoints.yml"
        store = {"TRACKER_DB": str(VAR_DIR / "tracker.db")}
    argv = [
        str(RASA_PYTHON),
        "-m",
        "rasa_ext.run",  # Rasa's CLI, with logging.yml really applied
        "run",
        "--model",
        str(model_file),
        "--port",
        str(port),
        "--interface",
        "127.0.0.1",
        "--endpoints",
        endpoints,
        "--credentials",
        "credentials.yml",
        "--logging-config-file",
        "rasa_ext/logging.yml",
    ]
    return Service(name, port, "RASA_PORT", argv, "/", {**store, **env})


class ServiceGroup:
    """Starts services in order, waits for their health checks, stops them all."""

    def __init__(self, services: list[Service], log_dir: Path) -> None:
        self.services = services
        self.log_dir = log_dir

    def check_ports(self) -> None:
        for service in self.services:
            if not port_is_free(service.port):
                raise PortInUse(
                    f"Port {service.port} for the {service.name} is already in use. Stop what "
                    f"uses it, or choose another port with {service.port_variable}=..."
                )

    def start(self, timeout_seconds: float = 180.0) -> None:
        self.check_ports()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for service in self.services:
            self.spawn(service)
        deadline = time.monotonic() + timeout_seconds
        for service in self.services:
            self._wait_healthy(service, deadline)

    def spawn(self, service: Service) -> None:
        """Start (or restart) one service's process, its output appended to its log."""
        with (self.log_dir / f"{service.name}.out").open("ab") as log:
            service.process = subprocess.Popen(
                service.argv,
                cwd=PROJECT_ROOT,
                env={**os.environ, **service.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # own process group: stopping it stops its children
                user=service.user,
                group=service.user,
                extra_groups=[] if service.user else None,
            )

    def _wait_healthy(self, service: Service, deadline: float) -> None:
        assert service.process is not None
        while time.monotonic() < deadline:
            if service.process.poll() is not None:
                raise ServiceFailed(
                    f"{service.name} exited with code {service.process.returncode}; "
                    f"see {self.log_dir / (service.name + '.out')}"
                )
            if service.is_healthy():
                return
            time.sleep(0.3)
        raise ServiceFailed(f"{service.name} was not healthy at {service.health_url} in time")

    def __enter__(self) -> "ServiceGroup":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def stop(self, grace_seconds: float = 10.0) -> None:
        for service in reversed(self.services):
            process = service.process
            if process is None or process.poll() is not None:
                continue
            try:
                os.killpg(process.pid, service.stop_signal)
            except ProcessLookupError:
                continue
        for service in self.services:
            process = service.process
            if process is None:
                continue
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=grace_seconds)
            with contextlib.suppress(ProcessLookupError):  # grandchildren left in the group
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def is_healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback URL)
            return bool(200 <= response.status < 300)
    except (urllib.error.URLError, OSError, ValueError):
        return False
