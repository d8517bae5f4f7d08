"""Extract the UI strings into translations/jisr.pot and merge them into the ar, fr and zgh
catalogs (what `pybabel extract` + `pybabel update` do, through Babel's Python API). Run after
adding or changing a translatable string:

    .venv/bin/python scripts/update_catalogs.py          # rewrite the .pot and the .po files
    .venv/bin/python scripts/update_catalogs.py --check  # exit 1 if they are out of date

New and changed msgids arrive untranslated (or fuzzy, with a guess from a similar msgid):
translate them, then `pybabel compile -d translations -D jisr`. `tests/test_catalogs.py`
extracts with `extract()` below and fails on any msgid without an Arabic or French translation.

Plural pairs marked with two `N_()` constants and passed to `ngettext()` by name (as in
`ngettext(MISSING, MISSING_PLURAL, n)` or `ngettext(msgid, PLURALS[msgid], n)`) are invisible
to Babel, which sees two unrelated singular msgids; `plural_pairs()` finds them in the source
and `extract()` turns each pair into one plural entry, so gettext's `ngettext` finds it.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "jisr_desktop"
TRANSLATIONS = ROOT / "translations"
TEMPLATE = TRANSLATIONS / "jisr.pot"
DOMAIN = "jisr"
LANGUAGES = ("ar", "fr", "zgh")
PROJECT = "Jisr Desktop"
# The marker functions of jisr_desktop/i18n.py, and only those: `_(msgid, lang)`,
# `N_(msgid)`, `ngettext(singular, plural, n, lang)`.
KEYWORDS: dict[str, tuple[int, ...] | None] = {"_": None, "N_": None, "ngettext": (1, 2)}
COMMENT_TAGS = ("TRANSLATORS:",)


def po_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@dataclass(frozen=True)
class PluralCall:
    """An `ngettext()` call whose msgids are not string literals, resolved where possible."""

    path: Path
    lineno: int
    pairs: tuple[tuple[str, str], ...]  # empty when the arguments could not be resolved


def _marked(node: ast.AST | None) -> str | None:
    """The msgid of `N_("...")` or of a plain string literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in KEYWORDS
        and node.args
    ):
        return _marked(node.args[0])
    return None


def _resolve(node: ast.AST, constants: dict[str, str]) -> str | None:
    """The msgid of a literal, an `N_()` call, or a name bound to one at module level."""
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return _marked(node)


