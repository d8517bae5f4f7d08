"""Shared fixtures: a real encrypted store in a temporary folder, the shipped definitions,
and a valid registration built on the form's field names."""

from __future__ import annotations

import os
from datetime import date
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
