"""Duplicate candidates from CIN, phone and similar names with the same date of birth."""

from __future__ import annotations

from jisr_desktop.models.programme.duplicates import DuplicateMatch, Person, find_duplicates

DOB = "1985-03-14"


def person(record_id: str | None = None, *, cin: str = "", phone: str = "", dob: str = "",
           names: tuple[str, ...] = ()) -> Person:
    return Person(record_id=record_id, cin=cin, phone=phone, date_of_birth=dob, names=names)


CANDIDATE = person(cin="ee 123456", phone="06 12 34 56 78", dob=DOB,
                   names=("فاطمة الزهراء بناني", "Fatima-Zahra Bennani"))


def reasons(candidate: Person, *existing: Person) -> dict[str, tuple[str, ...]]:
    return {m.record_id: m.reasons for m in find_duplicates(candidate, existing)}


def test_same_cin_despite_case_and_spaces() -> None:
    assert reasons(CANDIDATE, person("r1", cin="EE-123456")) == {"r1": ("same_cin",)}
    assert reasons(CANDIDATE, person("r1", cin="ＥＥ123456")) == {"r1": ("same_cin",)}
    assert reasons(CANDIDATE, person("r1", cin="EE123457")) == {}


def test_empty_cin_never_matches() -> None:
    assert reasons(person(cin=" "), person("r1", cin=""), person("r2", cin="  ")) == {}


def test_same_phone_written_two_ways() -> None:
    assert reasons(CANDIDATE, person("r1", phone="+212612345678")) == {"r1": ("same_phone",)}
    assert reasons(CANDIDATE, person("r1", phone="00212 6 12 34 56 78")) == {"r1": ("same_phone",)}
    assert reasons(CANDIDATE, person("r1", phone="0612345679")) == {}


def test_invalid_or_empty_phone_never_matches() -> None:
    assert reasons(person(phone="0112345678"), person("r1", phone="0112345678")) == {}
    assert reasons(person(phone=""), person("r1", phone="")) == {}
    assert reasons(person(phone="12"), person("r1", phone="12")) == {}


def test_swapped_latin_name_same_dob() -> None:
    found = find_duplicates(CANDIDATE, [person("r1", dob=DOB, names=("BENNANI Fatima Zahra",))])
    assert found == [DuplicateMatch("r1", ("similar_name_same_dob",), 100.0)]


def test_same_name_other_dob_is_no_match() -> None:
    assert reasons(CANDIDATE, person("r1", dob="1985-03-15", names=("BENNANI Fatima Zahra",))) == {}
    assert reasons(person(names=("Fatima Bennani",)), person("r1", names=("Fatima Bennani",))) == {}


def test_arabic_hamza_and_ta_marbuta_variants() -> None:
    candidate = person(dob=DOB, names=("أمينة العلوي",))
    assert reasons(candidate, person("r1", dob=DOB, names=("امينه العلوى",))) == {
        "r1": ("similar_name_same_dob",)}
    assert reasons(CANDIDATE, person("r2", dob=DOB, names=("فاطمه الزَّهراء بنانى",))) == {
        "r2": ("similar_name_same_dob",)}


def test_small_typo_still_matches() -> None:
    found = find_duplicates(CANDIDATE, [person("r1", dob=DOB, names=("Fatima Zahra Benani",))])
    assert [m.reasons for m in found] == [("similar_name_same_dob",)]
    assert 88 <= found[0].name_similarity < 100


def test_clearly_different_name_same_dob() -> None:
    assert reasons(CANDIDATE, person("r1", dob=DOB, names=("Khadija Alaoui", "خديجة العلوي"))) == {}


def test_names_only_compared_within_one_script() -> None:
    # The Arabic name of one record and the Latin name of the other are never paired.
    found = find_duplicates(person(cin="AB1", dob=DOB, names=("فاطمة بناني",)),
                            [person("r1", cin="AB1", dob=DOB, names=("Fatima Bennani",))])
    assert found == [DuplicateMatch("r1", ("same_cin",), 0.0)]


def test_own_record_skipped() -> None:
    own = person("r1", cin="EE123456", phone="0612345678", dob=DOB, names=("Fatima Bennani",))
    edited = person("r1", cin="EE123456", phone="0612345678", dob=DOB, names=("Fatima Bennani",))
    assert find_duplicates(edited, [own]) == []
    assert reasons(edited, own, person("r2", cin="ee123456")) == {"r2": ("same_cin",)}


def test_existing_without_id_skipped() -> None:
    assert find_duplicates(CANDIDATE, [person(None, cin="EE123456")]) == []


def test_order_most_reasons_then_similarity() -> None:
    existing = [
        person("cin_only", cin="EE123456"),
        person("name_only", dob=DOB, names=("Fatima Zahra Benani",)),
        person("all_three", cin="EE 123456", phone="+212612345678", dob=DOB,
               names=("Bennani Fatima-Zahra",)),
        person("name_exact", dob=DOB, names=("Fatima Zahra Bennani",)),
        person("cin_and_phone", cin="ee123456", phone="0612345678", names=("Nadia X",)),
    ]
    found = find_duplicates(CANDIDATE, existing)
    assert [m.record_id for m in found] == [
        "all_three", "cin_and_phone", "name_exact", "name_only", "cin_only"]
    assert found[0].reasons == ("same_cin", "same_phone", "similar_name_same_dob")
    assert all(0.0 <= m.name_similarity <= 100.0 for m in found)


def test_threshold_is_a_parameter() -> None:
    typo = person("r1", dob=DOB, names=("Fatima Zahra Benani",))
    assert find_duplicates(CANDIDATE, [typo], name_threshold=99.5) == []


def test_accepts_any_iterable() -> None:
    found = find_duplicates(CANDIDATE, (p for p in [person("r1", cin="EE123456")]))
    assert [m.record_id for m in found] == ["r1"]
