"""The passphrase policy refuses what an offline guesser tries first (issue 14, point 14)."""

from __future__ import annotations

import pytest

from jisr_desktop.models.programme.passphrase import MIN_LENGTH, PROBLEM_CODES, problems
from jisr_desktop.user_messages import PASSPHRASE_MESSAGES, passphrase_text


@pytest.mark.parametrize("weak", ["1", "x", "", "secret"])
def test_short_passphrases_are_refused(weak: str) -> None:
    assert problems(weak) == ["too_short"]


@pytest.mark.parametrize("weak", ["password1234", "aaaaaaaaaaaa", "qwertyuiop123", "azerty123456"])
def test_common_or_repetitive_passphrases_are_refused(weak: str) -> None:
    assert problems(weak) == ["too_weak"]


def test_the_agents_own_name_counts_against_her() -> None:
    assert problems("khadija2024!", user_inputs=["khadija"]) == ["too_weak"]


@pytest.mark.parametrize(
    "good",
    ["correct horse battery staple", "كلمة سر طويلة جدا", "ⵜⴰⵎⴰⵣⵉⵖⵜ ⵜⴰⴷⵔⴼⵜ 77", "Tr0ub4dor&3x"],
)
def test_long_uncommon_passphrases_in_any_script_pass(good: str) -> None:
    assert problems(good) == []


def test_a_pasted_megabyte_is_refused_without_feeding_it_to_the_estimator() -> None:
    assert problems("a" * 1_000_000) == ["too_long"]


def test_every_code_has_a_message_that_names_the_minimum() -> None:
    assert set(PROBLEM_CODES) == set(PASSPHRASE_MESSAGES)
    assert str(MIN_LENGTH) in passphrase_text("too_short")
