"""The store's errors: each a `code` that selects the translated message the user sees."""

from __future__ import annotations

from jisr_desktop.models.store.keyring import KeyringError


class StoreError(Exception):
    """A problem the user must be told about; `code` selects the translated message."""

    code = "store_error"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)
        self.detail = detail


class StoreMissing(StoreError):
    code = "store_missing"


class StoreExists(StoreError):
    code = "store_exists"


class StoreCorrupt(StoreError):
    code = "store_corrupt"


class StoreDamaged(StoreCorrupt):
    """The file is empty, cut short or fails its integrity check: nothing is written to it."""

    code = "store_damaged"


class StoreFileMissing(StoreError):
    """The keyring is here but store.db is not: a lost file, never a reason to start over."""

    code = "store_file_missing"


class AgentRefused(StoreError):
    """Adding an agent the role table or the reference lists do not allow; `code` says why:
    not_allowed_manage_agents, not_allowed_create_admin, unknown_role, unknown_province."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.code = code


class StoreLocked(StoreError):
    """Wraps a keyring problem (wrong passphrase, unknown agent) under one type for callers."""

    def __init__(self, cause: KeyringError) -> None:
        super().__init__(str(cause))
        self.code = cause.code
