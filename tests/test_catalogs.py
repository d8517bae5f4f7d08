"""The gettext catalogs keep up with the code.

The msgids are extracted fresh from `jisr_desktop/` with Babel's extraction API (the same
`extract()` that `scripts/update_catalogs.py` writes the .pot from), so a string added to the
code without a translation fails here, not in front of an Arabic- or French-speaking agent.
Fix a failure with `.venv/bin/python scripts/update_catalogs.py`, then translate the new
entries in `translations/{ar,fr,zgh}/LC_MESSAGES/jisr.po` (see translations/TODO-zgh.md for
Tamazight).
"""

from __future__ import annotations

import gettext
import importlib.util
import re
import string
import sys
from collections import Counter
from functools import cache
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
TODO_ZGH = TRANSLATIONS / "TODO-zgh.md"
TIFINAGH = re.compile(r"[\u2D30-\u2D7F]")
PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
# CLDR's Arabic plural categories, in gettext's index order, with counts that belong to each.
ARABIC_FORMS = {
    0: (0,),  # zero
    1: (1,),  # one
    2: (2,),  # two
    3: (3, 7, 10, 103, 110, 1005),  # few: n % 100 in 3..10
    4: (11, 26, 99, 111, 1099),  # many: n % 100 in 11..99
    5: (100, 101, 102, 200, 1000),  # other
}


def _load_script():
    path = ROOT / "scripts" / "update_catalogs.py"
    spec = importlib.util.spec_from_file_location("update_catalogs", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


update_catalogs = _load_script()


@cache
def code_messages() -> tuple[Message, ...]:
    return tuple(m for m in update_catalogs.extract() if m.id)


@cache
def catalog(lang: str) -> Catalog:
    with update_catalogs.po_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang, domain=update_catalogs.DOMAIN)


def _key(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _label(message: Message) -> str:
    return repr(message.id if isinstance(message.id, str) else tuple(message.id))


def placeholders(text: str) -> Counter[str]:
    """`{name}` fields and `%(name)s` / `%s` conversions, with how often each occurs."""
    found: Counter[str] = Counter()
    try:
        for _literal, field, _spec, _conversion in string.Formatter().parse(text):
            if field is not None:
                found["{" + field + "}"] += 1
    except ValueError:
        found["<unbalanced braces>"] += 1
    for match in PERCENT.finditer(text):
        if match.group(0) != "%%":
            found[match.group(0)] += 1
    return found


def todo_cell(text: str) -> str:
    """How a msgid is written in a Markdown table cell of TODO-zgh.md."""
    return text.replace("|", "\\|").replace("\n", "\\n")


def _forms(message: Message) -> tuple[str, ...]:
    return (message.string,) if isinstance(message.string, str) else tuple(message.string)


def _plural_function(cat: Catalog):
    return gettext.c2py(cat.plural_expr)


def _translated(message: Message | None) -> bool:
    return (
        message is not None
        and not message.fuzzy
        and all(form.strip() for form in _forms(message))
    )


def test_every_ngettext_call_can_be_extracted():
    """`ngettext(A, B, n)` with A and B not literals must name module-level N_() constants."""
    unresolved = [
        f"{c.path.relative_to(ROOT)}:{c.lineno}" for c in update_catalogs.plural_calls()
        if not c.pairs
    ]
    assert not unresolved, f"ngettext() msgids Babel cannot see: {unresolved}"


def test_template_is_up_to_date():
    with update_catalogs.TEMPLATE.open("rb") as fh:
        template = read_po(fh)
    missing = [_label(m) for m in code_messages() if m.id not in template
               or template[_key(m)].pluralizable != m.pluralizable]
    assert not missing, (
        f"{len(missing)} msgids of the code are not in jisr.pot: run "
        f"scripts/update_catalogs.py. {missing}"
    )


@pytest.mark.parametrize("lang", ["ar", "fr", "zgh"])
def test_every_msgid_is_translated(lang):
    cat = catalog(lang)
    problems = []
    for message in code_messages():
        entry = cat.get(_key(message))
        if entry is None or entry.pluralizable != message.pluralizable:
            problems.append(f"not in the catalog (run scripts/update_catalogs.py): "
                            f"{_label(message)}")
        elif not _translated(entry):
            problems.append(f"untranslated or fuzzy: {_label(message)}")
    assert not problems, f"{lang}: {len(problems)} problems:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", ["ar", "fr", "zgh"])
