"""The store's one random key, wrapped once per agent under a key derived from her passphrase.

Several agents share one laptop: each unlocks the same store with her own passphrase,
and adding or removing an agent never re-encrypts the data. The keyring file holds no
beneficiary data, only agent names and wrapped keys, so it can live beside the store.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

KEY_BYTES = 32
# scrypt with n=2**15, r=8 uses 32 MiB and about 0.1 s: costly for a guesser, bearable at unlock.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
FORMAT_VERSION = 1


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


@dataclass(frozen=True)
class WrappedKey:
    agent: str
    salt: str
    n: int
    r: int
    p: int
    nonce: str
    wrapped: str


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
            return [WrappedKey(**item) for item in raw["agents"]]
        except FileNotFoundError:
            return []
        except (ValueError, KeyError, TypeError) as exc:
            raise CorruptKeyring(str(exc)) from exc

    def agents(self) -> list[str]:
        return [entry.agent for entry in self.entries()]

    def unlock(self, agent: str, passphrase: str) -> bytes:
        for entry in self.entries():
            if entry.agent == agent:
                return unwrap(entry, passphrase)
        raise UnknownAgent(agent)

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
