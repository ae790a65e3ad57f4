"""Registrar accounts (seed 003): register, verify, log in, lockout, rotation, profile, delete."""

import re
import statistics
import time
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from backend.models import AccountToken, Registrar, RegistrarRole, Unit, utcnow
from backend.security import Security
from tests.backend.conftest import PASSWORD, Mailbox, Seed, login, staff_login

EMAIL = "uusi@example.org"


def register(client: TestClient, email: str = EMAIL, password: str = PASSWORD) -> None:
    response = client.post(
        "/api/v1/auth/register",
        json={"email": email, "first_name": "Uuno", "last_name": "Uusi", "password": password},
    )
    assert response.status_code == 202, response.text


def code_from(body: str) -> str:
    return re.search(r"\b(\d{8})\b", body).group(1)  # type: ignore[union-attr]


def test_register_verify_then_log_in(client: TestClient, mailbox: Mailbox) -> None:
    register(client)
    body = mailbox.last_body(EMAIL)
    assert "Vahvistuskoodisi" in body and "verifieringskod" in body and "verification code" in body
    refused = client.post("/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})
    assert refused.status_code == 403 and "Verify" in refused.json()["detail"]

    verified = client.post("/api/v1/auth/verify", json={"email": EMAIL, "code": code_from(body)})
    assert verified.status_code == 200
    headers = login(client, EMAIL)
    me = client.get("/api/v1/auth/me")
    assert me.json()["registrar"]["email"] == EMAIL
    assert me.json()["csrf_token"] == headers["X-CSRF-Token"]


def test_session_cookie_is_httponly_and_lax(client: TestClient, seed: Seed) -> None:
    seed.registrar()
    response = client.post(
        "/api/v1/auth/login", json={"email": "reija@example.org", "password": PASSWORD}
    )
    cookies = response.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("celia_session="))
    assert "HttpOnly" in session and "SameSite=lax" in session
    https = client.post(
        "https://testserver/api/v1/auth/login",
        json={"email": "reija@example.org", "password": PASSWORD},
    )
    assert all("Secure" in c for c in https.headers.get_list("set-cookie"))


def test_a_new_code_replaces_the_old_one(client: TestClient, mailbox: Mailbox) -> None:
    register(client)
    first = code_from(mailbox.last_body(EMAIL))
    assert client.post("/api/v1/auth/verify/resend", json={"email": EMAIL}).status_code == 202
    second = code_from(mailbox.last_body(EMAIL, count=2))
    old = client.post("/api/v1/auth/verify", json={"email": EMAIL, "code": first})
    if first != second:
        assert old.status_code == 422
    assert client.post("/api/v1/auth/verify", json={"email": EMAIL, "code": second}).is_success


def test_an_expired_code_is_refused(client: TestClient, mailbox: Mailbox, seed: Seed) -> None:
    register(client)
    code = code_from(mailbox.last_body(EMAIL))
    with seed.client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        db.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.commit()
    response = client.post("/api/v1/auth/verify", json={"email": EMAIL, "code": code})
    assert response.status_code == 422 and "new code" in response.json()["detail"]


def test_registering_a_taken_address_answers_the_same(
    client: TestClient, mailbox: Mailbox, seed: Seed
) -> None:
    seed.registrar(email="reija@example.org")
    fresh = client.post(
        "/api/v1/auth/register",
        json={"email": "x@example.org", "first_name": "A", "last_name": "B", "password": PASSWORD},
    )
    taken = client.post(
        "/api/v1/auth/register",
        json={
            "email": "reija@example.org",
            "first_name": "A",
            "last_name": "B",
            "password": PASSWORD,
        },
    )
    assert (fresh.status_code, fresh.content) == (taken.status_code, taken.content)
    assert "already" in mailbox.last_body("reija@example.org")


def test_weak_passwords_are_refused_with_the_reason(client: TestClient) -> None:
    cases = {
        "Lyhyt1!": "at least 8",
        "pienetkirjaimet1!": "upper-case",
        "Ilman-Numeroa": "digit",
        "Ilman1Erikoista": "special",
        "Password1!": "too common",
        "Aa1!" + "x" * 125: "at most 128",
    }
    for password, reason in cases.items():
        response = client.post(
            "/api/v1/auth/register",
            json={"email": EMAIL, "first_name": "A", "last_name": "B", "password": password},
        )
        assert response.status_code == 422 and reason in response.json()["detail"], password
        assert password not in response.text


