"""OpenAPI links: how one response's values feed the next request, so a stateful client
(schemathesis' stateful phase among them) follows push -> record -> audit, pull -> record,
manifest -> download, pairs -> merge or dismiss, health -> login -> pull, as a device or a
supervisor does. Every operation has a link in or out (tests/server/test_openapi.py
checks the stateful phase reaches each one)."""

from __future__ import annotations

from typing import Any

Link = tuple[str, dict[str, str]] | tuple[str, dict[str, str], dict[str, Any]]


def links(**found: Link) -> dict[int | str, dict[str, Any]]:
    """A `responses` entry for 200 with the links `name=(operation_id, {param: expression})`
    or `name=(operation_id, {param: expression}, request_body)`; a link without parameters
    says only which call comes next (log in after a health check)."""
    made: dict[str, Any] = {}
    for name, (operation, parameters, *body) in found.items():
        made[name] = {"operationId": operation, "parameters": parameters}
        if body:
            made[name]["requestBody"] = body[0]
    return {200: {"links": made}}
