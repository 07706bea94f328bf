"""compile_catalogs: .po -> .mo with polib, read back by Python's gettext."""

import gettext
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

HEADER = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: en\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

"""


def write_catalog(locale_dir: Path, body: str, language: str = "en") -> Path:
    folder = locale_dir / language / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po_path = folder / "django.po"
    po_path.write_text(HEADER + body, encoding="utf-8")
    return po_path


def read_back(po_path: Path) -> gettext.GNUTranslations:
    with po_path.with_suffix(".mo").open("rb") as mo_file:
        return gettext.GNUTranslations(mo_file)


def test_it_compiles_a_catalog_that_gettext_reads_back(tmp_path, capsys):
    po_path = write_catalog(tmp_path, """\
msgid "网格"
msgstr "Grid"

#, python-format
msgid "%(level)s编码应为%(n)d位数字。"
msgstr "A %(level)s code has %(n)d digits."

msgid "%(count)d个网格"
msgid_plural "%(count)d个网格"
msgstr[0] "%(count)d grid"
msgstr[1] "%(count)d grids"
""")
    call_command("compile_catalogs", str(tmp_path))

    translations = read_back(po_path)
    assert translations.gettext("网格") == "Grid"
    assert translations.gettext("%(level)s编码应为%(n)d位数字。") % {"level": "Grid", "n": 15} == (
        "A Grid code has 15 digits."
    )
    assert translations.ngettext("%(count)d个网格", "%(count)d个网格", 3) == "%(count)d grids"
    assert "Compiled 3 messages" in capsys.readouterr().out


def test_it_leaves_out_fuzzy_and_untranslated_entries(tmp_path):
    po_path = write_catalog(tmp_path, """\
#, fuzzy
msgid "社区"
msgstr "Community?"

msgid "街道"
msgstr ""
""")
    call_command("compile_catalogs", str(tmp_path))

    translations = read_back(po_path)
    assert translations.gettext("社区") == "社区"
    assert translations.gettext("街道") == "街道"


def test_it_refuses_a_translation_that_renames_a_placeholder(tmp_path):
    po_path = write_catalog(tmp_path, """\
#, python-format
msgid "%(level)s编码应为%(n)d位数字。"
msgstr "A %(kind)s code has %(n)d digits."
""")
    with pytest.raises(CommandError, match="placeholders do not match"):
        call_command("compile_catalogs", str(tmp_path))
    assert not po_path.with_suffix(".mo").exists()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('msgid "网格"\nmsgstr "Grid"\nnot a keyword\n', "Syntax error"),
        ('msgid "网格"\nmsgstr "Grid"\n\nmsgid "网格"\nmsgstr "Cell"\n', "already exists"),
    ],
)
def test_it_names_the_file_of_a_broken_catalog(tmp_path, body, reason):
    po_path = write_catalog(tmp_path, body)
    with pytest.raises(CommandError, match=reason) as raised:
        call_command("compile_catalogs", str(tmp_path))
    assert str(raised.value).startswith(str(po_path))
    assert not po_path.with_suffix(".mo").exists()


def test_it_compiles_nothing_gracefully_without_catalogs(tmp_path, capsys):
    call_command("compile_catalogs", str(tmp_path), str(tmp_path / "missing"))
    assert "nothing to compile" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []


def test_it_compiles_the_catalogs_under_locale_paths_by_default(tmp_path, settings):
    settings.LOCALE_PATHS = [tmp_path]
    po_path = write_catalog(tmp_path, 'msgid "网格"\nmsgstr "Grid"\n', language="en")
    call_command("compile_catalogs", verbosity=0)
    assert read_back(po_path).gettext("网格") == "Grid"