def test_long_unicode_passwords_work(client: TestClient, mailbox: Mailbox) -> None:
    password = "Äänikirja-ÖÖ-42-x" + "日本語" * 37  # 128 characters
    assert len(password) == 128
    register(client, password=password)
    code = code_from(mailbox.last_body(EMAIL))
    client.post("/api/v1/auth/verify", json={"email": EMAIL, "code": code})
    login(client, EMAIL, password)


def test_lockout_after_the_threshold_and_staff_unlock(
    client: TestClient, seed: Seed, mailbox: Mailbox
) -> None:
    registrar_id = seed.registrar()
    seed.staff()
    for _ in range(5):
        wrong = client.post(
            "/api/v1/auth/login", json={"email": "reija@example.org", "password": "Wrong-pass-1"}
        )
        assert wrong.status_code == 401
    assert seed.get(Registrar, registrar_id).locked
    assert "locked" in mailbox.last_body("reija@example.org")
    locked = client.post(
        "/api/v1/auth/login", json={"email": "reija@example.org", "password": PASSWORD}
    )
    assert locked.status_code == 403 and "Celia" in locked.json()["detail"]

    headers = staff_login(client)
    unlocked = client.post(f"/api/v1/staff/registrars/{registrar_id}/unlock", headers=headers)
    assert unlocked.status_code == 204
    login(client, "reija@example.org")
    audit = client.get("/api/v1/staff/audit", params={"target_kind": "registrar"}).json()
    assert {event["action"] for event in audit} >= {"registrar.locked", "registrar.unlocked"}


def test_a_success_resets_the_failure_count(client: TestClient, seed: Seed) -> None:
    registrar_id = seed.registrar()
    for _ in range(4):
        client.post("/api/v1/auth/login", json={"email": "reija@example.org", "password": "No-1x"})
    login(client, "reija@example.org")
    assert seed.get(Registrar, registrar_id).failed_logins == 0


def test_unknown_and_wrong_password_look_the_same(client: TestClient, seed: Seed) -> None:
    seed.registrar()
    unknown = client.post("/api/v1/auth/login", json={"email": "no@example.org", "password": "x"})
    wrong = client.post("/api/v1/auth/login", json={"email": "reija@example.org", "password": "x"})
    assert (unknown.status_code, unknown.content) == (wrong.status_code, wrong.content)


def test_rotation_demands_a_password_change(client: TestClient, seed: Seed) -> None:
    client.app.state.settings.password_rotation_months = 6  # type: ignore[attr-defined]
    registrar_id = seed.registrar()
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        db.execute(update(Registrar).values(password_changed_at=utcnow() - timedelta(days=190)))
        db.commit()
    response = client.post(
        "/api/v1/auth/login", json={"email": "reija@example.org", "password": PASSWORD}
    )
    assert response.json()["password_change_required"] is True
    headers = {"X-CSRF-Token": response.json()["csrf_token"]}
    assert client.get("/api/v1/customers").status_code == 403
    changed = client.post(
        "/api/v1/auth/me/password",
        json={"current_password": PASSWORD, "new_password": "Uusi-Salasana-2025"},
        headers=headers,
    )
    assert changed.status_code == 200
    assert client.get("/api/v1/customers").status_code == 200
    assert seed.get(Registrar, registrar_id).password_changed_at > utcnow() - timedelta(minutes=1)


def test_rotation_off_or_not_yet_due(client: TestClient, seed: Seed) -> None:
    seed.registrar()
    response = client.post(
        "/api/v1/auth/login", json={"email": "reija@example.org", "password": PASSWORD}
    )
    assert response.json()["password_change_required"] is False
    client.app.state.settings.password_rotation_months = 12  # type: ignore[attr-defined]
    response = client.post(
        "/api/v1/auth/login", json={"email": "reija@example.org", "password": PASSWORD}
    )
    assert response.json()["password_change_required"] is False


def test_change_password_checks_the_current_one(
    client: TestClient, seed: Seed, mailbox: Mailbox
) -> None:
    seed.registrar()
    headers = login(client, "reija@example.org")
    wrong = client.post(
        "/api/v1/auth/me/password",
        json={"current_password": "Nope-123!", "new_password": "Uusi-Salasana-2025"},
        headers=headers,
    )
    assert wrong.status_code == 422
    ok = client.post(
        "/api/v1/auth/me/password",
        json={"current_password": PASSWORD, "new_password": "Uusi-Salasana-2025"},
        headers=headers,
    )
    assert ok.status_code == 200
    assert "vaihdettiin" in mailbox.last_body("reija@example.org")
    login(client, "reija@example.org", "Uusi-Salasana-2025")


