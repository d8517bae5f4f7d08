"""Users, passwords and device-bound tokens.

Passwords are hashed with argon2id. A token is 256 random bits handed out once at login;
the database keeps only its SHA-256, bound to the device that logged in, with an expiry
and a revocation time. Failed logins cost a fixed delay each, then lock the username out
for a time that doubles with every further failure.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, delete, insert, select, update

from jisr_server.config import Settings
from jisr_server.db import as_utc, utcnow
from jisr_server.errors import ApiError
from jisr_server.schema import audit, login_failures, tokens, users
from jisr_server.scope import ROLES, Principal, parse_scope

_hasher = PasswordHasher()
# Verified against when the username is unknown, so that a wrong name costs the same time
# as a wrong password and timing does not reveal which names exist.
_DUMMY_HASH = _hasher.hash("not a password")


class UserError(ValueError):
    pass


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_user(engine: Engine, username: str, password: str, role: str, scope: str) -> int:
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    kind, code = parse_scope(scope)
    if len(password) < 8:
        raise UserError("the password must have at least 8 characters")
    with engine.begin() as conn:
        if conn.scalar(select(users.c.id).where(users.c.username == username)) is not None:
            raise UserError(f"a user named {username!r} already exists")
        user_id = conn.execute(
            insert(users).values(
                username=username,
                password_hash=_hasher.hash(password),
                role=role,
                scope_kind=kind,
                scope_code=code,
                active=True,
                created_at=utcnow(),
            )
        ).inserted_primary_key[0]
        conn.execute(
            insert(audit).values(
                at=utcnow(),
                action="create_user",
                entity="user",
                entity_id=username,
                details=json.dumps({"role": role, "scope": scope}),
            )
        )
    return int(user_id)


@dataclass(frozen=True)
class LoginResult:
    token: str
    expires_at: datetime
    principal: Principal


def login(
    engine: Engine,
    settings: Settings,
    username: str,
    password: str,
    device_id: str,
    device_name: str | None,
) -> LoginResult:
    now = utcnow()
    with engine.begin() as conn:
        failure = conn.execute(
            select(login_failures).where(login_failures.c.username == username)
        ).first()
        if failure is not None and failure.locked_until is not None:
            wait = (as_utc(failure.locked_until) - now).total_seconds()
            if wait > 0:
                raise ApiError(
                    429,
                    "too_many_attempts",
                    "Too many failed logins; wait before trying again. / Trop d'échecs de "
                    "connexion ; patientez avant de réessayer.",
                    headers={"Retry-After": str(int(wait) + 1)},
                )
        user = conn.execute(select(users).where(users.c.username == username)).first()
    ok = _verify(user.password_hash if user is not None else _DUMMY_HASH, password)
    if not ok or user is None or not user.active:
        _record_failure(engine, settings, username, failure.failures if failure else 0)
        time.sleep(settings.login_failure_delay)
        raise ApiError(
            401,
            "bad_credentials",
            "Wrong username or password. / Identifiant ou mot de passe incorrect.",
        )
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(seconds=settings.token_ttl_seconds)
    with engine.begin() as conn:
        conn.execute(delete(login_failures).where(login_failures.c.username == username))
        token_id = conn.execute(
            insert(tokens).values(
                token_hash=hash_token(token),
                user_id=user.id,
                device_id=device_id,
                device_name=device_name,
                created_at=now,
                expires_at=expires,
            )
        ).inserted_primary_key[0]
        conn.execute(
            insert(audit).values(
                at=now,
                user_id=user.id,
                username=user.username,
                device_id=device_id,
                action="login",
                entity="token",
                entity_id=str(token_id),
            )
        )
    principal = Principal(
        user.id,
        user.username,
        user.role,
        user.scope_kind,
        user.scope_code,
        device_id,
        int(token_id),
    )
    return LoginResult(token, expires, principal)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _record_failure(engine: Engine, settings: Settings, username: str, before: int) -> None:
    failures = before + 1
    extra = failures - settings.login_free_attempts
    locked_until = None
    if extra >= 0:
        seconds = min(settings.login_lockout_seconds * 2**extra, settings.login_lockout_max_seconds)
        locked_until = utcnow() + timedelta(seconds=seconds)
    values = {"failures": failures, "locked_until": locked_until, "last_at": utcnow()}
    with engine.begin() as conn:
        done = conn.execute(
            update(login_failures).where(login_failures.c.username == username).values(**values)
        ).rowcount
        if not done:
            conn.execute(insert(login_failures).values(username=username, **values))


_UNAUTHORIZED = {
    "missing_token": "Log in first. / Connectez-vous d'abord.",
    "invalid_token": "Unknown token; log in again. / Jeton inconnu ; reconnectez-vous.",
    "expired_token": "Session expired; log in again. / Session expirée ; reconnectez-vous.",
    "revoked_token": "Session ended; log in again. / Session terminée ; reconnectez-vous.",
    "device_mismatch": "This token belongs to another device. / Ce jeton appartient à un "
    "autre appareil.",
}


def unauthorized(code: str) -> ApiError:
    return ApiError(401, code, _UNAUTHORIZED[code], headers={"WWW-Authenticate": "Bearer"})


def authenticate(conn: Connection, token: str, device_header: str | None) -> Principal:
    row = conn.execute(
        select(
            tokens.c.id,
            tokens.c.device_id,
            tokens.c.expires_at,
            tokens.c.revoked_at,
            users.c.id.label("user_id"),
            users.c.username,
            users.c.role,
            users.c.scope_kind,
            users.c.scope_code,
            users.c.active,
        )
        .join(users, users.c.id == tokens.c.user_id)
        .where(tokens.c.token_hash == hash_token(token))
    ).first()
    if row is None or not row.active:
        raise unauthorized("invalid_token")
    if row.revoked_at is not None:
        raise unauthorized("revoked_token")
    if as_utc(row.expires_at) <= utcnow():
        raise unauthorized("expired_token")
    if device_header is not None and device_header != row.device_id:
        raise unauthorized("device_mismatch")
    return Principal(
        row.user_id, row.username, row.role, row.scope_kind, row.scope_code, row.device_id, row.id
    )


def revoke(engine: Engine, principal: Principal) -> None:
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(update(tokens).where(tokens.c.id == principal.token_id).values(revoked_at=now))
        conn.execute(
            insert(audit).values(
                at=now,
                user_id=principal.user_id,
                username=principal.username,
                device_id=principal.device_id,
                action="logout",
                entity="token",
                entity_id=str(principal.token_id),
            )
        )
