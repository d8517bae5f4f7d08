"""Shared fixtures: a real encrypted store in a temporary folder, the shipped definitions,
and a valid registration built on the form's field names."""

from __future__ import annotations

import hashlib
import os
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PASSPHRASE = "ⵜⴰⵎⵓⵔⵜ-نور-2026"
AGENT = "Amina Agent"
TODAY = date(2026, 11, 22)


def make_submission(**overrides: Any) -> dict[str, Any]:
    """A woman from Marrakech with a handicraft idea; every test changes only what it needs."""
    data: dict[str, Any] = {
        "consent": "yes",
        "consent_date": "2026-11-20",
        "consent_recorded_by": AGENT,
        "first_name_ar": "فاطمة الزهراء",
        "last_name_ar": "بناني",
        "first_name_lat": "Fatima-Zahra",
        "last_name_lat": "Bennani",
        "cin": "ee 123456",
        "date_of_birth": "1985-03-14",
        "phone": "06 12 34 56 78",
        "region": "07",
        "province": "07.351",
        "commune": "07.351.01.01",
        "area_type": "urban",
        "social_status": "widowed",
        "disability": "no",
        "head_of_household": "yes",
        "health_coverage": "none",
        "household_size": 6,
        "income_source": "none",
        "education": "primary",
        "experience": "1_5",
        "legal_status": "none",
        "support_requested": ["training", "accompaniment"],
        "has_project_idea": "yes",
        "project_sector": "handicraft",
        "project_description": "نسج الزرابي",
        "project_stage": "idea",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


_ARABIC_LETTERS = "بتثجحخدذرزسشصضطظعغفقكلمنهوي"


def distinct_woman(key: object) -> dict[str, str]:
    """A CIN, last names (both scripts) and a birth date of her own for `key`.

    The server flags records sharing a CIN, or a near-identical name in either script with
    the same birth date, as one woman twice: synthetic women that differ only in their
    Latin name are all one "pair" there. Twelve random letters per script keep any two
    names well below the threshold; birth dates spread over 24 years (all adults) make a
    shared date rare on top of that. The birth date is scored (the age decides
    eligibility): a copy of a record evaluated earlier keeps its own. Overriding any of
    these fields is how a test asks for a pair."""
    digest = hashlib.sha256(repr(key).encode()).digest()
    born = date(1975, 1, 1) + timedelta(days=int.from_bytes(digest[30:32], "big") % 8800)
    return {
        "cin": chr(65 + digest[28] % 26) + chr(65 + digest[29] % 26)
        + f"{int.from_bytes(digest[24:28], 'big') % 1_000_000:06d}",
        "last_name_lat": "".join(chr(97 + b % 26) for b in digest[:12]).capitalize(),
        "last_name_ar": "".join(_ARABIC_LETTERS[b % len(_ARABIC_LETTERS)]
                                for b in digest[12:24]),
        "date_of_birth": born.isoformat(),
    }


@pytest.fixture(autouse=True)
def _cheaper_scrypt_in_process(monkeypatch, request):
    """In-process stores wrap their key at the cheapest cost a keyring may hold (2**15, what
    older releases wrote) to keep hundreds of unlocks affordable on a shared machine; the
    CLI's subprocesses and tests marked `real_scrypt` use the shipped 2**17."""
    if request.node.get_closest_marker("real_scrypt") is None:
        from jisr_desktop.models.store import keyring

        monkeypatch.setattr(keyring, "SCRYPT_N", 2**15)


@pytest.fixture
def submission() -> dict[str, Any]:
    return make_submission()


@pytest.fixture(scope="session")
def definitions():
    from jisr_desktop.models.programme.definitions import load_directory

    return load_directory()


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def store(store_dir: Path, definitions):
    from jisr_desktop.models.store.database import Store
    from jisr_desktop.models.store.repository import Repository

    s = Store.create(store_dir, AGENT, PASSPHRASE, role="admin", province_code="07.351")
    Repository(s).install_definitions(definitions.all())
    yield s
    s.close()


@pytest.fixture
def repo(store):
    from jisr_desktop.models.store.repository import Repository

    return Repository(store)
