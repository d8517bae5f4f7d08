"""Signing in: once, online, per agent; her token is sealed for her alone (store.tokens).

The agent whose passphrase opened the store is the one signing in, so a token can only
ever be opened again by the same passphrase, and ops go up under their author's token."""

from __future__ import annotations

import contextlib
import platform
from dataclasses import dataclass

from jisr_desktop.models.store import sync_state, tokens
from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.tokens import DeviceToken
from jisr_desktop.sync.client import Client, HttpError, LinkError

__all__ = ["DeviceToken", "SignInError", "SignedIn", "credentials", "login", "logout"]


class SignInError(Exception):
    """`code`: a protocol.Code (bad_credentials, too_many_attempts...) or "link_failed"."""

    def __init__(self, code: str, retry_after: float | None = None) -> None:
        super().__init__(code)
        self.code, self.retry_after = code, retry_after


@dataclass(frozen=True)
class SignedIn:
    agent: str
    username: str
    role: str | None
    scope: str | None
    expires_at: str | None
    server_id: str


def login(store: Store, passphrase: str, server_url: str, username: str, password: str,
          *, device_name: str | None = None, client: Client | None = None) -> SignedIn:
    """Sign `store.agent` in to `server_url` as `username`; seal and keep the token. The
    server becomes this store's server; another server than before starts sync over."""
    client = client or Client(server_url, sync_state.device_id(store))
    body = {"username": username, "password": password, "device_id": client.device_id,
            "device_name": device_name or platform.node()[:60] or "jisr-desktop"}
    try:
        reply = client.call("POST", "/v1/auth/login", body=body)
    except LinkError as exc:
        raise SignInError("link_failed") from exc
    except HttpError as exc:
        raise SignInError(exc.code, exc.retry_after) from exc
    data = reply.data
    if not isinstance(data, dict) or "token" not in data or "server_id" not in data:
        raise SignInError("link_failed")  # a portal that answers JSON of its own
    user = data.get("user") or {}
    token = DeviceToken(store.agent, username, client.base_url, str(data["token"]),
                        user.get("role"), user.get("scope"), data.get("expires_at"))
    tokens.save(store, passphrase, token)
    known = sync_state.get_value(store, "server_id")
    if known and known != data["server_id"]:
        sync_state.start_over(store, new_server=True, server_id=str(data["server_id"]))
    sync_state.set_values(store, server_url=client.base_url, server_id=data["server_id"])
    return SignedIn(store.agent, username, token.role, token.scope, token.expires_at,
                    str(data["server_id"]))


def credentials(store: Store, passphrase: str) -> dict[str, DeviceToken]:
    """The tokens this passphrase opens: the store's agent's own, if she signed in."""
    token = tokens.load(store, store.agent, passphrase)
    return {token.agent: token} if token else {}


def logout(store: Store, passphrase: str, *, client: Client | None = None) -> bool:
    """Revoke her token on the server (when reachable) and forget it here."""
    token = tokens.load(store, store.agent, passphrase)
    if token is None:
        return False
    client = client or Client(token.server_url, sync_state.device_id(store))
    # Forgotten here anyway; the server's copy expires on its own.
    with contextlib.suppress(LinkError, HttpError):
        client.call("POST", "/v1/auth/logout", token=token.token)
    tokens.forget(store, store.agent)
    return True