def test_state_changes_need_the_csrf_token(client: TestClient, seed: Seed) -> None:
    seed.registrar()
    headers = login(client, "reija@example.org")
    assert client.patch("/api/v1/auth/me", json={"first_name": "Rea"}).status_code == 403
    bad = client.patch(
        "/api/v1/auth/me", json={"first_name": "Rea"}, headers={"X-CSRF-Token": "forged"}
    )
    assert bad.status_code == 403
    ok = client.patch(
        "/api/v1/auth/me", json={"first_name": "Rea", "language": "sv"}, headers=headers
    )
    assert ok.status_code == 200 and ok.json()["first_name"] == "Rea"
    assert ok.json()["language"] == "sv"


def test_log_out_ends_the_session(client: TestClient, seed: Seed) -> None:
    seed.registrar()
    headers = login(client, "reija@example.org")
    cookie = client.cookies.get("celia_session")
    assert cookie is not None
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    client.cookies.set("celia_session", cookie)
    assert client.get("/api/v1/auth/me").status_code == 401


def test_forged_or_missing_session_is_401(client: TestClient) -> None:
    assert client.get("/api/v1/auth/me").status_code == 401
    client.cookies.set("celia_session", "abc.def")
    assert client.get("/api/v1/auth/me").status_code == 401


def test_delete_account_frees_the_address(client: TestClient, seed: Seed, mailbox: Mailbox) -> None:
    unit = seed.unit()
    registrar_id = seed.registrar(units=(unit,))
    headers = login(client, "reija@example.org")
    wrong = client.request(
        "DELETE", "/api/v1/auth/me", json={"password": "Wrong-123!"}, headers=headers
    )
    assert wrong.status_code == 422
    deleted = client.request(
        "DELETE", "/api/v1/auth/me", json={"password": PASSWORD}, headers=headers
    )
    assert deleted.status_code == 204
    gone = seed.get(Registrar, registrar_id)
    assert gone.email.startswith("deleted-") and gone.password_hash is None
    assert client.get("/api/v1/auth/me").status_code == 401
    register(client, email="reija@example.org")
    assert mailbox.wait_for("reija@example.org")


def test_main_user_removes_a_registrar_of_the_unit(client: TestClient, seed: Seed) -> None:
    unit = seed.unit()
    seed.registrar(email="paa@example.org", units=(unit,), role=RegistrarRole.main_user)
    other_main = seed.registrar(
        email="toinen@example.org", units=(unit,), role=RegistrarRole.main_user
    )
    plain = seed.registrar(email="reija@example.org", units=(unit,))
    headers = login(client, "paa@example.org")
    listed = client.get(f"/api/v1/units/{unit}/registrars").json()
    assert {r["email"] for r in listed} == {
        "paa@example.org",
        "toinen@example.org",
        "reija@example.org",
    }
    assert (
        client.delete(f"/api/v1/units/{unit}/registrars/{plain}", headers=headers).status_code
        == 204
    )
    refused = client.delete(f"/api/v1/units/{unit}/registrars/{other_main}", headers=headers)
    assert refused.status_code == 409 and "removal request" in refused.json()["detail"]
    again = client.post(
        f"/api/v1/units/{unit}/registrars", json={"email": "reija@example.org"}, headers=headers
    )
    assert again.status_code == 202  # an invitation: they join when they accept it


def test_an_address_without_an_account_is_invited(
    client: TestClient, seed: Seed, mailbox: Mailbox
) -> None:
    unit = seed.unit()
    seed.registrar(email="paa@example.org", units=(unit,), role=RegistrarRole.main_user)
    headers = login(client, "paa@example.org")
    invited = client.post(
        f"/api/v1/units/{unit}/registrars", json={"email": "uusi@example.org"}, headers=headers
    )
    assert invited.status_code == 202 and "invitation" in invited.json()["detail"]
    [message] = mailbox.wait_for("uusi@example.org")
    assert message["Subject"] == "Celia: Kutsu Celian rekisteröijäksi"
    body = message.get_content()
    assert "Reija Rekisteröijä kutsuu sinut yksikön Testikirjasto" in body
    assert "/account/register" in body and "/account/join#token=" in body
    listed = client.get(f"/api/v1/units/{unit}/registrars").json()
    assert [r["email"] for r in listed] == ["paa@example.org"]


