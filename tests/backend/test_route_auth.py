"""Every route in the OpenAPI document needs the authentication listed here, and a route not
listed fails the test: a new route cannot appear unprotected by accident."""

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from backend.models import RegistrarRole, StaffRole
from tests.backend.conftest import Seed, login, service_headers, staff_login

NONE, REGISTRAR, STAFF, ADMIN, SERVICE = "none", "registrar", "staff", "admin", "service"

PUBLIC = {
    "POST /api/v1/ask",
    "POST /api/v1/chat",
    # Anonymous conversations: only the browser holding the signed conversation cookie; bound
    # ones: only their registrar's session (tests/integration/test_conversation_access.py).
    "GET /api/v1/conversations/{conversation_id}/replies",
    "PUT /api/v1/conversations/{conversation_id}/contact-email",
    # A reply mail's single-use token gives a browser the cookie (test_working_day.py).
    "POST /api/v1/conversations/{conversation_id}/claim",
    "POST /api/v1/auth/register",
    "POST /api/v1/auth/verify/resend",
    "POST /api/v1/auth/verify",
    "POST /api/v1/auth/login",
    "POST /api/v1/auth/password-reset",
    "POST /api/v1/auth/password-reset/confirm",
    "POST /api/v1/staff/auth/login",
    "POST /api/v1/feedback",  # anonymous registrars vote too (tests/backend/test_feedback.py)
    # A single-use token from the mail is the credential.
    "POST /api/v1/invitations/main-user",
    "POST /api/v1/staff/auth/set-password",
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
    "POST /api/v1/units/invitations/accept",
    # The second factor (REGISTRAR_TWO_FACTOR_REQUIRED): a session past the password step.
    "GET /api/v1/auth/enrolment",
    "GET /api/v1/auth/enrolment/qr.svg",
    "POST /api/v1/auth/enrolment",
    "POST /api/v1/auth/second-factor",
}
STAFF_ROUTES = {
    "GET /api/v1/staff/queue/live",
    "GET /api/v1/staff/colleagues",
    "GET /api/v1/staff/canned-replies",
    "POST /api/v1/staff/canned-replies",
    "PUT /api/v1/staff/canned-replies/{reply_id}",
    "DELETE /api/v1/staff/canned-replies/{reply_id}",
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
    "GET /api/v1/staff/insights/answer-feedback",
    "GET /api/v1/staff/reports",
    "GET /api/v1/staff/reports/export.csv",
    "GET /api/v1/staff/reports/{name}.csv",
    "GET /api/v1/staff/reports/{name}.svg",
    "POST /api/v1/staff/reports/refresh",
    "GET /api/v1/staff/faq/items",
    "GET /api/v1/staff/faq/review",
    "GET /api/v1/staff/faq/items/{kind}/{key}",
    "POST /api/v1/staff/faq/items/{kind}",
    "POST /api/v1/staff/faq/items/{kind}/{key}/versions",
    "POST /api/v1/staff/faq/items/entry/{key}/phrasings",
    "GET /api/v1/staff/faq/versions/{version_id}",
    "POST /api/v1/staff/faq/versions/{version_id}/approve",
    "DELETE /api/v1/staff/faq/versions/{version_id}",
    "POST /api/v1/staff/faq/versions/{version_id}/publish",
    "POST /api/v1/staff/faq/versions/{version_id}/rollback",
    "GET /api/v1/staff/faq/sources",
    "POST /api/v1/staff/faq/sources",
    "GET /api/v1/staff/faq/status",
    "GET /api/v1/staff/auth/sessions",
    "POST /api/v1/staff/auth/sessions/end-others",
    "POST /api/v1/staff/auth/password",
    # Enrolment and the code: a session past the password step (tests/backend/test_staff_admin.py).
    "GET /api/v1/staff/auth/enrolment",
    "GET /api/v1/staff/auth/enrolment/qr.svg",
    "POST /api/v1/staff/auth/enrolment",
    "POST /api/v1/staff/auth/second-factor",
}
ADMIN_ROUTES = {
    "GET /api/v1/staff/admin/staff",
    "POST /api/v1/staff/admin/staff",
    "POST /api/v1/staff/admin/staff/{staff_id}/disable",
    "POST /api/v1/staff/admin/staff/{staff_id}/enable",
    "POST /api/v1/staff/admin/staff/{staff_id}/password-link",
    "POST /api/v1/staff/admin/staff/{staff_id}/reset-second-factor",
    "POST /api/v1/staff/admin/staff/{staff_id}/role",
    "POST /api/v1/staff/admin/staff/{staff_id}/unlock",
    "GET /api/v1/staff/admin/units",
    "POST /api/v1/staff/admin/units",
    "POST /api/v1/staff/admin/units/{unit_id}/close",
    "POST /api/v1/staff/admin/units/{unit_id}/main-user",
    "POST /api/v1/staff/admin/units/{unit_id}/rename",
}
SERVICE_ROUTES = {
    "GET /api/v1/service/conversations/{conversation_id}",
    "POST /api/v1/service/password-reset",
    "POST /api/v1/service/unlock-requests",
    "POST /api/v1/service/reactivation-requests",
    "POST /api/v1/service/delivery-change-requests",
    "POST /api/v1/service/escalations",
}
EXPECTED = {
    **dict.fromkeys(PUBLIC, NONE),
    **dict.fromkeys(REGISTRAR_ROUTES, REGISTRAR),
    **dict.fromkeys(STAFF_ROUTES, STAFF),
    **dict.fromkeys(ADMIN_ROUTES, ADMIN),
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
    # Nobody's: disabling staff user 1 would end the sessions the other checks use.
    path = path.replace("{staff_id}", "999999")
    return re.sub(r"\{[a-z_]+\}", "1", path)


Credentials = dict[str, tuple[dict[str, str], str]]


@pytest.fixture
def credentials(client: TestClient, seed: Seed) -> Credentials:
    """Per kind: the headers (CSRF token, service token) and the session cookie a browser of
    that kind sends (agent and admin share the staff cookie's name, not its value)."""
    seed.registrar(units=(seed.unit(),), role=RegistrarRole.main_user)
    seed.staff()
    seed.staff("aino@celia.fi", role=StaffRole.admin)

    def session(log_in: Callable[[], dict[str, str]], name: str) -> tuple[dict[str, str], str]:
        client.cookies.clear()
        headers = log_in()
        return headers, f"{name}={client.cookies[name]}"

    return {
        REGISTRAR: session(lambda: login(client, "reija@example.org"), "celia_session"),
        STAFF: session(lambda: staff_login(client), "celia_staff_session"),
        ADMIN: session(lambda: staff_login(client, "aino@celia.fi"), "celia_staff_session"),
        SERVICE: (service_headers(client), ""),
    }


def test_every_documented_route_is_listed(client: TestClient) -> None:
    documented = _documented(client)
    assert len(documented) == len(set(documented))
    unlisted = sorted(set(documented) - set(EXPECTED))
    assert unlisted == [], "new routes: say which authentication they need"
    assert sorted(set(EXPECTED) - set(documented)) == []


def test_each_route_needs_its_authentication(client: TestClient, credentials: Credentials) -> None:
    def status(route: str, kind: str | None, csrf: bool = True) -> int:
        """The route's answer to a browser of `kind` (None: no credentials at all)."""
        method, path = route.split(" ", 1)
        client.cookies.clear()  # only the session named, sent as a browser would
        headers, cookie = credentials[kind] if kind else ({}, "")
        if not csrf:
            headers = {}
        if cookie:
            headers = {**headers, "Cookie": cookie}
        return client.request(method, _concrete(path), headers=headers, json={}).status_code

    failures = []
    # Log-outs last: they end the sessions the other checks use.
    for route in sorted(EXPECTED, key=lambda route: ("logout" in route, route)):
        needs, write = EXPECTED[route], route.split(" ", 1)[0] in WRITES
        nothing = status(route, None)
        if needs == NONE:
            ok = nothing not in (401, 403)
        elif needs == SERVICE:
            ok = nothing == 401 and status(route, REGISTRAR) == 401 and status(route, STAFF) == 401
        else:
            other = STAFF if needs == REGISTRAR else REGISTRAR
            ok = (
                nothing == 401
                and status(route, other) == 401
                and status(route, SERVICE) == 401
                and (not write or status(route, needs, csrf=False) == 403)  # no CSRF token
                and (needs != ADMIN or status(route, STAFF) == 403)  # an agent is refused
                and status(route, needs) not in (401, 403)
            )
        if not ok:
            failures.append(f"{route} ({needs})")
    assert failures == []
