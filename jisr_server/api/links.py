"""OpenAPI links: how one response's values feed the next request, so a stateful client
(schemathesis' stateful phase among them) follows push -> record -> audit, pull -> record,
manifest -> download, as a device does."""

from __future__ import annotations

from typing import Any


def links(**found: tuple[str, dict[str, str]]) -> dict[int | str, dict[str, Any]]:
    """A `responses` entry for 200 with the links `name=(operation_id, {param: expression})`."""
    return {
        200: {
            "links": {
                name: {"operationId": operation, "parameters": parameters}
                for name, (operation, parameters) in found.items()
            }
        }
    }
