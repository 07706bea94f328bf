"""The layout of a ledger workbook (台账): a title, the filter in words, a header row, then the rows.

Written with openpyxl's write-only mode, so rows stream to the file as they are read and no
workbook sits in memory. What makes the file presentable is decided here, once per column:

* widths that fit the column's format (a date column is wide enough for "2026-03-02 09:00",
  never "#####"), long texts (descriptions, agreements) wrapped in a wide column;
* two title rows: the ledger and its area, then the filter in words and the export time;
* print setup: landscape A4, every column on one page width, the header row repeated on every
  page, page numbers in the footer; the header row frozen and filterable on screen.

openpyxl writes the workbook around the rows (titles, header, styles, widths, print setup,
filter); the rows themselves, most of the file, are written by ``cases.sheet_rows`` with one
style id per column (looked up once per column, not per cell) and spliced into the sheet: the
same XML openpyxl would write, at a tenth of the time. Every text stays text
(``registry.exports.text_cell``'s rule: a description typed as "=HYPERLINK(…)" is not a formula
in whoever's spreadsheet opens it).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from tempfile import TemporaryFile
from typing import IO, Any

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.numbers import FORMAT_DATE_DATETIME, FORMAT_DATE_YYYYMMDD2
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cases.sheet_rows import Progress, RowWriter, splice

TEXT, WRAP, DATETIME, DATE, NUMBER = "text", "wrap", "datetime", "date", "number"
FORMATS = {DATETIME: "yyyy-mm-dd hh:mm", DATE: "yyyy-mm-dd", NUMBER: "0"}
# The widths (in characters of the default font) a format needs, with a little margin.
FORMAT_WIDTHS = {DATETIME: 17.0, DATE: 11.5, NUMBER: 8.0}
HEADER_ROW = 3  # after the title and the filter line
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")


@dataclass(frozen=True)
class Column:
    """One column of a ledger: its header (translated when the file is written), format and width."""

    header: str | Promise
    kind: str = TEXT
    width: float = 12.0

    def fitted_width(self) -> float:
        """Wide enough for its format, its header (Chinese characters count twice) and the given width."""
        header = display_width(str(self.header)) + 2
        return max(self.width, FORMAT_WIDTHS.get(self.kind, 0.0), min(header, 40.0))


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _column_style(sheet: Any, kind: str) -> int:
    """The id of the cell style a column's cells have (0, the default, for plain text), registered
    with the workbook so that its styles part lists it."""
    if kind == TEXT:
        return 0
    cell = WriteOnlyCell(sheet)
    if kind in FORMATS:
        cell.number_format = FORMATS[kind]
    if kind == WRAP:  # other cells keep the default (bottom) alignment, like the plain ones
        cell.alignment = Alignment(wrap_text=True)
    return int(cell.style_id)


def _date_style(sheet: Any, with_time: bool) -> int:
    """The style of a date in a column without a date format: openpyxl's default formats."""
    cell = WriteOnlyCell(sheet)
    cell.number_format = FORMAT_DATE_DATETIME if with_time else FORMAT_DATE_YYYYMMDD2
    return int(cell.style_id)


def _titled_cell(sheet: Any, text: str, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", text))
    if cell.data_type in ("f", "e"):
        cell.data_type = "s"
    cell.font = font
    return cell


def _heading(sheet: Any, title: str, subtitle: str, columns: Sequence[Column]) -> list[list[WriteOnlyCell]]:
    """The title, the filter line and the header row, their styles registered with the workbook
    (so they come first in its styles, before the columns')."""
    rows = [[_titled_cell(sheet, title, Font(bold=True, size=14))],
            [_titled_cell(sheet, subtitle, Font(size=10, color="555555"))]]
    header_font, header_alignment = Font(bold=True), Alignment(vertical="center", wrap_text=True)
    headers = []
    for column in columns:
        cell = _titled_cell(sheet, str(column.header), header_font)
        cell.fill, cell.alignment = HEADER_FILL, header_alignment
        headers.append(cell)
    rows.append(headers)
    for row in rows:
        row[0].style_id  # noqa: B018  # registers the row's style (the headers share one)
    return rows


def _set_up_page(sheet: Any, columns: int) -> None:
    """Freeze the header, repeat it on printed pages, landscape and one page wide."""
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddFooter.center.text = "&P / &N"


def write_ledger(
    target: IO[bytes], *, sheet_title: str, title: str, subtitle: str, columns: Sequence[Column],
    rows: Iterable[Sequence[Any]], progress: Progress | None = None, progress_every: int = 2000,
) -> int:
    """Write one ledger sheet to ``target``; returns the number of rows written.

    ``progress`` is called with the rows written so far every ``progress_every`` rows. The rows
    go to a temporary file first (the filter's range needs their number); openpyxl then writes
    the workbook with the heading, and the rows are spliced in after it.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    heading = _heading(sheet, title, subtitle, columns)
    styles = [_column_style(sheet, column.kind) for column in columns]
    writer = RowWriter(styles, [column.kind in (DATE, DATETIME) for column in columns],
                       lambda with_time: _date_style(sheet, with_time))
    with TemporaryFile() as body, TemporaryFile() as frame:
        count = writer.write(body, HEADER_ROW + 1, rows, progress, progress_every)
        # Set before the first row (write-only mode writes the sheet's head with it).
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.fitted_width()
        _set_up_page(sheet, len(columns))
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{HEADER_ROW + count}"
        for row in heading:
            sheet.append(row)
        workbook.save(frame)
        splice(frame, body, target)
    return count
