"""Place names in either spelling: the programme document writes فكيك, الناظور, أنكاد and
بن جرير where the HCP lists write فجيج, الناضور, أنجاد and ابن جرير."""

from __future__ import annotations

import pytest

from jisr_desktop.models.programme.place_names import find_places, matches, to_hcp
from jisr_desktop.models.programme.reference import load_reference


@pytest.fixture(scope="module")
def reference():
    return load_reference()


@pytest.mark.parametrize(("typed", "code"), [
    ("فكيك", "02.251"), ("فجيج", "02.251"), ("الناظور", "02.381"), ("الناضور", "02.381"),
    ("وجدة أنكاد", "02.411"), ("وجدة-أنجاد", "02.411"), ("Oujda", "02.411"),
])
def test_a_province_is_found_by_either_spelling(reference, typed, code):
    assert find_places(list(reference.provinces.values()), typed) == [code]


def test_a_commune_too_and_other_names_are_left_alone(reference):
    communes = reference.communes_of("07.427")
    assert find_places(communes, "بن جرير") == ["07.427.01.01"]
    assert to_hcp("ابن جرير") == "ابن جرير"  # already HCP: not "اابن جرير"
    assert not matches("فكيك", "الناضور")
