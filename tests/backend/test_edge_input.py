"""Edge input answers 4xx, never 500: ids beyond 64 bits, non-ASCII credentials, huge bodies."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from backend.models import RegistrarRole, StaffRole
from tests.backend.conftest import Seed, login, service_headers, staff_login

BIG = 99_999_999_999_999_999_999  # more than 64 bits


@pytest.fixture
def both(client: TestClient, seed: Seed) -> dict[str, dict[str, str]]:
    """One client logged in as a main user and as staff (their cookies differ)."""
    unit = seed.unit()
    seed.registrar(units=(unit,), role=RegistrarRole.main_user)
    seed.staff(role=StaffRole.admin)  # admin: every staff route, the admin ones too
    return {"registrar": login(client, "reija@example.org"), "staff": staff_login(client)}


def _int_parameters(client: TestClient) -> Iterator[tuple[str, str, str]]:
    """(method, path with BIG in one integer parameter, which) for every integer parameter of
    every operation in the OpenAPI document."""
    for path, operations in client.get("/openapi.json").json()["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                schema = parameter["schema"]
                types = [schema.get("type")] + [s.get("type") for s in schema.get("anyOf", [])]
                if "integer" not in types:
                    continue
                url = path
                for other in operation["parameters"]:
                    if other["in"] == "path":
                        value = BIG if other is parameter else 1
                        url = url.replace("{" + other["name"] + "}", str(value))
                if parameter["in"] == "query":
                    url += f"?{parameter['name']}={BIG}"
                yield method.upper(), url, parameter["name"]


def test_ids_beyond_64_bits_in_paths_and_queries_are_refused(
    client: TestClient, both: dict[str, dict[str, str]]
) -> None:
    cases = list(_int_parameters(client))
    assert ("GET", f"/api/v1/customers/{BIG}", "customer_id") in cases
    assert any(path.startswith("/api/v1/staff/audit") for _, path, _ in cases)
    for method, path, name in cases:
        audience = "staff" if path.startswith("/api/v1/staff") else "registrar"
        response = client.request(method, path, headers=both[audience], json={})
        assert response.status_code == 422, (method, path, response.status_code)
        assert name in response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "body", "audience"),
    [
        ("/api/v1/requests/registrar-removal", {"registrar_id": BIG, "unit_id": 1}, "registrar"),
        ("/api/v1/requests/registrar-removal", {"registrar_id": 1, "unit_id": BIG}, "registrar"),
        ("/api/v1/requests/reactivation", {"hetu": "131052-308T", "unit_id": BIG}, "registrar"),
        ("/api/v1/customers/transfer", {"hetu": "131052-308T", "unit_id": BIG}, "registrar"),
        ("/api/v1/customers", {"first_name": "A", "last_name": "B", "unit_id": BIG}, "registrar"),
        ("/api/v1/staff/requests/1/assign", {"assignee_id": BIG}, "staff"),
        ("/api/v1/staff/escalations/1/assign", {"assignee_id": BIG}, "staff"),
    ],
)
def test_ids_beyond_64_bits_in_bodies_are_refused(
    client: TestClient, both: dict[str, dict[str, str]], path: str, body: dict, audience: str
) -> None:
    response = client.post(path, json=body, headers=both[audience])
    assert response.status_code == 422, response.text


def test_the_service_api_refuses_a_huge_unit_id(client: TestClient, seed: Seed) -> None:
    conversation = seed.conversation(seed.registrar(units=(seed.unit(),)))
    response = client.post(
        "/api/v1/service/reactivation-requests",
        json={"conversation_id": conversation, "hetu": "131052-308T", "unit_id": BIG},
        headers=service_headers(client),
    )
    assert response.status_code == 422


def _cookie(name: str) -> dict[bytes, bytes]:
    """A cookie header with non-ASCII bytes (a browser sends what it was given)."""
    return {b"Cookie": f"{name}=tökkö.ääkkönen".encode()}


@pytest.mark.parametrize(
    ("cookie", "path"),
    [("celia_session", "/api/v1/auth/me"), ("celia_staff_session", "/api/v1/staff/auth/me")],
)
def test_non_ascii_session_cookies_are_unauthorized(
    client: TestClient, cookie: str, path: str
) -> None:
    assert client.get(path, headers=_cookie(cookie)).status_code == 401


def test_non_ascii_session_cookie_on_the_public_chat(client: TestClient) -> None:
    """Anyone can send it: the chat goes on as an anonymous one, nothing fails."""
    response = client.post(
        "/api/v1/chat",
        json={"conversation_id": None, "message": "hei"},
        headers=_cookie("celia_session"),
    )
    assert response.status_code != 500  # no Rasa here: 503, but not a crash on the cookie
    assert response.status_code in (200, 503)


def test_non_ascii_bearer_token_is_unauthorized(client: TestClient) -> None:
    response = client.get(
        "/api/v1/service/conversations/" + "a" * 32,
        headers={b"Authorization": "Bearer tökkö".encode()},
    )
    assert response.status_code == 401


def test_bodies_over_the_limit_are_refused_before_parsing(client: TestClient) -> None:
    limit = client.app.state.settings.max_request_bytes  # type: ignore[attr-defined]
    assert limit == 64 * 1024
    huge = b'{"question": "' + b"a" * (10 * 1024 * 1024) + b'"}'
    response = client.post(
        "/api/v1/ask", content=huge, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: the bytes are counted as they come
        yield b'{"question": "'
        for _ in range(100):
            yield b"a" * 1024
        yield b'"}'

    streamed = client.post(
        "/api/v1/ask", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert streamed.status_code == 413
    small = client.post("/api/v1/chat", json={"conversation_id": None, "message": ""})
    assert small.status_code == 422


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/account/", "/account"),
        ("/account/?lang=sv", "/account?lang=sv"),
        ("/account", "/account/profile"),
    ],
)
def test_a_redirect_never_names_the_host_the_client_sent(
    client: TestClient, path: str, target: str
) -> None:
    """Starlette's trailing-slash redirect copied the Host header into Location."""
    for host in ("evil.example", "evil.example:8443"):
        answer = client.get(path, headers={"Host": host}, follow_redirects=False)
        assert 300 <= answer.status_code < 400
        assert answer.headers["location"] == target