def test_placeholders_are_kept(lang):
    """Same placeholders, same number of times; a plural form for a single count (Arabic
    zero, one, two; French 0 and 1) may spell the number out instead of using `{n}`."""
    cat = catalog(lang)
    plural = _plural_function(cat)
    problems = []
    for message in code_messages():
        entry = cat.get(_key(message))
        if entry is None or not _translated(entry):
            continue  # reported by test_every_msgid_is_translated
        if not entry.pluralizable:
            expected = placeholders(entry.id)
            if placeholders(entry.string) != expected:
                problems.append(f"{_label(message)} -> {entry.string!r}")
            continue
        singular, plural_id = placeholders(entry.id[0]), placeholders(entry.id[1])
        allowed = singular | plural_id
        for index, form in enumerate(entry.string):
            got = placeholders(form)
            counts = {n for n in range(0, 1200) if plural(n) == index}
            several = len({n for n in counts if n >= 2}) > 1
            if (got - allowed) or (several and got != plural_id):
                problems.append(f"{_label(message)} msgstr[{index}] -> {form!r}")
    assert not problems, f"{lang}: placeholders differ:\n" + "\n".join(problems)


def test_arabic_plural_forms_header_follows_cldr():
    """zero, one, two, few (3-10), many (11-99), other: the order the msgstr[i] are written in.

    Babel before 2.19 wrote a rule with `many` and `other` swapped (python-babel#816), which
    shows "11 تسجيل" instead of "11 تسجيلا"; `pybabel update` keeps an old header as it is.
    """
    cat = catalog("ar")
    assert cat.num_plurals == 6
    plural = _plural_function(cat)
    wrong = {n: plural(n) for index, ns in ARABIC_FORMS.items() for n in ns if plural(n) != index}
    assert not wrong, f"ar Plural-Forms picks the wrong form for {wrong}: {cat.plural_forms}"


def test_arabic_plural_entries_have_six_forms():
    cat = catalog("ar")
    problems = [
        _label(m) for m in cat
        if m.id and m.pluralizable and (len(m.string) != 6 or not all(f.strip() for f in m.string))
    ]
    assert not problems, f"Arabic plural entries without all 6 forms: {problems}"


def test_arabic_plurals_reach_gettext():
    """The compiled catalog gives each count its form, for every plural msgid of the code."""
    cat = catalog("ar")
    buf = BytesIO()
    write_mo(buf, cat)
    buf.seek(0)
    translations = gettext.GNUTranslations(buf)
    problems = []
    for message in code_messages():
        entry = cat.get(_key(message))
        if not message.pluralizable or not _translated(entry):
            continue
        for index, counts in ARABIC_FORMS.items():
            for n in counts:
                got = translations.ngettext(entry.id[0], entry.id[1], n)
                if got != entry.string[index]:
                    problems.append(f"{_label(message)} n={n}: {got!r}")
    assert not problems, "\n".join(problems)


def test_zgh_french_fallbacks_are_listed_in_todo():
    """A zgh msgstr that is not Tifinagh is a French stand-in and must be on TODO-zgh.md,
    unless the text is the same in every language (a shortcut such as Ctrl+S)."""
    todo = TODO_ZGH.read_text(encoding="utf-8")
    ar, fr, zgh = catalog("ar"), catalog("fr"), catalog("zgh")
    unlisted = []
    for message in code_messages():
        entry = zgh.get(_key(message))
        if not _translated(entry) or any(TIFINAGH.search(f) for f in _forms(entry)):
            continue
        others = {_forms(c[_key(message)]) for c in (ar, fr) if c.get(_key(message))}
        if len({_forms(entry)[:1], *(o[:1] for o in others)}) == 1:
            continue
        if f"| {todo_cell(_key(message))} |" not in todo:
            unlisted.append(_label(message))
    assert not unlisted, "zgh entries in French but not on TODO-zgh.md:\n" + "\n".join(unlisted)
