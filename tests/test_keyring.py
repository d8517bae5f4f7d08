"""The keyring's cost and its bounds (issue 14, points 14 and 15)."""

from __future__ import annotations

import json
import time

import pytest

from jisr_desktop.models.store import keyring as kr
from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.errors import StoreLocked
from jisr_desktop.user_messages import error_text

from .conftest import AGENT, PASSPHRASE


def _entries(folder):
    return json.loads((folder / "keyring.json").read_text(encoding="utf-8"))


@pytest.mark.real_scrypt
def test_new_keyrings_use_owasps_scrypt_cost(tmp_path):
    Store.create(tmp_path / "s", AGENT, PASSPHRASE, province_code="07.351").close()
    (entry,) = _entries(tmp_path / "s")["agents"]
    assert (entry["n"], entry["r"], entry["p"]) == (2**17, 8, 1)


@pytest.mark.real_scrypt
def test_an_older_keyring_at_2_15_opens_and_is_rewrapped_at_2_17(tmp_path, monkeypatch):
    folder = tmp_path / "s"
    with monkeypatch.context() as older:
        older.setattr(kr, "SCRYPT_N", 2**15)  # what earlier releases wrote
        Store.create(folder, AGENT, PASSPHRASE, province_code="07.351").close()
    assert _entries(folder)["agents"][0]["n"] == 2**15
    with pytest.raises(StoreLocked):  # a wrong passphrase re-wraps nothing
        Store.open(folder, AGENT, "not the passphrase at all")
    assert _entries(folder)["agents"][0]["n"] == 2**15
    Store.open(folder, AGENT, PASSPHRASE).close()
    assert _entries(folder)["agents"][0]["n"] == 2**17
    Store.open(folder, AGENT, PASSPHRASE).close()  # and still opens


@pytest.mark.parametrize(
    ("field", "value"),
    [("n", 2**24), ("n", 2**16 + 1), ("n", 2), ("r", 1000), ("p", 64), ("n", True)],
)
def test_tampered_kdf_parameters_are_refused_at_once(tmp_path, field, value):
    folder = tmp_path / "s"
    Store.create(folder, AGENT, PASSPHRASE, province_code="07.351").close()
    data = _entries(folder)
    data["agents"][0][field] = value
    (folder / "keyring.json").write_text(json.dumps(data), encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(StoreLocked) as info:
        Store.open(folder, AGENT, PASSPHRASE)
    assert time.monotonic() - started < 5  # n=2**24 would take ~100 s and 16 GiB
    assert info.value.code in ("keyring_unsafe_parameters", "corrupt_keyring")
    assert "keyring.json" in error_text("keyring_unsafe_parameters")


@pytest.mark.parametrize(
    "damage",
    [
        "",  # emptied
        "{not json",
        '{"agents": {"a": 1}}',
        '{"agents": [{"agent": 3}]}',
        '{"agents": [' * 100_000 + "]" * 100_000 + "}",  # deep nesting
    ],
)
def test_a_damaged_keyring_is_a_clear_error(tmp_path, damage):
    folder = tmp_path / "s"
    Store.create(folder, AGENT, PASSPHRASE, province_code="07.351").close()
    (folder / "keyring.json").write_text(damage, encoding="utf-8")
    with pytest.raises(kr.CorruptKeyring):
        Store.agents(folder)
    with pytest.raises(StoreLocked) as info:
        Store.open(folder, AGENT, PASSPHRASE)
    assert info.value.code == "corrupt_keyring"
