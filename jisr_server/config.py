"""Every server setting in one place, with its default and its environment variable.

The CLI fills a `Settings` from its flags; `uvicorn --factory` workers rebuild it from the
environment (`Settings.from_env`), which is why each setting has a JISR_SERVER_* name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "JisrServer"
ENV_PREFIX = "JISR_SERVER_"


def default_database_url() -> str:
    """A SQLite file in the user's data folder: one command starts a working demo server."""
    folder = user_data_path(APP_NAME, appauthor=False)
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{Path(folder) / 'jisr-server.db'}"


@dataclass(frozen=True)
class Settings:
    database_url: str = ""
    # A field agent may stay offline for weeks; a month-long token spares her a login
    # over a 2G link, and revocation covers a stolen laptop.
    token_ttl_seconds: int = 30 * 24 * 3600
    # 8 MiB holds a 200-op batch many times over; anything bigger is a bug or an attack.
    max_body_bytes: int = 8 * 1024 * 1024
    # Pushes hold database locks: beyond this many at once, queueing only adds latency.
    push_concurrency: int = 8
    push_wait_seconds: float = 2.0
    retry_after_seconds: int = 5
    pull_max_limit: int = 1000
    # Failed logins: a fixed delay on each failure, then a lock-out that doubles.
    login_failure_delay: float = 1.0
    login_free_attempts: int = 5
    login_lockout_seconds: int = 30
    login_lockout_max_seconds: int = 3600
    # A login flood (throttle.py): password checks at a time (each argon2id costs 64 MiB),
    # how many more may wait and for how long, then 503; attempts a minute per address.
    # Half the cores (at least one): the other half keeps serving the API during a flood.
    login_hash_concurrency: int = max(1, (os.cpu_count() or 2) // 2)
    login_hash_queue: int = 8
    login_hash_wait_seconds: float = 2.0
    login_per_address_per_minute: int = 60
    # A body announced but not sent (or sent a byte at a time) is dropped after this long.
    body_read_timeout_seconds: float = 10.0

    def resolved_url(self) -> str:
        return self.database_url or default_database_url()

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = os.environ.get(ENV_PREFIX + f.name.upper())
            if raw is None:
                continue
            default = f.default
            values[f.name] = type(default)(raw) if not isinstance(default, str) else raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def to_env(self) -> dict[str, str]:
        return {ENV_PREFIX + f.name.upper(): str(getattr(self, f.name)) for f in fields(self)}