def _is_ngettext(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id == "ngettext"
    return (  # i18n.ngettext(...), not some_translations_object.ngettext(...)
        isinstance(func, ast.Attribute)
        and func.attr == "ngettext"
        and isinstance(func.value, ast.Name)
        and func.value.id == "i18n"
    )


def plural_calls(source: Path = SOURCE) -> Iterator[PluralCall]:
    """Every `ngettext()` call in `source` whose singular or plural is not a literal."""
    for path in sorted(source.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        constants: dict[str, str] = {}  # NAME = N_("...")
        tables: dict[str, list[tuple[ast.AST, str]]] = {}  # NAME = {KEY: N_("..."), ...}
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target, value = stmt.targets[0], stmt.value
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                target, value = stmt.target, stmt.value
            else:
                continue
            if not isinstance(target, ast.Name):
                continue
            if (msgid := _marked(value)) is not None:
                constants[target.id] = msgid
            elif isinstance(value, ast.Dict):
                tables[target.id] = [
                    (key, msgid)
                    for key, item in zip(value.keys, value.values, strict=True)
                    if key is not None and (msgid := _marked(item)) is not None
                ]

        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _is_ngettext(node) and len(node.args) >= 2):
                continue
            singular_node, plural_node = node.args[0], node.args[1]
            if _marked(singular_node) is not None and _marked(plural_node) is not None:
                continue  # two literals: Babel extracts the pair itself
            pairs: list[tuple[str, str]] = []
            singular, plural = _resolve(singular_node, constants), _resolve(plural_node, constants)
            if singular is not None and plural is not None:
                pairs.append((singular, plural))
            elif (
                isinstance(plural_node, ast.Subscript)
                and isinstance(plural_node.value, ast.Name)
                and plural_node.value.id in tables
            ):
                # ngettext(msgid, PLURALS[msgid], n): every row of the table is a pair.
                for key, plural_msgid in tables[plural_node.value.id]:
                    key_msgid = _resolve(key, constants)
                    if key_msgid is None:
                        pairs.clear()
                        break
                    pairs.append((key_msgid, plural_msgid))
            yield PluralCall(path, node.lineno, tuple(pairs))


def plural_pairs(source: Path = SOURCE) -> set[tuple[str, str]]:
    return {pair for call in plural_calls(source) for pair in call.pairs}


def extract(source: Path = SOURCE) -> Catalog:
    """The template catalog: every msgid marked in `source`, plural pairs merged."""
    catalog = Catalog(project=PROJECT, charset="utf-8", fuzzy=True)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(source),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    ):
        location = (f"{source.name}/{Path(filename).as_posix()}", lineno)
        catalog.add(message, None, [location], auto_comments=comments, context=context)
    calls: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for call in plural_calls(source):
        where = (call.path.relative_to(source.parent).as_posix(), call.lineno)
        for pair in call.pairs:
            calls.setdefault(pair, []).append(where)
    for (singular, plural), where in sorted(calls.items()):
        locations: list[tuple[str, int]] = list(where)
        comments: list[str] = []
        for msgid in (singular, plural):
            if msgid in catalog:
                message = catalog[msgid]
                if message.pluralizable:
                    continue
                locations.extend(message.locations)
                comments.extend(message.auto_comments)
                del catalog[msgid]
        if singular in catalog:  # already a plural entry from a literal ngettext() call
            continue
        catalog.add((singular, plural), None, locations, auto_comments=comments)
    return catalog


def _write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as fh:
        write_po(fh, catalog, no_location=True, sort_output=True)
    tmp.replace(path)


def _read(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN if lang else None)


def merged(template: Catalog, lang: str) -> Catalog:
    """The `lang` catalog updated to `template` (a new one when there is none yet)."""
    path = po_path(lang)
    if path.exists():
        catalog = _read(path, lang)
    else:  # what `pybabel init` does
        catalog = Catalog(project=PROJECT, charset="utf-8", locale=Locale.parse(lang))
        catalog.revision_date = datetime.now(UTC)
    # A translator's "#. review: ..." note is an extracted comment to Babel, which
    # update() would replace with the source's comments: carry the notes over.
    notes = {m.id: list(m.auto_comments) for m in catalog if m.id}
    catalog.update(template)
    for message in catalog:
        kept = notes.get(message.id) or []
        message.auto_comments += [c for c in kept if c not in message.auto_comments]
    return catalog


def _ids(catalog: Catalog) -> set[object]:
    return {message.id for message in catalog if message.id}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only report whether the catalogs miss or carry stale msgids")
    args = parser.parse_args(argv)

    unresolved = [call for call in plural_calls() if not call.pairs]
    for call in unresolved:
        print(f"{call.path.relative_to(ROOT)}:{call.lineno}: ngettext() with msgids that are "
              "neither literals nor module-level N_() constants: not extracted as a plural",
              file=sys.stderr)

    template = extract()
    if args.check:
        stale = []
        if not TEMPLATE.exists() or _ids(_read(TEMPLATE)) != _ids(template):
            stale.append(TEMPLATE)
        for lang in LANGUAGES:
            path = po_path(lang)
            if not path.exists() or _ids(_read(path, lang)) != _ids(template):
                stale.append(path)
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)}", file=sys.stderr)
        return 1 if stale or unresolved else 0

    _write(template, TEMPLATE)
    for lang in LANGUAGES:
        _write(merged(template, lang), po_path(lang))
    return 0


if __name__ == "__main__":
    sys.exit(main())