def test_invitations_are_limited_per_main_user(client: TestClient, seed: Seed) -> None:
    unit = seed.unit()
    seed.registrar(email="paa@example.org", units=(unit,), role=RegistrarRole.main_user)
    headers = login(client, "paa@example.org")
    url = f"/api/v1/units/{unit}/registrars"
    limit = client.app.state.settings.invitations_per_main_user_per_hour  # type: ignore[attr-defined]
    for number in range(limit):
        sent = client.post(url, json={"email": f"uusi{number}@example.org"}, headers=headers)
        assert sent.status_code == 202
    refused = client.post(url, json={"email": "yksi-liikaa@example.org"}, headers=headers)
    assert refused.status_code == 429 and "Retry-After" in refused.headers


def test_account_pages_are_served_without_a_referrer(client: TestClient) -> None:
    for name in ("register", "verify", "login", "forgot", "reset", "profile", "unit", "join"):
        page = client.get(f"/account/{name}")
        assert page.status_code == 200, name
        assert page.headers["referrer-policy"] == "no-referrer"
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert f'src="/assets/account/{name}.js"' in page.text
    early = client.post("/account/login", data={"password": "Salainen-1"}, follow_redirects=False)
    assert early.status_code == 303 and early.headers["location"] == "/account/login"
    assert client.get("/account/nothing").status_code == 404
    assert client.get("/account/../index").status_code == 404


def test_ordinary_registrars_cannot_manage_the_unit(client: TestClient, seed: Seed) -> None:
    unit = seed.unit()
    seed.registrar(units=(unit,))
    other = seed.registrar(email="muu@example.org", units=(unit,))
    headers = login(client, "reija@example.org")
    assert (
        client.delete(f"/api/v1/units/{unit}/registrars/{other}", headers=headers).status_code
        == 403
    )


def test_one_client_guessing_across_accounts_is_slowed_down(client: TestClient, seed: Seed) -> None:
    """The per-account lock stops guessing one password; this stops spraying many accounts
    (and the Argon2 work each attempt costs) from one address."""
    registrar_id = seed.registrar()
    client.app.state.settings.login_per_client_per_minute = 3  # type: ignore[attr-defined]
    for number in range(3):
        wrong = client.post(
            "/api/v1/auth/login",
            json={"email": f"guess{number}@example.org", "password": "Wrong-pass-1"},
        )
        assert wrong.status_code == 401
    limited = client.post(
        "/api/v1/auth/login", json={"email": "reija@example.org", "password": PASSWORD}
    )
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    staff = client.post(
        "/api/v1/staff/auth/login", json={"email": "sirpa@celia.fi", "password": PASSWORD}
    )
    assert staff.status_code == 429
    # refused before any password was checked
    assert seed.get(Registrar, registrar_id).failed_logins == 0


def _registration_seconds(client: TestClient, email: str) -> float:
    started = time.perf_counter()
    register(client, email)
    return time.perf_counter() - started


def test_registering_a_known_or_new_address_takes_the_same_time(
    client: TestClient, seed: Seed
) -> None:
    """20 registrations of a taken address against 20 of new ones, with an Argon2 cost that
    takes tens of milliseconds: the medians stay within a factor of two (an unequal hash
    made them differ tenfold)."""
    settings = client.app.state.settings  # type: ignore[attr-defined]
    settings.argon2_memory_kib, settings.argon2_time_cost = 16384, 2
    settings.registrations_per_client_per_hour = settings.registrations_per_address_per_hour = 100
    cheap = client.app.state.security  # type: ignore[attr-defined]
    client.app.state.security = Security(settings)  # type: ignore[attr-defined]
    try:
        seed.registrar(email="reija@example.org")
        known, new = [], []
        for number in range(20):
            known.append(_registration_seconds(client, "reija@example.org"))
            new.append(_registration_seconds(client, f"uusi{number}@example.org"))
    finally:
        client.app.state.security = cheap  # type: ignore[attr-defined]
    slower, faster = sorted([statistics.median(known), statistics.median(new)], reverse=True)
    assert slower > 0.005  # the hash really costs something here
    assert slower / faster < 2.0, (statistics.median(known), statistics.median(new))


def test_wrong_codes_answer_alike_for_unverified_verified_and_unknown_addresses(
    client: TestClient, seed: Seed
) -> None:
    register(client)  # unverified
    seed.registrar(email="reija@example.org")  # verified

    def statuses(email: str) -> list[int]:
        body = {"email": email, "code": "00000000"}
        return [client.post("/api/v1/auth/verify", json=body).status_code for _ in range(11)]

    answers = [statuses(email) for email in (EMAIL, "reija@example.org", "ei.ole@example.org")]
    assert answers == [[422] * 10 + [429]] * 3


