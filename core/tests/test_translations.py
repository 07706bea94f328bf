"""The message catalogs in locale/ are the source of the translations: complete, consistent, current.

Chinese is the source language: the msgids are Chinese, the zh_Hans catalog keeps every msgstr
empty and the en catalog holds the English, edited by hand (docs/translating.md). Each rule is
first shown to catch a broken catalog, then asserted of the real ones; a failure names the
messages at fault.
"""

from __future__ import annotations

import fnmatch
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
ENGLISH = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
CHINESE = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"
# makemessages' --ignore list, as docs/translating.md gives it: strings only tests use stay out.
IGNORED = (".venv", "var", "test-artifacts", "benchmarks", "tests")
# What makemessages reads for the django domain (its default extensions), and what it always skips.
EXTRACTED_SUFFIXES = (".py", ".html", ".txt")
ALWAYS_IGNORED = (".*", "*~", "*.pyc", "CVS", "__pycache__", "locale")
GETTEXT_TOOLS = ("xgettext", "msguniq")
# A printf-style conversion (%s, %d, %(name)s; %% is a literal percent sign) or a {name} field.
_PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[a-zA-Z%]|\{[^{}]*\}")

Key = tuple[str | None, str]


# ---------- the rules ----------


def messages(catalog: polib.POFile) -> dict[Key, polib.POEntry]:
    """The live entries of a catalog by (context, msgid)."""
    return {(entry.msgctxt, entry.msgid): entry for entry in catalog if not entry.obsolete}


def describe(key: Key, entry: polib.POEntry | None = None) -> str:
    """A message as a failure names it: the msgid, its context, and where the code uses it."""
    context, msgid = key
    text = repr(msgid) + (f" [context {context!r}]" if context is not None else "")
    if entry is not None and entry.occurrences:
        text += " (" + ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:3]) + ")"
    return text


def translations(entry: polib.POEntry) -> list[tuple[str, str]]:
    """Each msgstr of an entry with the source text it translates (msgid_plural for plural forms)."""
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)]
    return [
        (entry.msgid if index == 0 else entry.msgid_plural, text)
        for index, text in sorted(entry.msgstr_plural.items())
    ]


def placeholders(text: str) -> tuple[list[str], list[str]]:
    """Named placeholders (sorted: a translation may reorder them) and positional ones (in order)."""
    found = [match[0] for match in _PLACEHOLDER.finditer(text) if match[0] != "%%"]
    named = sorted(token for token in found if token.startswith("{") or token.startswith("%("))
    return named, [token for token in found if not (token.startswith("{") or token.startswith("%("))]


def untranslated(catalog: polib.POFile) -> list[str]:
    return [
        describe(key, entry) for key, entry in messages(catalog).items()
        if not all(text for _, text in translations(entry))
    ]


def fuzzy(catalog: polib.POFile) -> list[str]:
    return [describe(key, entry) for key, entry in messages(catalog).items() if "fuzzy" in entry.flags]


def changed_placeholders(catalog: polib.POFile) -> list[str]:
    return [
        f"{describe(key, entry)} -> {text!r}"
        for key, entry in messages(catalog).items()
        for source, text in translations(entry)
        if text and placeholders(text) != placeholders(source)
    ]


def translated(catalog: polib.POFile) -> list[str]:
    return [
        f"{describe(key, entry)} -> {text!r}"
        for key, entry in messages(catalog).items()
        for _, text in translations(entry)
        if text
    ]


def only_in(catalog: polib.POFile, other: polib.POFile) -> list[str]:
    """The messages of ``catalog`` that ``other`` lacks (a plural entry must be plural in both)."""
    theirs = {key: entry.msgid_plural for key, entry in messages(other).items()}
    return [
        describe(key, entry) for key, entry in messages(catalog).items()
        if key not in theirs or theirs[key] != entry.msgid_plural
    ]


def catalog(body: str, language: str = "en") -> polib.POFile:
    """A small catalog in the layout of locale/<language>/LC_MESSAGES/django.po."""
    plural_forms = "nplurals=2; plural=(n != 1);" if language == "en" else "nplurals=1; plural=0;"
    header = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        f'"Language: {language}\\n"\n"Plural-Forms: {plural_forms}\\n"\n\n'
    )
    return polib.pofile(header + body)


# ---------- the rules catch broken catalogs ----------


def test_it_names_an_english_message_without_english():
    broken = catalog("""\
#: areas/views.py:12
msgid "网格"
msgstr ""

msgctxt "plural"
msgid "区域"
msgstr "Areas"

msgid "%(n)s 人"
msgid_plural "%(n)s 人"
msgstr[0] "%(n)s member"
msgstr[1] ""
""")
    assert untranslated(broken) == ["'网格' (areas/views.py:12)", "'%(n)s 人'"]


def test_it_names_a_fuzzy_english_message():
    broken = catalog('#, fuzzy\nmsgctxt "plural"\nmsgid "区域"\nmsgstr "Area"\n\nmsgid "网格"\nmsgstr "Grid"\n')
    assert fuzzy(broken) == ["'区域' [context 'plural']"]


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ('msgid "%(name)s的网格"\nmsgstr "Grid of %(who)s"', "'%(name)s的网格' -> 'Grid of %(who)s'"),
        ('msgid "%s的网格"\nmsgstr "Grid"', "'%s的网格' -> 'Grid'"),
        ('msgid "共%d个，第%s页"\nmsgstr "page %s of %d"', "'共%d个，第%s页' -> 'page %s of %d'"),
        ('msgid "{name}的网格"\nmsgstr "Grid of {area}"', "'{name}的网格' -> 'Grid of {area}'"),
        ('msgid "网格"\nmsgstr "Grid %(n)s"', "'网格' -> 'Grid %(n)s'"),
        (
            'msgid "%(n)s 人"\nmsgid_plural "%(n)s 人"\nmsgstr[0] "one member"\nmsgstr[1] "%(n)s members"',
            "'%(n)s 人' -> 'one member'",
        ),
        (
            'msgid "%(n)s 人"\nmsgid_plural "%(n)s 人"\nmsgstr[0] "%(n)s member"\nmsgstr[1] "%(count)s members"',
            "'%(n)s 人' -> '%(count)s members'",
        ),
    ],
)
def test_it_names_an_english_message_whose_placeholders_differ_from_the_source(entry, problem):
    assert changed_placeholders(catalog(entry)) == [problem]


