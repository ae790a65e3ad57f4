"""The images, played from the Kubernetes manifests by Podman (`make test-containers`).

Not part of `make test`: it takes minutes and needs the images (`make images`). It starts the
podman overlay on free ports (deploy/podman/play.py), replacing what `make run-containers` had
running (its volumes too), and checks through the backend's port what a deployment must do.
"""

import copy
import email
import json
import os
import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from deploy.podman import play
from launcher.services import free_port, port_is_free

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        os.environ.get("CELIA_CONTAINER_TESTS") != "1",
        reason="make test-containers runs these (Podman and the images needed)",
    ),
]

ASKS_EMAIL = "sähköpostiosoite"
RESET_SENT = "/account/forgot"
PASSWORD = "Kontti-Testi-Salasana-2026"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    play.STATE_DIR = tmp_path_factory.mktemp("containers")
    play.down(remove_volumes=True)
    ports = play.Ports(
        backend=_pair(),  # replicas take the next port
        rasa=_pair(),
        actions=free_port(),
        postgres=free_port(),
        redis=free_port(),
        smtp=free_port(),
    )
    try:
        seconds = play.up(ports)
        print(f"\nPodman shape: start to ready in {seconds:.1f} s")
        yield {"ports": ports, "seconds": seconds}
    finally:
        play.down(remove_volumes=True)


def _pair() -> int:
    """A free port whose neighbour is free too."""
    while True:
        port = free_port()
        if port_is_free(port + 1):
            return port


def backend(cluster: dict[str, object], replica: int = 0) -> str:
    ports = cluster["ports"]
    assert isinstance(ports, play.Ports)
    return f"http://127.0.0.1:{ports.backend + replica}"


def chat(
    client: httpx.Client, base: str, message: str, conversation: str | None = None
) -> tuple[str, str, str]:
    """(conversation id, the answer's text, the turn's request id). The client keeps the
    conversation's cookie, without which the backend starts a new conversation."""
    reply = client.post(
        f"{base}/api/v1/chat",
        json={"conversation_id": conversation, "message": message},
        timeout=30,
    )
    assert reply.status_code == 200, reply.text
    body = reply.json()
    text = "\n".join(m.get("text", "") for m in body["messages"])
    return body["conversation_id"], text, reply.headers["x-request-id"]


