"""Users, passwords and device-bound tokens.

Passwords are hashed with argon2id. A token is 256 random bits handed out once at login;
the database keeps only its SHA-256, bound to the device that logged in, with an expiry
and a revocation time; every request must name that device (`X-Device-Id`). Failed logins
cost a fixed delay each, then lock the username out for a time that doubles with every
further failure; attempts are counted atomically, before the password is checked.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, delete, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from jisr_desktop.sync.protocol import Code
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
) -> LoginResult | None:
    """A token for the right password; None for a wrong one (the caller answers 401 after
    the failure delay, without holding a thread: see api/auth_routes.py); ApiError 429
    while the username is locked out.

    Every attempt is counted *before* the password is checked, in one atomic statement
    that also refuses it while the username is locked (`_reserve_attempt`), and a success
    clears the count. So parallel guesses cannot slip through between a read of the count
    and its update: at most `login_free_attempts` passwords are ever checked per lock-out
    window, however many requests arrive at once."""
    now = utcnow()
    failures = _reserve_attempt(engine, settings, username, now)
    if failures is None:
        wait = _lock_wait(engine, username, now)
        raise ApiError(
            429,
            Code.TOO_MANY_ATTEMPTS,
            "too many failed logins for this username; retry after Retry-After seconds",
            headers={"Retry-After": str(int(wait) + 1)},
        )
    with engine.connect() as conn:
        user = conn.execute(select(users).where(users.c.username == username)).first()
        conn.rollback()
    ok = _verify(user.password_hash if user is not None else _DUMMY_HASH, password)
    if not ok or user is None or not user.active:
        if secrets.randbelow(_PRUNE_ONE_IN) == 0:
            prune_login_failures(engine)
        return None  # the attempt is already counted, and the lock-out set if due
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


def bad_credentials() -> ApiError:
    return ApiError(
        401,
        Code.BAD_CREDENTIALS,
        "wrong username or password",
    )


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# One failed login in this many also forgets failure rows untouched for a day.
_PRUNE_ONE_IN = 100
FAILURES_KEPT = timedelta(days=1)


def _reserve_attempt(
    engine: Engine, settings: Settings, username: str, now: datetime
) -> int | None:
    """Count an attempt, unless the username is locked (then None): one atomic statement,
    an insert-or-increment (`INSERT … ON CONFLICT DO UPDATE … WHERE not locked RETURNING`,
    on PostgreSQL and SQLite alike). The attempt counts as a failure until a success clears
    it, so the lock-out that this attempt would earn by failing is set in the same
    transaction, from the count the statement returned."""
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    table = login_failures
    statement = dialect.insert(table).values(
        username=username, failures=1, locked_until=None, last_at=now
    )
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.username],
        set_={"failures": table.c.failures + 1, "last_at": statement.excluded.last_at},
        where=or_(table.c.locked_until.is_(None), table.c.locked_until <= now),
    ).returning(table.c.failures)
    with engine.begin() as conn:
        failures = conn.execute(statement).scalar()
        if failures is None:
            return None  # locked: not counted, not checked
        extra = failures - settings.login_free_attempts
        if extra >= 0:
            seconds = min(
                settings.login_lockout_seconds * 2**extra, settings.login_lockout_max_seconds
            )
            conn.execute(
                update(table)
                .where(table.c.username == username)
                .values(locked_until=now + timedelta(seconds=seconds))
            )
    return int(failures)


def _lock_wait(engine: Engine, username: str, now: datetime) -> float:
    with engine.connect() as conn:
        until = conn.scalar(
            select(login_failures.c.locked_until).where(login_failures.c.username == username)
        )
        conn.rollback()
    return max((as_utc(until) - now).total_seconds(), 0.0) if until is not None else 0.0


def prune_login_failures(engine: Engine, older_than: timedelta = FAILURES_KEPT) -> int:
    """Forget failed-login counts untouched for `older_than` (a lock-out lasts an hour at
    most, so none of them is still locked): the table, keyed by any name typed, stays small."""
    with engine.begin() as conn:
        return conn.execute(
            delete(login_failures).where(login_failures.c.last_at < utcnow() - older_than)
        ).rowcount


_UNAUTHORIZED = {
    Code.MISSING_TOKEN: "no bearer token: log in first",
    Code.INVALID_TOKEN: "unknown token: log in again",
    Code.EXPIRED_TOKEN: "the token has expired: log in again",
    Code.REVOKED_TOKEN: "the token was revoked (logout): log in again",
    Code.DEVICE_MISMATCH: "the X-Device-Id header is missing or names another device than "
    "the token's",
}


def unauthorized(code: str) -> ApiError:
    return ApiError(
        401, code, _UNAUTHORIZED[Code(code)], headers={"WWW-Authenticate": "Bearer"}
    )


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
    # Required: a token copied off a laptop is useless without the device id it was issued
    # to (a missing header is refused like a wrong one).
    if device_header is None or device_header != row.device_id:
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


def revoke_tokens(
    engine: Engine, username: str, device_id: str | None = None, *, disable: bool = False
) -> int:
    """Revoke the live tokens of `username` (only `device_id`'s when given): a lost or
    stolen laptop. With `disable`, the account too, so its password no longer logs in (a
    leaked password). Audited; the number of tokens revoked is returned."""
    now = utcnow()
    with engine.begin() as conn:
        user_id = conn.scalar(select(users.c.id).where(users.c.username == username))
        if user_id is None:
            raise UserError(f"no user named {username!r}")
        live = (tokens.c.user_id == user_id) & tokens.c.revoked_at.is_(None)
        if device_id is not None:
            live &= tokens.c.device_id == device_id
        count = conn.execute(update(tokens).where(live).values(revoked_at=now)).rowcount
        if disable:
            conn.execute(update(users).where(users.c.id == user_id).values(active=False))
        conn.execute(
            insert(audit).values(
                at=now,
                action="disable_user" if disable else "revoke_tokens",
                entity="user",
                entity_id=username,
                device_id=device_id,
                details=json.dumps({"tokens": count}),
            )
        )
    return int(count)
