"""The rejected rows of an import, given back as a workbook to correct and import again.

The workbook has the file's own header row (without an old 错误原因 column) plus a new
last column 错误原因; each rejected row keeps its original cells, so the user fixes the
cells the reason names and uploads the workbook as is. It is written in openpyxl's
write-only mode (streamed to a temporary file), every cell through
``registry.exports.text_cell``: a cell typed as "=HYPERLINK(…)" comes back as text, never
as a live formula (formula injection).
"""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from registry.exports import text_cell
from registry.imports.columns import REASON_HEADER, header_key

_ILLEGAL = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32)])


class RejectsWorkbook:
    """Accumulates rejected rows; ``save()`` returns the path of the finished .xlsx (or None if empty)."""

    def __init__(self, header: list[Any]) -> None:
        self.count = 0
        # A rejected-rows workbook uploaded again already has a 错误原因 column: the old reasons go,
        # the new one takes their place, so the column never doubles.
        self._kept = [index for index, cell in enumerate(header) if header_key(cell) != REASON_HEADER]
        self._header = [header[index] for index in self._kept]
        self._workbook: Workbook | None = None

    def _sheet(self) -> Any:
        """The sheet, created with its header row at the first rejected row (no file when none is)."""
        if self._workbook is None:
            self._workbook = Workbook(write_only=True)
            sheet = self._workbook.create_sheet(_("被拒绝的行"))
            cells = [text_cell(sheet, _cell(value), bold=True) for value in [*self._header, REASON_HEADER]]
            cells[-1].fill = PatternFill("solid", fgColor="FFF2CC")
            sheet.append(cells)
        return self._workbook.worksheets[0]

    def add(self, cells: list[Any], reason: str) -> None:
        sheet = self._sheet()
        row = [_cell(cells[index]) if index < len(cells) else None for index in self._kept]
        sheet.append([text_cell(sheet, value) for value in [*row, reason]])
        self.count += 1

    def save(self) -> Path | None:
        """Write the workbook to a temporary file (the caller moves or deletes it); None when no row was rejected."""
        if self._workbook is None:
            return None
        with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as file:
            path = Path(file.name)
        self._workbook.save(path)
        self._workbook = None
        return path

    def discard(self) -> None:
        """Drop the rows (the import failed); finishing the stream keeps openpyxl from leaking it."""
        path = self.save()
        if path is not None:
            path.unlink(missing_ok=True)


def _cell(value: Any) -> Any:
    """Values openpyxl can write: text without control characters, numbers, dates."""
    if value is None or isinstance(value, int | float | datetime.date | datetime.datetime):
        return value
    return str(value).translate(_ILLEGAL)
