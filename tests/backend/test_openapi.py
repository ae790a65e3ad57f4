"""The API is documented at /docs."""

from fastapi.testclient import TestClient


def test_openapi_documents_the_api(running_app: TestClient) -> None:
    paths = running_app.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/auth/login",
        "/api/v1/customers",
        "/api/v1/service/reactivation-requests",
        "/api/v1/staff/requests/{request_id}/approve",
        "/api/v1/conversations/{conversation_id}/replies",
    ):
        assert path in paths
    assert running_app.get("/docs").status_code == 200
