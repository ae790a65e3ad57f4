"""The Kubernetes manifests and the images' recipes, checked offline (part of `make test`).

Every overlay is rendered by kustomize (kubectl's, from the dev environment; no cluster is
contacted) and each resource validated against the Kubernetes API schemas (kubernetes-validate,
strict: an unknown field fails too). Then what the deployment relies on: probes, resources,
non-root, the secrets that exist, and the Podman conversion of `make run-containers`.
"""

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from deploy.images import lock_subset
from deploy.podman import play

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
IMAGES = ROOT / "deploy" / "images"
KUBECTL = ROOT / ".venv" / "bin" / "kubectl"
KUBERNETES_VERSION = "1.30.0"  # the oldest version still supported by the main distributions
ASSISTANT = ("celia-backend", "celia-rasa", "celia-actions")

Manifest = dict[str, Any]


def render(overlay: Path) -> list[Manifest]:
    done = subprocess.run(
        [str(KUBECTL), "kustomize", str(overlay)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


@pytest.fixture(scope="module")
def small_cluster(tmp_path_factory: pytest.TempPathFactory) -> list[Manifest]:
    """The small-cluster overlay with the example secrets (secrets.env is not in git)."""
    copy = tmp_path_factory.mktemp("k8s") / "k8s"
    shutil.copytree(K8S, copy, ignore=shutil.ignore_patterns("secrets.env"))
    overlay = copy / "overlays" / "small-cluster"
    shutil.copy(overlay / "secrets.env.example", overlay / "secrets.env")
    return render(overlay)


@pytest.fixture(scope="module")
def podman_overlay() -> list[Manifest]:
    return render(K8S / "overlays" / "podman")


def by_kind(docs: list[Manifest], kind: str) -> dict[str, Manifest]:
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


def pod_spec(doc: Manifest) -> Manifest:
    spec = doc["spec"]
    if doc["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return dict(spec["template"]["spec"])


def workloads(docs: list[Manifest]) -> list[Manifest]:
    kinds = ("Deployment", "StatefulSet", "Job", "CronJob")
    return [doc for doc in docs if doc["kind"] in kinds]


@pytest.mark.parametrize("overlay", ["small_cluster", "podman_overlay"])
def test_every_resource_is_valid_against_the_kubernetes_schemas(
    overlay: str, request: pytest.FixtureRequest
) -> None:
    docs: list[Manifest] = request.getfixturevalue(overlay)
    assert len(docs) > 15
    for doc in docs:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_a_manifest_error_fails_validation(small_cluster: list[Manifest]) -> None:
    """The check can fail: a misspelt field and a wrong type are both refused."""
    deployment = by_kind(small_cluster, "Deployment")["celia-backend"]
    misspelt = {**deployment, "spec": {**deployment["spec"], "replica": 2}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(misspelt, KUBERNETES_VERSION, strict=True)
    wrong_type = {**deployment, "spec": {**deployment["spec"], "replicas": "two"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(wrong_type, KUBERNETES_VERSION, strict=True)


def test_the_small_cluster_runs_the_production_shape(small_cluster: list[Manifest]) -> None:
    deployments = by_kind(small_cluster, "Deployment")
    assert {name: d["spec"]["replicas"] for name, d in deployments.items()} == {
        "celia-backend": 2,
        "celia-rasa": 2,
        "celia-actions": 1,
    }
    assert set(by_kind(small_cluster, "StatefulSet")) == {"celia-postgres", "celia-redis"}
    assert set(by_kind(small_cluster, "Job")) == {"celia-migrate"}
    backup = by_kind(small_cluster, "CronJob")["celia-backup"]
    assert pod_spec(backup)["containers"][0]["command"] == ["python", "-m", "launcher", "backup"]
    budgets = by_kind(small_cluster, "PodDisruptionBudget")
    assert {
        b["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] for b in budgets.values()
    } == {
        "celia-backend",
        "celia-rasa",
    }
    ingress = by_kind(small_cluster, "Ingress")["celia"]
    assert ingress["spec"]["tls"][0]["secretName"]
    assert {
        doc["metadata"].get("namespace") for doc in small_cluster if doc["kind"] != "Namespace"
    } == {"celia"}
    for doc in workloads(small_cluster):
        for container in pod_spec(doc)["containers"]:
            assert container["image"].startswith("registry.celia.example/assistant/celia-")
            assert re.search(r":\d+\.\d+\.\d+$", container["image"]), container["image"]


def test_every_assistant_container_has_probes_limits_and_no_root(
    small_cluster: list[Manifest],
) -> None:
    for doc in workloads(small_cluster):
        spec = pod_spec(doc)
        assert spec["automountServiceAccountToken"] is False
        assert spec["securityContext"]["runAsNonRoot"] is True
        # Numeric: with runAsNonRoot, a user the image names (USER postgres) cannot be checked.
        assert isinstance(spec["securityContext"]["runAsUser"], int), doc["metadata"]["name"]
        for container in spec["containers"]:
            resources = container["resources"]
            assert resources["requests"]["memory"] and resources["limits"]["memory"]
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
            if doc["kind"] in ("Deployment", "StatefulSet"):
                assert "livenessProbe" in container and "readinessProbe" in container
    backend = pod_spec(by_kind(small_cluster, "Deployment")["celia-backend"])["containers"][0]
    assert backend["livenessProbe"]["httpGet"]["path"] == "/livez"
    assert backend["readinessProbe"]["httpGet"]["path"] == "/readyz"


def _mebibytes(quantity: str) -> float:
    number, unit = re.fullmatch(r"(\d+)(Mi|Gi)", quantity).groups()  # type: ignore[union-attr]
    return int(number) * (1024 if unit == "Gi" else 1)


def test_memory_requests_cover_the_measured_memory(small_cluster: list[Manifest]) -> None:
    """Measured: backend about 340 MB a worker, Rasa about 580 MB, actions about 50 MB."""
    measured_mb = {"celia-backend": 340, "celia-rasa": 580, "celia-actions": 50}
    deployments = by_kind(small_cluster, "Deployment")
    for name, megabytes in measured_mb.items():
        resources = pod_spec(deployments[name])["containers"][0]["resources"]
        request = _mebibytes(resources["requests"]["memory"]) * 1.048576
        limit = _mebibytes(resources["limits"]["memory"]) * 1.048576
        assert megabytes <= request <= limit, name
        assert limit >= megabytes * 1.4, f"{name}: no headroom above the measured memory"


def test_secrets_come_from_the_secret_and_every_key_exists(small_cluster: list[Manifest]) -> None:
    secret = next(doc for doc in small_cluster if doc["kind"] == "Secret")
    assert secret["metadata"]["name"].startswith("celia-secrets-")  # hashed: a change rolls pods
    config = by_kind(small_cluster, "ConfigMap")["celia-config"]["data"]
    for doc in workloads(small_cluster):
        for container in pod_spec(doc)["containers"]:
            for variable in container.get("env", []):
                assert not re.search(r"(PASSWORD|SECRET|TOKEN|KEY)", variable["name"]) or (
                    "valueFrom" in variable
                ), f"{variable['name']} must come from the Secret"
                reference = variable.get("valueFrom", {}).get("secretKeyRef")
                if reference:
                    assert reference["name"] == secret["metadata"]["name"]
                    assert reference["key"] in secret["data"], reference["key"]
    assert not [name for name in config if re.search(r"PASSWORD|SECRET|TOKEN|HMAC", name)]


def test_the_rasa_image_endpoints_are_the_scale_out_ones_with_passwords() -> None:
    image = yaml.safe_load((IMAGES / "rasa-endpoints.yml").read_text(encoding="utf-8"))
    scale_out = yaml.safe_load((ROOT / "endpoints.scale-out.yml").read_text(encoding="utf-8"))
    assert image["tracker_store"].pop("password") == "${TRACKER_DB_PASSWORD}"
    assert image["lock_store"].pop("password") == "${REDIS_PASSWORD}"
    assert image == scale_out


def test_containerfiles_run_as_non_root_with_labels_and_health_checks() -> None:
    context_files = {p.name for p in IMAGES.iterdir()}
    for containerfile in IMAGES.glob("*.Containerfile"):
        text = containerfile.read_text(encoding="utf-8")
        final_stage = text.rsplit("\nFROM ", 1)[-1]
        assert re.search(r"^USER (10001|999:999)$", final_stage, re.M), containerfile.name
        assert "org.opencontainers.image.version" in final_stage, containerfile.name
        assert "HEALTHCHECK" in final_stage, containerfile.name
        assert "demo_data" not in text and "secrets.env" not in text
        for source in re.findall(r"^COPY (?!--from)(?:--chmod=\d+ )?(.+) \S+$", text, re.M):
            for path in source.split():
                assert (ROOT / path).exists() or Path(path).name in context_files, path
    rasa = (IMAGES / "rasa.Containerfile").read_text(encoding="utf-8")
    assert 'fi.celia.model-fingerprint="${MODEL_FINGERPRINT}"' in rasa


def test_the_build_context_leaves_out_secrets_environments_and_demo_data() -> None:
    ignore = (ROOT / ".containerignore").read_text(encoding="utf-8").splitlines()
    assert "*" in ignore  # an allow-list: everything else stays out
    assert "backend/demo_data.py" in ignore
    allowed = [line[1:] for line in ignore if line.startswith("!")]
    for never in ("var", ".venv", ".venv-rasa", "models", ".git", "web/node_modules"):
        assert not any(never == a.rstrip("/") or never.startswith(a) for a in allowed), never


def test_lock_subsets_keep_the_pins_and_hashes() -> None:
    rasa = lock_subset.parse((ROOT / "requirements" / "rasa.lock").read_text(encoding="utf-8"))
    actions = lock_subset.subset(rasa, {"rasa-sdk", "aiohttp", "python-stdnum"}, set())
    assert {"rasa-sdk", "sanic", "aiohttp", "python-stdnum"} <= set(actions)
    assert not {"rasa", "tensorflow", "scikit-learn"} & set(actions)
    app = lock_subset.parse((ROOT / "requirements" / "app.lock").read_text(encoding="utf-8"))
    runtime = lock_subset.subset(app, set(), {"torch"})
    assert "torch" not in runtime and "sympy" not in runtime
    assert {"onnxruntime", "fastapi", "faiss-cpu", "jinja2", "psycopg"} <= set(runtime)
    for name in runtime:
        assert app[name].lines[0].startswith(f"{app[name].lines[0].split('==')[0]}==")
        assert any("--hash=sha256:" in line for line in app[name].lines), name
    with pytest.raises(SystemExit):
        lock_subset.subset(app, {"no-such-package"}, set())


def test_podman_plays_each_replica_as_a_pod_on_its_own_loopback_port(
    podman_overlay: list[Manifest],
) -> None:
    ports = play.Ports(backend=18000, rasa=18005, actions=18055, postgres=18432, redis=18379)
    plans = {plan.name: plan for plan in play.pod_plans(podman_overlay, ports)}
    assert {"celia-backend-1", "celia-backend-2", "celia-rasa-1", "celia-rasa-2"} <= set(plans)
    assert plans["celia-backend-2"].port == 18001 and plans["celia-rasa-2"].port == 18006
    assert plans["celia-migrate"].is_job
    backend = plans["celia-backend-2"].documents[-1]
    assert backend["kind"] == "Pod" and backend["spec"]["hostNetwork"] is True
    container = backend["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["UVICORN_PORT"] == "18001" and env["UVICORN_HOST"] == "127.0.0.1"
    assert container["image"] == "localhost/celia-backend:latest"
    config = next(d for d in plans["celia-rasa-1"].documents if d["kind"] == "ConfigMap")
    assert config["data"]["RASA_URL"] == "http://127.0.0.1:18005,http://127.0.0.1:18006"
    assert config["data"]["TRACKER_DB_PORT"] == "18432"
    assert plans["celia-postgres"].claims == ["data-celia-postgres"]
    assert {"name": "data", "persistentVolumeClaim": {"claimName": "data-celia-postgres"}} in (
        plans["celia-postgres"].documents[-1]["spec"]["volumes"]
    )
    assert plans["celia-mail"].claims == ["celia-mail"]
    assert not [d for p in plans.values() for d in p.documents if d["kind"] == "Secret"]


def test_podman_secrets_are_generated_once_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "secrets.env"
    first = play.stored_secrets(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert play.stored_secrets(path) == first
    values = play.secret_values(first, play.Ports(postgres=18432, redis=18379))
    assert values["DATABASE_URL"].endswith(f":{first['POSTGRES_PASSWORD']}@127.0.0.1:18432/celia")
    assert re.fullmatch(r"[0-9a-f]{48}", first["REDIS_PASSWORD"])


def test_podman_ports_extend_make_runs_ports(monkeypatch: pytest.MonkeyPatch) -> None:
    from launcher import services

    monkeypatch.setenv("BACKEND_PORT", "18100")
    monkeypatch.setenv("SMTP_PORT", "18125")
    monkeypatch.setenv("POSTGRES_PORT", "18132")
    monkeypatch.delenv("REDIS_PORT", raising=False)
    ports = play.Ports.from_env()
    assert isinstance(ports, services.Ports)  # one definition of make run's ports
    assert (ports.backend, ports.smtp, ports.postgres, ports.redis) == (18100, 18125, 18132, 6380)
    assert ports.rasa == services.Ports.from_env().rasa
    free = play.Ports.free()
    assert all(services.port_is_free(free.backend + n) for n in range(2))
    assert len({free.backend, free.backend + 1, free.rasa, free.rasa + 1, free.postgres}) == 5


def test_podman_config_overrides_reach_every_pods_configmap(
    podman_overlay: list[Manifest],
) -> None:
    ports = play.Ports(backend=18000, rasa=18005, actions=18055, postgres=18432, redis=18379)
    raised = {"CHAT_PER_CLIENT_PER_MINUTE": "1000000"}
    for plan in play.pod_plans(podman_overlay, ports, raised):
        config = next(d for d in plan.documents if d["kind"] == "ConfigMap")
        assert config["data"]["CHAT_PER_CLIENT_PER_MINUTE"] == "1000000", plan.name
        assert config["data"]["REDIS_PORT"] == "18379"


def test_podman_shape_unavailable_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(play.shutil, "which", lambda *_args, **_kw: None)
    assert play.unavailable() == "podman is not installed (make images installs it)"
