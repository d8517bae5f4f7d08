"""Each agent's device token, sealed for her alone.

Several agents share one laptop and one store key; a token read by another agent would
let her push under the owner's name (a committee decision under a supervisor's token).
So the token is sealed exactly as the store key is in keyring.json: AES-GCM under a key
derived from the owner's passphrase (scrypt), with her name as authenticated data. Only
the passphrase that opens the store as her opens her token; nothing lands in a settings
file. A changed passphrase leaves the old seal unreadable: she signs in once more, and
nothing else is lost.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from sqlalchemy import select

from jisr_desktop.models.store.database import Store, utcnow
from jisr_desktop.models.store.keyring import KeyringError, WrappedKey, unwrap, wrap
from jisr_desktop.models.store.schema import SyncToken


@dataclass(frozen=True)
class DeviceToken:
    agent: str
    username: str
    server_url: str
    token: str
    role: str | None = None
    scope: str | None = None
    expires_at: str | None = None


@dataclass(frozen=True)
class SignInState:
    """What anyone may know without the passphrase: who is signed in, and whether the
    server has refused her token since."""

    agent: str
    username: str
    server_url: str
    expires_at: str | None
    refused: str | None  # protocol.Code of the refusal (expired_token, revoked_token...)


def save(store: Store, passphrase: str, token: DeviceToken) -> None:
    """Seal and keep `token` for `token.agent`, replacing any earlier one."""
    sealed = wrap(token.agent, passphrase, token.token.encode("utf-8"))
    with store.session() as s:
        row = s.get(SyncToken, token.agent) or SyncToken(agent=token.agent)
        row.username = token.username
        row.server_url = token.server_url
        row.role, row.scope, row.expires_at = token.role, token.scope, token.expires_at
        row.sealed = json.dumps(asdict(sealed))
        row.signed_in_at = utcnow()
        row.refused = None
        s.add(row)


def load(store: Store, agent: str, passphrase: str) -> DeviceToken | None:
    """Her token, or None when she never signed in, the server refused it since, or the
    seal does not open with this passphrase (changed since): she signs in again."""
    with store.session() as s:
        row = s.get(SyncToken, agent)
        if row is None or row.refused:
            return None
        try:
            secret = unwrap(WrappedKey(**json.loads(row.sealed)), passphrase)
        except (KeyringError, ValueError, TypeError):
            return None
        return DeviceToken(agent, row.username, row.server_url, secret.decode("utf-8"),
                           row.role, row.scope, row.expires_at)


def mark_refused(store: Store, agent: str, code: str) -> None:
    """The server refused her token: keep the row (her username and server) for the
    sign-in screen, but never present the token again."""
    with store.session() as s:
        row = s.get(SyncToken, agent)
        if row is not None:
            row.refused = code


def states(store: Store) -> list[SignInState]:
    with store.session() as s:
        rows = s.scalars(select(SyncToken).order_by(SyncToken.agent)).all()
        return [SignInState(r.agent, r.username, r.server_url, r.expires_at, r.refused)
                for r in rows]


def forget(store: Store, agent: str) -> None:
    with store.session() as s:
        row = s.get(SyncToken, agent)
        if row is not None:
            s.delete(row)
