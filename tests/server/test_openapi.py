"""schemathesis against the served /openapi.json, with a real token: no 5xx, and every
response matches the documented status codes, content types, headers and schemas."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.server.conftest import Backend

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _operations(backend: Backend) -> list:
    schema = schemathesis.openapi.from_url(backend.url + "/openapi.json")
    # Logging out would revoke the token every other case uses.
    return [
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().path != "/v1/auth/logout"
    ]


def test_api_conforms_to_its_openapi(backend: Backend) -> None:
    # Hypothesis driven by hand rather than through `schema.parametrize()`: the lazy pytest
    # loader of schemathesis 4.32 breaks on pytest 9 (it reads the removed `node._nodeid`).
    client = backend.client("admin", "schemathesis")
    headers = {"Authorization": f"Bearer {client.token}", "X-Device-Id": client.device}
    operations = _operations(backend)
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def check(case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS, timeout=30)

        check()
