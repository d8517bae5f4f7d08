"""The store's one random key, wrapped once per agent under a key derived from her passphrase.

Several agents share one laptop: each unlocks the same store with her own passphrase,
and adding or removing an agent never re-encrypts the data. The keyring file holds no
beneficiary data, only agent names and wrapped keys, so it can live beside the store.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

log = logging.getLogger(__name__)

KEY_BYTES = 32
# scrypt with n=2**17, r=8 (OWASP's minimum) uses 128 MiB and about 0.3 s here: costly for a
# guesser, bearable at unlock. Keyrings wrapped at 2**15 by older releases still open and are
# re-wrapped at 2**17 on the next successful unlock.
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
FORMAT_VERSION = 1
# The parameters are read from a file anyone with the folder can edit: bound them, so a
# tampered n=2**24 (16 GiB, ~100 s) is refused at once instead of stalling every unlock.
N_RANGE = (2**14, 2**18)
R_RANGE = (1, 16)
P_RANGE = (1, 4)
MAX_WORK = 2**18 * 8  # n * r * p: about twice the default's time and memory
_B64_SIZES = {"salt": (16, 64), "nonce": (12, 12), "wrapped": (KEY_BYTES + 16, KEY_BYTES + 16)}


class KeyringError(Exception):
    """Base class; `code` picks the translated message shown to the user."""

    code = "keyring_error"


class WrongPassphrase(KeyringError):
    code = "wrong_passphrase"


class UnknownAgent(KeyringError):
    code = "unknown_agent"


class AgentExists(KeyringError):
    code = "agent_exists"


class CorruptKeyring(KeyringError):
    code = "corrupt_keyring"


class UnsafeKeyring(CorruptKeyring):
    """The key-derivation parameters are outside what this release accepts (tampering)."""

    code = "keyring_unsafe_parameters"


@dataclass(frozen=True)
class WrappedKey:
    agent: str
    salt: str
    n: int
    r: int
    p: int
    nonce: str
    wrapped: str


def _entry(item: object) -> WrappedKey:
    """One agent's entry, checked field by field before any of it reaches scrypt."""
    if not isinstance(item, dict) or set(item) != set(WrappedKey.__dataclass_fields__):
        raise CorruptKeyring("entry fields")
    for name in ("agent", "salt", "nonce", "wrapped"):
        if not isinstance(item[name], str) or not item[name]:
            raise CorruptKeyring(f"{name} type")
    for name in ("n", "r", "p"):
        if type(item[name]) is not int:  # bool is an int subclass: refuse it too
            raise CorruptKeyring(f"{name} type")
    entry = WrappedKey(**item)
    check_parameters(entry.n, entry.r, entry.p)
    for name, (low, high) in _B64_SIZES.items():
        try:
            size = len(_unb64(getattr(entry, name)))
        except ValueError as exc:
            raise CorruptKeyring(f"{name} encoding") from exc
        if not low <= size <= high:
            raise CorruptKeyring(f"{name} size")
    return entry


def check_parameters(n: int, r: int, p: int) -> None:
    """Refuse scrypt parameters outside the bounds (raises UnsafeKeyring)."""
    in_range = (
        N_RANGE[0] <= n <= N_RANGE[1]
        and n & (n - 1) == 0
        and R_RANGE[0] <= r <= R_RANGE[1]
        and P_RANGE[0] <= p <= P_RANGE[1]
        and n * r * p <= MAX_WORK
    )
    if not in_range:
        raise UnsafeKeyring(f"n={n} r={r} p={p}")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _normalise_passphrase(passphrase: str) -> bytes:
    # The same passphrase typed on two keyboards may differ in Unicode form (Arabic, accents).
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def _kek(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=KEY_BYTES, n=n, r=r, p=p).derive(
        _normalise_passphrase(passphrase)
    )


def new_store_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def wrap(agent: str, passphrase: str, store_key: bytes) -> WrappedKey:
    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(12)
    kek = _kek(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    # The agent name is authenticated data: an entry copied under another name will not open.
    wrapped = AESGCM(kek).encrypt(nonce, store_key, agent.encode("utf-8"))
    return WrappedKey(agent, _b64(salt), SCRYPT_N, SCRYPT_R, SCRYPT_P, _b64(nonce), _b64(wrapped))


def unwrap(entry: WrappedKey, passphrase: str) -> bytes:
    check_parameters(entry.n, entry.r, entry.p)
    try:
        kek = _kek(passphrase, _unb64(entry.salt), entry.n, entry.r, entry.p)
        return AESGCM(kek).decrypt(
            _unb64(entry.nonce), _unb64(entry.wrapped), entry.agent.encode("utf-8")
        )
    except InvalidTag as exc:
        raise WrongPassphrase(entry.agent) from exc
    except (ValueError, TypeError) as exc:
        raise CorruptKeyring(str(exc)) from exc


class Keyring:
    """The `keyring.json` file beside the store."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def exists(self) -> bool:
        return self.path.exists()

    def entries(self) -> list[WrappedKey]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            items = raw["agents"]
            if not isinstance(items, list):
                raise TypeError("agents is not a list")
        except FileNotFoundError:
            return []
        except (ValueError, KeyError, TypeError, RecursionError, OSError) as exc:
            raise CorruptKeyring(str(exc)) from exc
        return [_entry(item) for item in items]

    def agents(self) -> list[str]:
        return [entry.agent for entry in self.entries()]

    def unlock(self, agent: str, passphrase: str) -> bytes:
        entries = self.entries()
        for entry in entries:
            if entry.agent == agent:
                key = unwrap(entry, passphrase)
                # Upgrade only: an entry a newer release wrapped at a higher cost stays so.
                if entry.n < SCRYPT_N:
                    self._rewrap(entries, agent, passphrase, key)
                return key
        raise UnknownAgent(agent)

    def _rewrap(self, entries: list[WrappedKey], agent: str, passphrase: str, key: bytes) -> None:
        # The passphrase is known only now, at unlock: the one moment an entry wrapped at an
        # older, cheaper cost can be brought up to today's.
        fresh = [wrap(agent, passphrase, key) if e.agent == agent else e for e in entries]
        try:
            self._write(fresh)
        except OSError:
            log.warning("could not re-wrap a keyring entry at the current cost")

    def add(self, agent: str, passphrase: str, store_key: bytes) -> None:
        entries = self.entries()
        if any(entry.agent == agent for entry in entries):
            raise AgentExists(agent)
        entries.append(wrap(agent, passphrase, store_key))
        self._write(entries)

    def change_passphrase(self, agent: str, old: str, new: str) -> None:
        key = self.unlock(agent, old)
        entries = [e if e.agent != agent else wrap(agent, new, key) for e in self.entries()]
        self._write(entries)

    def remove(self, agent: str) -> None:
        self._write([e for e in self.entries() if e.agent != agent])

    def _write(self, entries: list[WrappedKey]) -> None:
        # Write then rename, so a power cut never leaves a half-written keyring (and a lost store).
        data = {"format": FORMAT_VERSION, "agents": [asdict(e) for e in entries]}
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