def podman(*arguments: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        ["podman", *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "CONTAINERS_CONF": str(play.CONTAINERS_CONF)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def logs(container: str) -> str:
    """What the container wrote to standard output and error (Rasa logs to stderr)."""
    done = subprocess.run(
        ["podman", "logs", container],
        capture_output=True,
        text=True,
        env={**os.environ, "CONTAINERS_CONF": str(play.CONTAINERS_CONF)},
        check=True,
    )
    return done.stdout + done.stderr


def mails_to(address: str, timeout_seconds: float = 60) -> list[email.message.Message]:
    """Messages the development SMTP server kept for `address` (the volume celia-mail)."""
    folder = Path(podman("volume", "inspect", "--format", "{{.Mountpoint}}", "celia-mail").strip())
    deadline = time.monotonic() + timeout_seconds
    while True:
        found = [
            message
            for message in (email.message_from_bytes(p.read_bytes()) for p in folder.glob("*.eml"))
            if address in str(message["To"])
        ]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(1)


def body_of(message: email.message.Message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(part.get_content_charset() or "utf-8")


def wait_ready(base: str, timeout_seconds: float = 120) -> None:
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=3).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise AssertionError(f"{base} not ready again")


def test_every_replica_is_ready_and_logs_json(cluster: dict[str, object]) -> None:
    for replica in (0, 1):
        assert httpx.get(f"{backend(cluster, replica)}/readyz", timeout=5).status_code == 200
    for container in ("celia-rasa-1-rasa", "celia-actions-actions", "celia-backend-1-backend"):
        lines = [line for line in logs(container).splitlines() if line.startswith("{")]
        assert lines, f"{container} logged no JSON line"
        assert all("message" in json.loads(line) for line in lines)


def test_a_finnish_question_is_answered_from_the_faq(cluster: dict[str, object]) -> None:
    question = "Kuka voi olla Celian asiakas?"
    ask = httpx.post(
        f"{backend(cluster)}/api/v1/ask", json={"question": question, "lang": "fi"}, timeout=30
    ).json()
    assert ask["answered"] is True and ask["lang"] == "fi"
    with httpx.Client() as client:
        _, answer, _ = chat(client, backend(cluster, 1), question)
    assert ask["answer"][:60] in answer


def test_the_admin_command_runs_inside_the_backend_container(cluster: dict[str, object]) -> None:
    podman(
        "exec",
        "-i",
        "celia-backend-1-backend",
        "celia-admin",
        "staff",
        "create",
        "it@celia.example.invalid",
        "--name",
        "Celia IT",
        "--role",
        "admin",
        stdin=f"{PASSWORD}\n{PASSWORD}\n",
    )
    listed = podman("exec", "celia-backend-2-backend", "celia-admin", "staff", "list")
    assert "it@celia.example.invalid" in listed
    backup = podman(
        "exec",
        "-e",
        "BACKUP_DIR=/tmp/backups",
        "celia-backend-1-backend",
        "python",
        "-m",
        "launcher",
        "backup",
    )
    assert re.search(r"Backup written: /tmp/backups/celia-.*\.pgdump", backup)


def test_a_password_reset_mail_reaches_the_smtp_server(cluster: dict[str, object]) -> None:
    address = f"rekisteroija-{uuid.uuid4().hex[:8]}@koulu.example.invalid"
    registration = {
        "email": address,
        "first_name": "Kontti",
        "last_name": "Testaaja",
        "password": PASSWORD,
    }
    response = httpx.post(f"{backend(cluster)}/api/v1/auth/register", json=registration)
    assert response.status_code == 202, response.text
    (verification,) = mails_to(address)
    code = re.search(r"\b(\d{8})\b", body_of(verification))
    assert code is not None
    verified = httpx.post(
        f"{backend(cluster, 1)}/api/v1/auth/verify", json={"email": address, "code": code[1]}
    )
    assert verified.status_code == 200, verified.text
    response = httpx.post(f"{backend(cluster)}/api/v1/auth/password-reset", json={"email": address})
    assert response.status_code == 202
    deadline = time.monotonic() + 60
    while len(mails := mails_to(address)) < 2 and time.monotonic() < deadline:
        time.sleep(1)
    # The folder lists the files in no particular order: either may be the reset mail.
    assert len(mails) == 2 and any("/account/reset" in body_of(mail) for mail in mails)


def test_a_form_goes_on_after_its_rasa_container_is_killed(cluster: dict[str, object]) -> None:
    """The replica that took the form's first turn (its JSON log has the turn's request id) is
    killed; the next turn goes to the other one, which reads the form from PostgreSQL."""
    with httpx.Client() as client:
        conversation, reply, request_id = chat(client, backend(cluster), "unohdin salasanani")
        assert ASKS_EMAIL in reply
        (started_on,) = [
            container
            for container in ("celia-rasa-1-rasa", "celia-rasa-2-rasa")
            if request_id in logs(container)
        ]
        podman("kill", started_on)
        second = chat(client, backend(cluster, 1), "joku@koulu.example.invalid", conversation)
        assert second[0] == conversation and RESET_SENT in second[1]
        assert chat(client, backend(cluster), "hei", conversation)[1]


def test_data_survives_a_restart_of_the_database_container(cluster: dict[str, object]) -> None:
    """The database's pod stopped (PostgreSQL's fast shutdown) and started again on its volume,
    as a StatefulSet's pod is after a node drain."""
    podman("pod", "stop", "--time", "30", "celia-postgres")
    podman("pod", "start", "celia-postgres")
    for replica in (0, 1):
        wait_ready(backend(cluster, replica))
    listed = podman("exec", "celia-backend-1-backend", "celia-admin", "staff", "list")
    assert "it@celia.example.invalid" in listed


def job_from_the_backup_cronjob(
    cluster: dict[str, object], name: str, command: list[str] | None = None
) -> str:
    """What README's `kubectl -n celia create job NAME --from=cronjob/celia-backup` makes (the
    restore's Job with its command replaced), played as play.py plays a Job: a pod run once,
    with the volume celia-backups. Returns the Job's log; fails if it failed."""
    ports = cluster["ports"]
    assert isinstance(ports, play.Ports)
    docs = play.render()
    (cronjob,) = [doc for doc in docs if doc["kind"] == "CronJob"]
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name},
        "spec": copy.deepcopy(cronjob["spec"]["jobTemplate"]["spec"]),
    }
    if command:
        job["spec"]["template"]["spec"]["containers"][0]["command"] = command
    (plan,) = [p for p in play.pod_plans([*docs, job], ports) if p.workload == name]
    play.play(plan)
    exit_code = podman("wait", play.container_name(plan)).strip()
    output = logs(play.container_name(plan))
    assert exit_code == "0", output
    return output


def test_a_backup_made_as_the_cronjob_does_is_restored(cluster: dict[str, object]) -> None:
    """README "Backup and restore": a Job from the CronJob's template backs up; a unit is then
    renamed and another made; with the backends stopped (scaled to 0), a Job from the same
    template restores the dump; the backends come back with the data as it was backed up."""
    suffix = uuid.uuid4().hex[:6]
    made = podman(
        "exec",
        "celia-backend-1-backend",
        "celia-admin",
        "unit",
        "create",
        f"Varmuuskopiokirjasto {suffix}",
        "--kind",
        "library",
    )
    unit_id = re.search(r"Unit (\S+) created", made)
    assert unit_id is not None, made
    before = podman("exec", "celia-backend-1-backend", "celia-admin", "unit", "list")
    backup = job_from_the_backup_cronjob(cluster, "backup-now")
    written = re.search(r"Backup written: (/backups/celia-\S+\.pgdump)", backup)
    assert written is not None, backup

    admin = ("exec", "celia-backend-2-backend", "celia-admin", "unit")
    podman(*admin, "rename", unit_id[1], f"Muutettu {suffix}")
    podman(*admin, "create", f"Varmuuskopion jälkeen {suffix}", "--kind", "school")
    assert podman(*admin, "list") != before

    backends = ("celia-backend-1", "celia-backend-2")
    podman("pod", "stop", "--time", "30", *backends)
    restored = job_from_the_backup_cronjob(
        cluster, "restore", ["python", "-m", "launcher", "restore", written[1]]
    )
    assert f"Restored {written[1]}" in restored
    podman("pod", "start", *backends)
    for replica in (0, 1):
        wait_ready(backend(cluster, replica))
    assert podman(*admin, "list") == before