def test_a_main_user_of_one_unit_is_an_ordinary_registrar_of_another(
    client: TestClient, seed: Seed
) -> None:
    """Two units, two main users: the main user of unit B, added to unit A as a registrar,
    manages nothing in A, and A's own main user can remove them."""
    unit_a, unit_b = seed.unit("Kirjasto A"), seed.unit("Koulu B")
    main_a = seed.registrar(
        email="paa.a@example.org", units=(unit_a,), role=RegistrarRole.main_user
    )
    main_b = seed.registrar(
        email="paa.b@example.org", units=(unit_b,), role=RegistrarRole.main_user
    )
    plain_a = seed.registrar(email="reija@example.org", units=(unit_a,))
    with client.app.state.db.sessions() as db:  # type: ignore[attr-defined]
        joining = db.get(Registrar, main_b)
        joining.units.append(db.get(Unit, unit_a))  # as an ordinary registrar
        db.commit()

    headers_b = login(client, "paa.b@example.org")
    assert client.get(f"/api/v1/units/{unit_a}/registrars").status_code == 403
    removal = client.delete(f"/api/v1/units/{unit_a}/registrars/{plain_a}", headers=headers_b)
    assert removal.status_code == 403
    me = client.get("/api/v1/auth/me").json()["registrar"]
    assert {u["id"]: u["role"] for u in me["units"]} == {
        unit_a: "registrar",
        unit_b: "main_user",
    }
    assert client.get(f"/api/v1/units/{unit_b}/registrars").status_code == 200
    client.post("/api/v1/auth/logout", headers=headers_b)

    headers_a = login(client, "paa.a@example.org")
    listed = client.get(f"/api/v1/units/{unit_a}/registrars").json()
    assert {(r["id"], r["role"]) for r in listed} == {
        (main_a, "main_user"),
        (main_b, "registrar"),
        (plain_a, "registrar"),
    }
    assert (
        client.delete(f"/api/v1/units/{unit_a}/registrars/{main_b}", headers=headers_a).status_code
        == 204
    )
    assert seed.unit_ids_of(main_b) == {unit_b}


def test_adding_a_registrar_is_an_invitation_answered_alike_for_any_address(
    client: TestClient, seed: Seed, mailbox: Mailbox
) -> None:
    """Two units, two main users: A's main user asks to add B's main user (a verified account)
    and an unknown address. Both answers are the same; nobody joins A, and A's main user sees
    no name, address or lock state, until the person accepts the mailed invitation logged in
    with that address (a link used by another account is refused and stays usable)."""
    unit_a, unit_b = seed.unit("Kirjasto A"), seed.unit("Koulu B")
    seed.registrar(email="paa.a@example.org", units=(unit_a,), role=RegistrarRole.main_user)
    main_b = seed.registrar(
        email="paa.b@example.org", units=(unit_b,), role=RegistrarRole.main_user
    )
    headers_a = login(client, "paa.a@example.org")
    url = f"/api/v1/units/{unit_a}/registrars"
    known = client.post(url, json={"email": "paa.b@example.org"}, headers=headers_a)
    unknown = client.post(url, json={"email": "ei.tunnusta@example.org"}, headers=headers_a)
    assert (known.status_code, known.content) == (unknown.status_code, unknown.content)
    assert known.status_code == 202
    assert [r["email"] for r in client.get(url).json()] == ["paa.a@example.org"]
    token = re.search(r"/account/join#token=(\S+)", mailbox.last_body("paa.b@example.org"))[1]  # type: ignore[index]
    assert "/account/join#token=" in mailbox.last_body("ei.tunnusta@example.org")
    accept = "/api/v1/units/invitations/accept"
    refused = client.post(accept, json={"token": token}, headers=headers_a)  # not A's own mail
    assert refused.status_code == 422
    client.post("/api/v1/auth/logout", headers=headers_a)

    headers_b = login(client, "paa.b@example.org")
    joined = client.post(accept, json={"token": token}, headers=headers_b)
    assert joined.status_code == 200 and joined.json()["unit_id"] == unit_a
    assert client.post(accept, json={"token": token}, headers=headers_b).status_code == 422
    assert seed.unit_ids_of(main_b) == {unit_a, unit_b}
    me = client.get("/api/v1/auth/me").json()["registrar"]
    assert {u["id"]: u["role"] for u in me["units"]} == {unit_a: "registrar", unit_b: "main_user"}
