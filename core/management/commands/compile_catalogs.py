"""Compile gettext message catalogs (``.po`` -> ``.mo``) with polib.

Django's own ``compilemessages`` shells out to GNU gettext's ``msgfmt``, which a fresh machine
may lack. This command needs only the ``polib`` package. Like ``msgfmt --check-format`` it
leaves out fuzzy and untranslated entries and refuses a catalog whose translations change the
``%(name)s`` placeholders of their source string, because such a translation would crash the
page that shows it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

# A printf-style conversion such as %s, %d, %(name)s or %(count)d; %% is a literal percent sign.
_CONVERSION = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?P<type>[a-zA-Z%])")


class CatalogError(Exception):
    """A catalog that cannot be compiled; the message names the file and the entries."""


def find_catalogs(locale_dirs: Iterable[Path]) -> list[Path]:
    """Every ``<language>/LC_MESSAGES/*.po`` under the given locale directories, sorted."""
    found: set[Path] = set()
    for locale_dir in locale_dirs:
        if locale_dir.is_dir():
            found.update(locale_dir.glob("*/LC_MESSAGES/*.po"))
    return sorted(found)


def placeholders(text: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """The named placeholders of a format string and the types of its positional ones."""
    named: set[str] = set()
    positional: list[str] = []
    for match in _CONVERSION.finditer(text):
        if match["type"] == "%":
            continue
        if match["name"] is not None:
            named.add(match["name"])
        else:
            positional.append(match["type"])
    return frozenset(named), tuple(positional)


def format_problems(entry: polib.POEntry) -> list[str]:
    """Why a translated python-format entry would break at run time (empty when it is fine)."""
    if "python-format" not in entry.flags:
        return []
    source_named, source_positional = placeholders(entry.msgid)
    if not entry.msgid_plural:
        if placeholders(entry.msgstr) != (source_named, source_positional):
            return [f"msgid {entry.msgid!r}: the translation {entry.msgstr!r} changes its placeholders"]
        return []
    # A plural form may leave out the count ("one item"), but must not invent placeholders.
    allowed = source_named | placeholders(entry.msgid_plural)[0]
    return [
        f"msgid {entry.msgid!r}: plural form {index} {text!r} uses placeholders the source lacks"
        for index, text in sorted(entry.msgstr_plural.items())
        if text and not placeholders(text)[0] <= allowed
    ]


def compile_catalog(po_path: Path) -> tuple[Path, int]:
    """Write the ``.mo`` next to ``po_path``; returns its path and how many messages it holds.

    The file is written under a temporary name and then renamed, so a running server never
    reads a half-written catalog.
    """
    try:
        catalog = polib.pofile(str(po_path), check_for_duplicates=True)
    except (OSError, ValueError) as error:
        raise CatalogError(f"{po_path}: cannot read the catalog: {error}") from error
    entries = catalog.translated_entries()
    problems = [problem for entry in entries for problem in format_problems(entry)]
    if problems:
        raise CatalogError(f"{po_path}: refused, placeholders do not match:\n  " + "\n  ".join(problems))
    mo_path = po_path.with_suffix(".mo")
    partial = mo_path.with_name(f".{mo_path.name}.partial")
    catalog.save_as_mofile(str(partial))
    os.replace(partial, mo_path)
    return mo_path, len(entries)


class Command(BaseCommand):
    help = "Compile message catalogs (.po -> .mo) with polib; GNU gettext is not needed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "locale_dirs", nargs="*", type=Path,
            help="Directories holding <language>/LC_MESSAGES/*.po (default: settings.LOCALE_PATHS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        locale_dirs: list[Path] = options["locale_dirs"] or [Path(path) for path in settings.LOCALE_PATHS]
        catalogs = find_catalogs(locale_dirs)
        if not catalogs:
            self.stdout.write("No message catalogs (.po) found; nothing to compile.")
            return
        for po_path in catalogs:
            try:
                mo_path, count = compile_catalog(po_path)
            except CatalogError as error:
                raise CommandError(str(error)) from error
            if options["verbosity"] >= 1:
                self.stdout.write(f"Compiled {count} messages: {mo_path}")
