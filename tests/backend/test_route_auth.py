"""Every route in the OpenAPI document needs the authentication listed here, and a route not
listed fails the test: a new route cannot appear unprotected by accident."""

import re

import pytest
from fastapi.testclient import TestClient

from backend.models import RegistrarRole
from tests.backend.conftest import Seed, login, service_headers, staff_login

NONE, REGISTRAR, STAFF, SERVICE = "none", "registrar", "staff", "service"

PUBLIC = {
    "POST /api/v1/ask",
    "POST /api/v1/chat",
    # Anonymous conversations: the 128-bit id; bound ones: only their registrar's session
    # (tests/integration/test_conversation_access.py).
    "GET /api/v1/conversations/{conversation_id}/replies",
    "POST /api/v1/auth/register",
    "POST /api/v1/auth/verify/resend",
    "POST /api/v1/auth/verify",
    "POST /api/v1/auth/login",
    "POST /api/v1/auth/password-reset",
    "POST /api/v1/auth/password-reset/confirm",
    "POST /api/v1/staff/auth/login",
}
REGISTRAR_ROUTES = {
    "POST /api/v1/auth/logout",
    "GET /api/v1/auth/me",
    "DELETE /api/v1/auth/me",
    "PATCH /api/v1/auth/me",
    "POST /api/v1/auth/me/password",
    "POST /api/v1/customers/lookup",
    "POST /api/v1/customers",
    "GET /api/v1/customers",
    "POST /api/v1/customers/transfer",
    "GET /api/v1/customers/{customer_id}",
    "PATCH /api/v1/customers/{customer_id}",
    "DELETE /api/v1/customers/{customer_id}",
    "POST /api/v1/customers/{customer_id}/end",
    "GET /api/v1/requests",
    "POST /api/v1/requests/reactivation",
    "POST /api/v1/requests/delivery-change",
    "POST /api/v1/requests/registrar-removal",
    "GET /api/v1/units/{unit_id}/registrars",
    "POST /api/v1/units/{unit_id}/registrars",
    "DELETE /api/v1/units/{unit_id}/registrars/{registrar_id}",
}
STAFF_ROUTES = {
    "POST /api/v1/staff/auth/logout",
    "GET /api/v1/staff/auth/me",
    "GET /api/v1/staff/requests",
    "GET /api/v1/staff/requests/{request_id}",
    "POST /api/v1/staff/requests/{request_id}/approve",
    "POST /api/v1/staff/requests/{request_id}/deny",
    "POST /api/v1/staff/requests/{request_id}/assign",
    "POST /api/v1/staff/registrars/{registrar_id}/unlock",
    "GET /api/v1/staff/escalations",
    "GET /api/v1/staff/escalations/{escalation_id}",
    "POST /api/v1/staff/escalations/{escalation_id}/assign",
    "POST /api/v1/staff/escalations/{escalation_id}/notes",
    "POST /api/v1/staff/escalations/{escalation_id}/replies",
    "POST /api/v1/staff/escalations/{escalation_id}/status",
    "GET /api/v1/staff/audit",
    "GET /api/v1/staff/insights/unanswered-questions",
}
SERVICE_ROUTES = {
    "GET /api/v1/service/conversations/{conversation_id}",
    "POST /api/v1/service/password-reset",
    "POST /api/v1/service/unlock-requests",
    "POST /api/v1/service/reactivation-requests",
    "POST /api/v1/service/delivery-change-requests",
    "POST /api/v1/service/escalations",
    "GET /api/v1/service/conversations/{conversation_id}/escalation",
    "PATCH /api/v1/service/conversations/{conversation_id}/escalation",
    "GET /api/v1/service/conversations/{conversation_id}/replies",
}
EXPECTED = {
    **dict.fromkeys(PUBLIC, NONE),
    **dict.fromkeys(REGISTRAR_ROUTES, REGISTRAR),
    **dict.fromkeys(STAFF_ROUTES, STAFF),
    **dict.fromkeys(SERVICE_ROUTES, SERVICE),
}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _documented(client: TestClient) -> list[str]:
    paths = client.get("/openapi.json").json()["paths"]
    return [
        f"{method.upper()} {path}" for path, operations in paths.items() for method in operations
    ]


def _concrete(path: str) -> str:
    path = path.replace("{conversation_id}", "0" * 32)
    return re.sub(r"\{[a-z_]+\}", "1", path)


@pytest.fixture
def credentials(client: TestClient, seed: Seed) -> dict[str, dict[str, str]]:
    """Sessions (kept as cookies by a fresh client each time) and their CSRF headers."""
    seed.registrar(units=(seed.unit(),), role=RegistrarRole.main_user)
    seed.staff()
    return {
        REGISTRAR: login(client, "reija@example.org"),
        STAFF: staff_login(client),
        SERVICE: service_headers(client),
    }


def test_every_documented_route_is_listed(client: TestClient) -> None:
    documented = _documented(client)
    assert len(documented) == len(set(documented))
    unlisted = sorted(set(documented) - set(EXPECTED))
    assert unlisted == [], "new routes: say which authentication they need"
    assert sorted(set(EXPECTED) - set(documented)) == []


REGISTRAR_COOKIES = ["celia_session"]
STAFF_COOKIES = ["celia_staff_session"]


def test_each_route_needs_its_authentication(
    client: TestClient, credentials: dict[str, dict[str, str]]
) -> None:
    jar = {cookie.name: cookie.value for cookie in client.cookies.jar}

    def status(route: str, headers: dict[str, str], cookies: list[str]) -> int:
        method, path = route.split(" ", 1)
        client.cookies.clear()  # only the cookies named, sent as a browser would
        if cookies:
            headers = {**headers, "Cookie": "; ".join(f"{n}={jar[n]}" for n in cookies)}
        return client.request(method, _concrete(path), headers=headers, json={}).status_code

    failures = []
    # Log-outs last: they end the sessions the other checks use.
    for route in sorted(EXPECTED, key=lambda route: ("logout" in route, route)):
        needs, write = EXPECTED[route], route.split(" ", 1)[0] in WRITES
        nothing = status(route, {}, [])
        if needs == NONE:
            ok = nothing not in (401, 403)
        elif needs == SERVICE:
            both = REGISTRAR_COOKIES + STAFF_COOKIES
            ok = nothing == 401 and status(route, credentials[REGISTRAR], both) == 401
        else:
            own = REGISTRAR_COOKIES if needs == REGISTRAR else STAFF_COOKIES
            other = STAFF if needs == REGISTRAR else REGISTRAR
            other_cookies = STAFF_COOKIES if needs == REGISTRAR else REGISTRAR_COOKIES
            ok = (
                nothing == 401
                and status(route, credentials[other], other_cookies) == 401
                and status(route, credentials[SERVICE], []) == 401
                and (not write or status(route, {}, own) == 403)  # no CSRF token
                and status(route, credentials[needs], own) not in (401, 403)
            )
        if not ok:
            failures.append(f"{route} ({needs})")
    assert failures == []
