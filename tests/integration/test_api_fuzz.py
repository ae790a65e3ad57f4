"""Schema fuzzing of the backend's OpenAPI (schemathesis): no input may cause a 5xx.

Runs against its own backend process (own database, own rate-limit counters) so the fuzzer's
traffic cannot disturb the other tests; chat messages go to the shared Rasa.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Err

from launcher.services import Ports, ServiceGroup, assistant_services
from tests.helpers import random_secrets

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def fuzz_backend(
    tmp_path_factory: pytest.TempPathFactory, stack: dict[str, str], faq_index_dir: Path
) -> Iterator[dict[str, str]]:
    workdir = tmp_path_factory.mktemp("fuzz")
    ports = Ports.free()
    # The shared Rasa takes turns only with the stack's service token.
    secrets = {**random_secrets(), "SERVICE_TOKEN": stack["SERVICE_TOKEN"]}
    env = {
        "DATABASE_URL": f"sqlite:///{workdir / 'fuzz.db'}",
        "INDEX_DIR": str(faq_index_dir),
        "LOG_DIR": str(workdir / "log"),
    }
    backend = next(s for s in assistant_services(ports, secrets, env) if s.name == "backend")
    backend.env["RASA_URL"] = stack["rasa"]
    with ServiceGroup([backend], workdir / "log"):
        yield {"url": f"http://127.0.0.1:{ports.backend}", **secrets}


def test_no_input_causes_a_server_error(fuzz_backend: dict[str, str]) -> None:
    # schemathesis' pytest plugin does not run under pytest 9, so drive its strategies directly.
    schema = schemathesis.openapi.from_url(f"{fuzz_backend['url']}/openapi.json")
    token = {"Authorization": f"Bearer {fuzz_backend['SERVICE_TOKEN']}"}
    failures: list[str] = []
    statuses: list[int] = []
    operations = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()
        operations.append(result.ok())
    assert len(operations) > 30

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def check(case) -> None:
            response = case.call(headers=token)
            statuses.append(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")

        check()
    assert failures == []
    assert len(statuses) > 10 * len(operations)  # the fuzzer really sent its cases
    assert any(200 <= status < 300 for status in statuses)
