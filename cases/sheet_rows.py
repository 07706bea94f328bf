"""The data rows of a ledger sheet, written as SpreadsheetML text and spliced into a workbook
that openpyxl wrote.

openpyxl builds an object per cell and serialises it through lxml: about 20 µs a cell, most of
an export's time. The rows of a ledger need few kinds of cell (texts, numbers, dates, yes/no
texts) with one style per column, so they are written here as the text openpyxl would write
for them (the same ``<c>`` elements: inline strings, the same serial numbers for dates), and
the workbook around them — titles, header, styles, widths, print setup, filter — is still
openpyxl's. ``splice`` puts the rows in the sheet's ``<sheetData>`` after the rows openpyxl
wrote.

Texts always stay text (no formulas, no error values); characters XML cannot hold are
dropped as openpyxl's ``ILLEGAL_CHARACTERS_RE`` says, and a text is cut at 32,767 characters
(Excel's limit), as openpyxl does.
"""

from __future__ import annotations

import datetime
import re
import shutil
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from io import SEEK_END
from typing import IO, Any
from zipfile import ZIP64_LIMIT, ZIP_DEFLATED, ZipFile

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

MAX_TEXT = 32_767  # characters in one cell (Excel's limit)
# A text with none of these (nearly every text) is written as it is: one search instead of a
# substitution and four replacements per value.
_NEEDS_CARE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f&<>\r]")
_SHEET_DATA_END = b"</sheetData>"
# zlib's level for the sheet: 3 is the best of deflate's fast family; zipfile's default (6) takes
# three times the CPU (0.3 s for the 20 k-case ledger) for a file about 15 % smaller.
SHEET_COMPRESSION = 3
_NOT_FINITE = ("nan", "inf", "-inf")  # written as an empty value, as openpyxl does

Progress = Callable[[int], None]


def escaped_text(value: str) -> str:
    """``value`` as the content of an XML text node (what lxml writes for it)."""
    if _NEEDS_CARE.search(value) is None and len(value) <= MAX_TEXT:
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_TEXT]
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


class RowWriter:
    """Writes rows of values as ``<row>`` elements, each cell with its column's style id.

    ``styles`` holds the style id of each column (0 for the default); ``dated`` says which of
    them have a date format. A date in any other column gets the style ``date_style(with_time)``
    returns (asked only when it happens), so it still reads as a date, as openpyxl does with
    its default formats.
    """

    def __init__(self, styles: Sequence[int], dated: Sequence[bool], date_style: Callable[[bool], int]) -> None:
        self.starts = [f'<c r="{get_column_letter(index)}' for index in range(1, len(styles) + 1)]
        self.styles = [f' s="{style}"' if style else "" for style in styles]
        # What follows the row number in a text cell, up to the text: the common case, prepared.
        self.texts = [f'"{style} t="inlineStr"><is><t>' for style in self.styles]
        self.dated = list(dated)
        self.date_style = date_style

    def row(self, number: int, values: Sequence[Any]) -> str:
        """The ``<row>`` element of row ``number`` (1-based) holding ``values``."""
        cells = [f'<row r="{number}">']
        for column, (start, text, value) in enumerate(zip(self.starts, self.texts, values, strict=True)):
            if type(value) is str and value and not value[0].isspace() and not value[-1].isspace() \
                    and len(value) <= MAX_TEXT and _NEEDS_CARE.search(value) is None:  # the common case: as it is
                cells.append(f"{start}{number}{text}{value}</t></is></c>")
            elif value is not None:
                cells.append(self.cell(f"{start}{number}", column, value))
        cells.append("</row>")
        return "".join(cells)

    def cell(self, reference: str, column: int, value: Any) -> str:
        """The ``<c>`` element of any value (for "", nothing: the cell stays empty)."""
        style = self.styles[column]
        if isinstance(value, str):
            if not value:
                return ""
            text = escaped_text(value)
            if not text:  # only characters XML cannot hold: an empty text cell, as openpyxl writes it
                return f'{reference}"{style} t="inlineStr"></c>'
            space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
            return f'{reference}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'
        if isinstance(value, datetime.date):
            if isinstance(value, datetime.datetime) and value.tzinfo is not None:
                raise TypeError("a ledger writes local wall-clock times: drop the time zone first")
            if not self.dated[column]:
                style = f' s="{self.date_style(isinstance(value, datetime.datetime))}"'
            return f'{reference}"{style} t="n"><v>{to_excel(value):.16g}</v></c>'
        if isinstance(value, bool):
            return f'{reference}"{style} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int | float | Decimal):
            number = "%.16g" % value  # noqa: UP031  # openpyxl's way: a Decimal as a float
            return f'{reference}"{style} t="n"><v>{"" if number in _NOT_FINITE else number}</v></c>'
        raise TypeError(f"cannot write {type(value).__name__} to a ledger: {value!r}")

    def write(self, out: IO[bytes], first_row: int, rows: Iterable[Sequence[Any]],
              progress: Progress | None = None, progress_every: int = 2000) -> int:
        """Write ``rows`` to ``out`` as UTF-8, numbered from ``first_row``; returns how many."""
        count, batch = 0, []
        for count, values in enumerate(rows, start=1):
            batch.append(self.row(first_row + count - 1, values))
            if count % progress_every == 0:
                out.write("".join(batch).encode())
                batch = []
                if progress is not None:
                    progress(count)
        out.write("".join(batch).encode())
        return count


def splice(frame: IO[bytes], rows: IO[bytes], target: IO[bytes]) -> None:
    """Copy the workbook ``frame`` (one sheet) to ``target`` with ``rows`` (``<row>`` elements,
    UTF-8) at the end of the sheet's ``<sheetData>``."""
    with (ZipFile(frame) as source,
          ZipFile(target, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=SHEET_COMPRESSION) as copy):
        for info in source.infolist():
            part = source.read(info)
            if not (info.filename.startswith("xl/worksheets/sheet") and info.filename.endswith(".xml")):
                copy.writestr(info, part)
                continue
            head, tail = part.split(_SHEET_DATA_END)
            size = len(head) + rows.seek(0, SEEK_END) + len(_SHEET_DATA_END + tail)
            rows.seek(0)
            with copy.open(info.filename, "w", force_zip64=size > ZIP64_LIMIT) as entry:
                entry.write(head)
                shutil.copyfileobj(rows, entry, 1 << 20)
                entry.write(_SHEET_DATA_END + tail)