def test_it_accepts_reordered_named_placeholders_and_literal_percent_signs():
    fine = catalog("""\
msgid "%(street)s%(grid)s：办结率%(rate)s%%"
msgstr "%(grid)s, %(street)s: %(rate)s%% closed"

msgid "%(n)s<small>个</small>"
msgid_plural "%(n)s<small>个</small>"
msgstr[0] "%(n)s"
msgstr[1] "%(n)s"
""")
    assert changed_placeholders(fine) == []


def test_it_names_the_messages_one_catalog_has_and_the_other_lacks():
    english = catalog("""\
msgid "网格"
msgstr "Grid"

msgctxt "plural"
msgid "区域"
msgstr "Areas"

msgid "%(n)s 人"
msgid_plural "%(n)s 人"
msgstr[0] "%(n)s member"
msgstr[1] "%(n)s members"
""")
    chinese = catalog("""\
msgid "网格"
msgstr ""

msgid "区域"
msgstr ""

msgid "%(n)s 人"
msgstr ""
""", language="zh_Hans")
    assert only_in(english, chinese) == ["'区域' [context 'plural']", "'%(n)s 人'"]
    assert only_in(chinese, english) == ["'区域'", "'%(n)s 人'"]


def test_it_names_a_translation_in_the_chinese_catalog():
    chinese = catalog('msgid "网格"\nmsgstr "格子"\n\nmsgid "区域"\nmsgstr ""\n', language="zh_Hans")
    assert translated(chinese) == ["'网格' -> '格子'"]


# ---------- the real catalogs ----------


@pytest.fixture(scope="module")
def english() -> polib.POFile:
    return polib.pofile(str(ENGLISH))


@pytest.fixture(scope="module")
def chinese() -> polib.POFile:
    return polib.pofile(str(CHINESE))


def test_it_has_english_for_every_message(english):
    assert len(messages(english)) > 1000
    assert untranslated(english) == []


def test_it_has_no_fuzzy_english(english):
    assert fuzzy(english) == []


def test_it_keeps_the_placeholders_of_every_message_in_english(english):
    assert changed_placeholders(english) == []


def test_it_has_the_same_messages_in_the_english_and_the_chinese_catalog(english, chinese):
    assert only_in(english, chinese) == [], "in the English catalog only"
    assert only_in(chinese, english) == [], "in the zh_Hans catalog only"


def test_it_keeps_every_msgstr_of_the_chinese_catalog_empty(chinese):
    """gettext shows the msgid (the Chinese source text) when the msgstr is empty."""
    assert translated(chinese) == []


# ---------- the catalogs are current ----------


def copy_sources(source: Path, target: Path) -> None:
    """The files makemessages reads (.py, .html, .txt), outside the folders it ignores."""

    def skipped(folder: str, names: Iterable[str]) -> set[str]:
        return {
            name for name in names
            if any(fnmatch.fnmatchcase(name, pattern) for pattern in (*IGNORED, *ALWAYS_IGNORED))
            or (not (Path(folder) / name).is_dir() and not name.endswith(EXTRACTED_SUFFIXES))
        }

    shutil.copytree(source, target, ignore=skipped)


def extract_messages(workdir: Path, settings, monkeypatch) -> polib.POFile:
    """Run makemessages on a copy of the code and templates; returns the template (.pot) it built.

    The copy keeps makemessages from writing anything into the repository (it writes each
    template's preprocessed ``.html.py`` next to it, and the catalogs into LOCALE_PATHS).
    """
    sources = workdir / "sources"
    copy_sources(Path(settings.BASE_DIR), sources)
    (sources / "locale").mkdir()
    settings.LOCALE_PATHS = [str(sources / "locale")]
    monkeypatch.chdir(sources)
    # --all with no language folders: only the template is built, kept with --keep-pot.
    call_command("makemessages", all=True, keep_pot=True, ignore_patterns=list(IGNORED), verbosity=0)
    return polib.pofile(str(sources / "locale" / "django.pot"))


def catalog_files() -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in LOCALE_DIR.rglob("*.po*")}


@pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in GETTEXT_TOOLS),
    reason="GNU gettext (xgettext, msguniq) is not installed, so the messages of the code cannot be "
    "extracted; install it (apt-get install gettext) to check that the catalogs are current",
)
def test_it_has_every_message_of_the_code_and_templates_in_the_english_catalog(
    english, tmp_path, settings, monkeypatch
):
    before = catalog_files()
    extracted = messages(extract_messages(tmp_path, settings, monkeypatch))
    known = messages(english)

    assert len(extracted) > 1000
    missing = [describe(key, entry) for key, entry in extracted.items() if key not in known]
    assert missing == [], "not in locale/en/LC_MESSAGES/django.po: run makemessages (docs/translating.md)"
    assert catalog_files() == before
