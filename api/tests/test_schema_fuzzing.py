"""Schemathesis over the API's own OpenAPI schema, as a few roles: no response is a server
error, and every response (status, content type, body) matches the schema.

Deterministic (``derandomize``, no example database) and bounded (a few examples per operation
and role), so it runs in the ordinary suite.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.tests.conftest import make_token
from cases.testing import advance, report

pytestmark = pytest.mark.django_db
EXAMPLES = 4
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _fixed_path(operation: Any, number: str, code: str) -> dict[str, str]:
    names = {parameter.name for parameter in operation.path_parameters}
    return {name: value for name, value in (("number", number), ("code", code)) if name in names}


def _fuzz(operation: Any, headers: dict[str, str], path: dict[str, str], seen: list[tuple[str, int]]) -> None:
    strategy = operation.as_strategy(path_parameters=path)

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case: Any) -> None:
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        seen.append((operation.method.upper(), response.status_code))

    run()


@pytest.mark.parametrize("role", ["dispatcher", "property_handler", "outsider"])
def test_the_api_keeps_to_its_schema(cc, settings_override, role):
    case = advance(report(cc), "dispatched", cc)
    report(cc, category="t-building")
    user = getattr(cc, role, None) or getattr(cc.cast, role)
    headers = {"Authorization": f"Bearer {make_token(user)}", "Accept": "application/json"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    seen: list[tuple[str, int]] = []
    for operation in operations:
        _fuzz(operation, headers, _fixed_path(operation, case.number, cc.cast.grid_a.code), seen)
    assert len(seen) >= len(operations) * 2
    assert ("GET", 200) in seen  # the fuzzer got past authentication


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI handler closes the database connection after each request (as Django's test
    client prevents): in a test that would close the test's transaction (PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def settings_override(settings):  # type: ignore[no-untyped-def]
    """A budget the fuzzer cannot exhaust (throttling has its own test)."""
    settings.API_RATE_PER_MINUTE = 1_000_000
    return settings
