"""Staff administration: the admin command, roles, TOTP log-in, sessions, main-user invitations
(on SQLite and PostgreSQL, with real TOTP codes and a real SMTP hop)."""

import io
import os
import re
import subprocess
import sys
from datetime import timedelta

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from backend import admin
from backend.models import (
    AuditEvent,
    RecoveryCode,
    Registrar,
    RegistrarRole,
    SecondFactor,
    StaffRole,
    StaffUser,
    UnitMembership,
    WebSession,
    utcnow,
)
from backend.settings import PROJECT_ROOT
from tests.backend.conftest import PASSWORD, Mailbox, Seed, login, staff_login
from tests.helpers import fresh_totp_code, random_secrets

STAFF_EMAIL = "sirpa@celia.fi"


def run_admin(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, *argv: str, stdin: str = ""
) -> str:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return admin.run(["--operator", "IT Ilkka", *argv], client.app.state.settings)  # type: ignore[attr-defined]


def password_step(client: TestClient, email: str = STAFF_EMAIL, password: str = PASSWORD) -> dict:
    response = client.post("/api/v1/staff/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def csrf(body: dict) -> dict[str, str]:
    return {"X-CSRF-Token": body["csrf_token"]}


def enrol(client: TestClient, email: str, password: str = PASSWORD) -> tuple[str, list[str], dict]:
    """First log-in: password, enrolment with a real code; the secret and recovery codes."""
    started = password_step(client, email, password)
    assert started["stage"] == "enrolment"
    headers = csrf(started)
    enrolment = client.get("/api/v1/staff/auth/enrolment").json()
    assert enrolment["otpauth_uri"].startswith("otpauth://totp/Celia:")
    qr = client.get(enrolment["qr_svg_url"])
    assert qr.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in qr.content
    assert client.get("/api/v1/staff/requests").status_code == 401  # not logged in yet
    wrong = client.post("/api/v1/staff/auth/enrolment", json={"code": "000000"}, headers=headers)
    assert wrong.status_code == 422
    code = pyotp.TOTP(enrolment["secret"]).now()
    done = client.post("/api/v1/staff/auth/enrolment", json={"code": code}, headers=headers)
    assert done.status_code == 200, done.text
    return enrolment["secret"], done.json()["recovery_codes"], headers


def test_admin_command_from_an_empty_database(
    client: TestClient, seed: Seed, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = run_admin(
        client,
        monkeypatch,
        "staff",
        "create",
        "anna@celia.fi",
        "--name",
        "Anna",
        "--role",
        "admin",
        stdin="Vahva-Salasana-2026!\n",
    )
    assert "created" in out
    with pytest.raises(admin.CommandError, match="at least 8"):
        run_admin(client, monkeypatch, "staff", "create", "b@celia.fi", "--name", "B", stdin="x\n")
    with pytest.raises(admin.CommandError, match="exists already"):
        run_admin(
            client, monkeypatch, "staff", "create", "anna@celia.fi", "--name", "A", stdin="x\n"
        )
    run_admin(
        client, monkeypatch, "staff", "create", "olli@celia.fi", "--name", "Olli", "--password-link"
    )
    link = re.search(r"/staff/set-password#token=(\S+)", mailbox.last_body("olli@celia.fi"))
    assert link is not None
    weak = client.post("/api/v1/staff/auth/set-password", json={"token": link[1], "password": "x"})
    assert weak.status_code == 422
    set_ok = client.post(
        "/api/v1/staff/auth/set-password", json={"token": link[1], "password": "Olli-Salasana-77"}
    )
    assert set_ok.status_code == 204
    again = client.post(
        "/api/v1/staff/auth/set-password", json={"token": link[1], "password": "Olli-Salasana-78"}
    )
    assert again.status_code == 422  # single use
    assert password_step(client, "olli@celia.fi", "Olli-Salasana-77")["stage"] == "enrolment"

    assert "created" in run_admin(
        client, monkeypatch, "unit", "create", "Kirjasto X", "--kind", "library"
    )
    unit_id = int(run_admin(client, monkeypatch, "unit", "list").splitlines()[1].split("\t")[0])
    run_admin(client, monkeypatch, "unit", "rename", str(unit_id), "Kirjasto Y")
    with pytest.raises(admin.CommandError, match="exists already"):
        run_admin(client, monkeypatch, "unit", "create", "Kirjasto Y", "--kind", "school")
    run_admin(client, monkeypatch, "staff", "role", "olli@celia.fi", "admin")
    run_admin(client, monkeypatch, "staff", "disable", "olli@celia.fi")
    listing = run_admin(client, monkeypatch, "staff", "list")
    assert re.search(r"olli@celia.fi\tOlli\tadmin\tdisabled", listing)
    run_admin(client, monkeypatch, "staff", "enable", "olli@celia.fi")
    run_admin(client, monkeypatch, "unit", "close", str(unit_id))
    assert "closed" in run_admin(client, monkeypatch, "unit", "list")
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        events = list(db.scalars(select(AuditEvent).where(AuditEvent.actor_kind == "operator")))
    actions = [e.action for e in events]
    for action in (
        "staff.created",
        "unit.created",
        "unit.renamed",
        "unit.closed",
        "staff.role_changed",
        "staff.disabled",
        "staff.enabled",
    ):
        assert action in actions
    assert all(e.detail and e.detail.startswith("operator IT Ilkka") for e in events)


def test_admin_command_runs_as_a_program_and_never_takes_a_password_argument(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}",
        "PATH": "/usr/bin:/bin",
        **random_secrets(),
    }
    command = [
        sys.executable,
        "-m",
        "backend.admin",
        "staff",
        "create",
        "a@celia.fi",
        "--name",
        "A",
    ]
    created = subprocess.run(
        [*command, "--role", "admin"],
        input="Vahva-Salasana-2026!\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    assert "Vahva-Salasana" not in created.stdout + created.stderr
    refused = subprocess.run(
        [*command, "--password", "Vahva-Salasana-2026!"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert refused.returncode == 2  # no such option


def test_totp_log_in_replay_recovery_and_lockout(client: TestClient, seed: Seed) -> None:
    seed.staff(enrolled=False)
    secret, recovery, _ = enrol(client, STAFF_EMAIL)
    assert len(recovery) == 10 and len(set(recovery)) == 10
    assert client.get("/api/v1/staff/requests").status_code == 200
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        stored = db.scalar(select(StaffUser)).id
        factor = db.scalar(select(SecondFactor).where(SecondFactor.staff_user_id == stored))
        assert secret not in factor.secret_encrypted
        hashes = set(db.scalars(select(RecoveryCode.code_hash)))
    assert not hashes & set(recovery)  # stored hashed

    client.cookies.clear()
    headers = csrf(password_step(client))
    assert client.get("/api/v1/staff/requests").status_code == 401  # password alone is not enough
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        last = db.scalar(select(SecondFactor.last_step))
    code = fresh_totp_code(secret, last)
    ok = client.post("/api/v1/staff/auth/second-factor", json={"code": code}, headers=headers)
    assert ok.status_code == 200 and ok.json()["stage"] is None
    client.cookies.clear()
    headers = csrf(password_step(client))
    replay = client.post("/api/v1/staff/auth/second-factor", json={"code": code}, headers=headers)
    assert replay.status_code == 401
    first = client.post(
        "/api/v1/staff/auth/second-factor", json={"code": recovery[0]}, headers=headers
    )
    assert first.status_code == 200
    client.cookies.clear()
    headers = csrf(password_step(client))
    reused = client.post(
        "/api/v1/staff/auth/second-factor", json={"code": recovery[0]}, headers=headers
    )
    assert reused.status_code == 401  # single use (and the failure before counts: 2 so far)
    for _ in range(3):
        wrong = client.post(
            "/api/v1/staff/auth/second-factor", json={"code": "123456"}, headers=headers
        )
        assert wrong.status_code == 401
    locked = client.post(
        "/api/v1/staff/auth/second-factor", json={"code": "654321"}, headers=headers
    )
    assert locked.status_code == 403  # the fifth wrong code locks
    client.cookies.clear()
    again = client.post(
        "/api/v1/staff/auth/login", json={"email": STAFF_EMAIL, "password": PASSWORD}
    )
    assert again.status_code == 403  # locked: even the right password and code do not help
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        assert db.scalar(select(StaffUser.locked))
        assert "staff.locked" in set(db.scalars(select(AuditEvent.action)))


def test_five_wrong_passwords_lock_a_staff_user(client: TestClient, seed: Seed) -> None:
    seed.staff()
    for _ in range(5):
        wrong = client.post(
            "/api/v1/staff/auth/login", json={"email": STAFF_EMAIL, "password": "Wrong-pass-1"}
        )
        assert wrong.status_code == 401
    right = client.post(
        "/api/v1/staff/auth/login", json={"email": STAFF_EMAIL, "password": PASSWORD}
    )
    assert right.status_code == 403


def _admin_routes(client: TestClient) -> list[tuple[str, str]]:
    """Every admin route of the API, from its OpenAPI description."""
    paths = client.get("/openapi.json").json()["paths"]
    return [
        (method.upper(), path)
        for path, operations in paths.items()
        if path.startswith("/api/v1/staff/admin")
        for method in operations
    ]


def _call(client: TestClient, route: tuple[str, str], headers: dict[str, str]):
    method, path = route
    path = path.replace("{staff_id}", "1").replace("{unit_id}", "1")
    body = {"email": "x@example.org", "name": "X", "role": "admin", "kind": "library"}
    return client.request(method, path, json=body if method == "POST" else None, headers=headers)


def test_an_agent_reaches_no_admin_route(client: TestClient, seed: Seed) -> None:
    seed.staff(role=StaffRole.agent)
    routes = _admin_routes(client)
    assert len(routes) >= 12
    for route in routes:
        assert _call(client, route, {}).status_code == 401, route
    headers = staff_login(client)
    for route in routes:
        assert _call(client, route, headers).status_code == 403, route
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        assert db.scalar(select(StaffUser).where(StaffUser.email == "x@example.org")) is None


def test_an_admin_manages_staff_and_units_in_the_console_api(
    client: TestClient, seed: Seed, mailbox: Mailbox
) -> None:
    admin_id = seed.staff("anna@celia.fi", role=StaffRole.admin)
    agent_id = seed.staff()
    headers = staff_login(client, "anna@celia.fi")
    created = client.post(
        "/api/v1/staff/admin/staff",
        json={"email": "uusi@celia.fi", "name": "Uusi", "role": "agent"},
        headers=headers,
    )
    assert created.status_code == 201 and created.json()["has_password"] is False
    assert "/staff/set-password#token=" in mailbox.last_body("uusi@celia.fi")
    duplicate = client.post(
        "/api/v1/staff/admin/staff", json={"email": "uusi@celia.fi", "name": "U"}, headers=headers
    )
    assert duplicate.status_code == 409
    me_off = client.post(f"/api/v1/staff/admin/staff/{admin_id}/disable", headers=headers)
    assert me_off.status_code == 409
    reset = client.post(
        f"/api/v1/staff/admin/staff/{agent_id}/reset-second-factor", headers=headers
    )
    assert reset.status_code == 200 and reset.json()["second_factor"] is False
    unit = client.post(
        "/api/v1/staff/admin/units", json={"name": "Koulu Z", "kind": "school"}, headers=headers
    )
    assert unit.status_code == 201
    bad_kind = client.post(
        "/api/v1/staff/admin/units", json={"name": "Q", "kind": "castle"}, headers=headers
    )
    assert bad_kind.status_code == 422
    unit_id = unit.json()["id"]
    renamed = client.post(
        f"/api/v1/staff/admin/units/{unit_id}/rename", json={"name": "Koulu Ö"}, headers=headers
    )
    assert renamed.json()["name"] == "Koulu Ö"
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        trail = [(e.actor_kind, e.actor_id, e.action) for e in db.scalars(select(AuditEvent))]
    assert ("staff", admin_id, "staff.second_factor_reset") in trail
    assert ("staff", admin_id, "unit.renamed") in trail


def test_invited_main_user_registers_into_the_unit_and_a_registrar_is_promoted(
    client: TestClient, seed: Seed, mailbox: Mailbox
) -> None:
    seed.staff("anna@celia.fi", role=StaffRole.admin)
    headers = staff_login(client, "anna@celia.fi")
    unit_id = client.post(
        "/api/v1/staff/admin/units", json={"name": "Kirjasto K", "kind": "library"}, headers=headers
    ).json()["id"]
    invited = client.post(
        f"/api/v1/staff/admin/units/{unit_id}/main-user",
        json={"email": "paula@example.org"},
        headers=headers,
    )
    assert invited.json()["result"] == "invited"
    invitation = re.search(r"/invitation#token=(\S+)", mailbox.last_body("paula@example.org"))
    assert invitation is not None
    token = invitation[1]
    body = {"token": token, "first_name": "Paula", "last_name": "P", "password": "weak"}
    assert client.post("/api/v1/invitations/main-user", json=body).status_code == 422
    body["password"] = PASSWORD
    accepted = client.post("/api/v1/invitations/main-user", json=body)
    assert accepted.status_code == 201, accepted.text
    assert client.post("/api/v1/invitations/main-user", json=body).status_code == 422  # used
    sent_code = re.search(r"\b(\d{8})\b", mailbox.last_body("paula@example.org", 2))
    assert sent_code is not None
    code = sent_code[1]
    assert (
        client.post(
            "/api/v1/auth/verify", json={"email": "paula@example.org", "code": code}
        ).status_code
        == 200
    )
    session = client.post(
        "/api/v1/auth/login", json={"email": "paula@example.org", "password": PASSWORD}
    ).json()
    assert session["registrar"]["role"] == "main_user"
    assert [u["id"] for u in session["registrar"]["units"]] == [unit_id]

    registrar_id = seed.registrar("reija@example.org")
    promoted = client.post(
        f"/api/v1/staff/admin/units/{unit_id}/main-user",
        json={"email": "reija@example.org"},
        headers=headers,
    )
    assert promoted.json()["result"] == "promoted"
    assert seed.get(UnitMembership, (registrar_id, unit_id)).role == RegistrarRole.main_user
    assert seed.unit_ids_of(registrar_id) == {unit_id}
    client.post(f"/api/v1/staff/admin/units/{unit_id}/close", headers=headers)
    closed = client.post(
        f"/api/v1/staff/admin/units/{unit_id}/main-user",
        json={"email": "x@example.org"},
        headers=headers,
    )
    assert closed.status_code == 409


def test_sessions_idle_out_list_and_end(client: TestClient, seed: Seed) -> None:
    seed.staff()
    first = staff_login(client)
    first_cookies = dict(client.cookies)
    client.cookies.clear()
    second = staff_login(client)
    listed = client.get("/api/v1/staff/auth/sessions").json()
    assert len(listed) == 2 and sum(s["current"] for s in listed) == 1
    assert client.post("/api/v1/staff/auth/sessions/end-others", headers=second).status_code == 204
    assert len(client.get("/api/v1/staff/auth/sessions").json()) == 1
    client.cookies.clear()
    client.cookies.update(first_cookies)
    assert client.get("/api/v1/staff/auth/me", headers=first).status_code == 401  # ended

    client.cookies.clear()
    headers = staff_login(client)
    other_cookies = dict(client.cookies)
    client.cookies.clear()
    mine = staff_login(client)
    changed = client.post(
        "/api/v1/staff/auth/password",
        json={"current_password": PASSWORD, "new_password": "Uusi-Salasana-99"},
        headers=mine,
    )
    assert changed.status_code == 204
    assert client.get("/api/v1/staff/requests").status_code == 200  # this session goes on
    client.cookies.clear()
    client.cookies.update(other_cookies)
    assert client.get("/api/v1/staff/requests", headers=headers).status_code == 401


def test_idle_staff_session_ends_but_a_registrar_session_of_the_same_age_does_not(
    client: TestClient, seed: Seed
) -> None:
    seed.staff()
    seed.registrar()
    staff_login(client)
    login(client, "reija@example.org")
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        db.execute(update(WebSession).values(last_seen_at=utcnow() - timedelta(minutes=45)))
        db.commit()
    assert client.get("/api/v1/staff/auth/me").status_code == 401
    assert client.get("/api/v1/auth/me").status_code == 200
    settings = client.app.state.settings  # type: ignore[attr-defined]
    assert settings.staff_session_idle_minutes < settings.registrar_session_idle_minutes


def test_reset_second_factor_ends_the_sessions_and_asks_for_enrolment(
    client: TestClient, seed: Seed, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed.staff()
    staff_login(client)
    run_admin(client, monkeypatch, "staff", "reset-2fa", STAFF_EMAIL)
    assert client.get("/api/v1/staff/auth/me").status_code == 401
    assert password_step(client)["stage"] == "enrolment"


def test_registrars_log_in_with_a_code_only_when_the_setting_asks(
    client: TestClient, seed: Seed
) -> None:
    registrar_id = seed.registrar()
    credentials = {"email": "reija@example.org", "password": PASSWORD}
    assert client.post("/api/v1/auth/login", json=credentials).json()["stage"] is None
    client.app.state.settings.registrar_two_factor_required = True  # type: ignore[attr-defined]
    client.cookies.clear()
    started = client.post("/api/v1/auth/login", json=credentials).json()
    assert started["stage"] == "enrolment"
    headers = csrf(started)
    assert client.get("/api/v1/auth/me").status_code == 401
    assert client.get("/api/v1/customers").status_code == 401
    secret = client.get("/api/v1/auth/enrolment").json()["secret"]
    confirmed = client.post(
        "/api/v1/auth/enrolment", json={"code": pyotp.TOTP(secret).now()}, headers=headers
    )
    assert len(confirmed.json()["recovery_codes"]) == 10
    assert client.get("/api/v1/auth/me").status_code == 200

    client.cookies.clear()
    started = client.post("/api/v1/auth/login", json=credentials).json()
    assert started["stage"] == "second_factor"
    headers = csrf(started)
    for _ in range(4):
        wrong = client.post("/api/v1/auth/second-factor", json={"code": "000000"}, headers=headers)
        assert wrong.status_code == 401
    locked = client.post("/api/v1/auth/second-factor", json={"code": "000001"}, headers=headers)
    assert locked.status_code == 403
    assert seed.get(Registrar, registrar_id).locked


def test_admin_help_needs_no_settings_and_a_missing_one_is_named(tmp_path) -> None:
    """`--help` works on a bare checkout; a command without the settings says in one sentence
    which are missing and how to load `make run`'s (`make admin`, which reads them)."""
    bare = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'admin.db'}"}

    def admin(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "backend.admin", *argv],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    helped = admin("--help", env=bare)
    assert helped.returncode == 0 and "staff" in helped.stdout and not helped.stderr
    missing = admin("staff", "list", env=bare)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert missing.stderr.count("\n") == 1 and "SERVICE_TOKEN" in missing.stderr
    assert "make admin" in missing.stderr

    secrets = tmp_path / "secrets.env"
    secrets.write_text("".join(f"{name}={value}\n" for name, value in random_secrets().items()))
    made = subprocess.run(
        ["make", "-s", "admin", "ARGS=staff list", f"SECRETS_FILE={secrets}"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": bare["DATABASE_URL"]},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert made.returncode == 0, made.stderr
