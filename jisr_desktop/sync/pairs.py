"""A supervisor's side of "the same woman twice": list the flagged pairs of her scope,
merge or dismiss one (docs/sync-protocol.md). No Qt, no SQL: `client` is the engine's
HTTP client (`sync.client.Client`, or anything with its `call`), `token` her own; the
merge itself then reaches this device through the next pull, like any change."""

from __future__ import annotations

from typing import Any, Protocol


class _Reply(Protocol):
    data: Any


class Caller(Protocol):
    def call(self, method: str, path: str, *, token: str | None = None, body: Any = None,
             params: Any = None) -> _Reply: ...


def list_pairs(client: Caller, token: str, status: str = "open") -> list[dict[str, Any]]:
    reply = client.call("GET", "/v1/pairs", token=token, params={"status": status})
    return list((reply.data or {}).get("pairs") or [])


def merge(client: Caller, token: str, pair_id: str, keep: str) -> dict[str, Any]:
    return dict(client.call("POST", f"/v1/pairs/{pair_id}/merge", token=token,
                            body={"keep": keep}).data or {})


def dismiss(client: Caller, token: str, pair_id: str) -> dict[str, Any]:
    return dict(client.call("POST", f"/v1/pairs/{pair_id}/dismiss", token=token).data or {})


class PairsApi:
    """The three calls bound to one client and the supervisor's token (the adapter's)."""

    def __init__(self, client: Caller, token: str) -> None:
        self.client, self.token = client, token

    def list_pairs(self, status: str = "open") -> list[dict[str, Any]]:
        return list_pairs(self.client, self.token, status)

    def merge(self, pair_id: str, keep: str) -> dict[str, Any]:
        return merge(self.client, self.token, pair_id, keep)

    def dismiss(self, pair_id: str) -> dict[str, Any]:
        return dismiss(self.client, self.token, pair_id)
