"""Streaming readers of roster files: .xlsx through openpyxl's read-only mode, .csv in UTF-8 or GB18030.

Neither reader holds the whole file in memory: the workbook is parsed sheet row by sheet row
(``iter_rows(values_only=True)``), the CSV line by line. Rows come out as
``(row_number, cells)`` with the spreadsheet's own 1-based row numbers, so that a rejection can
say "第12行" and the user finds row 12 in their file.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from django.utils.translation import gettext as _

Cell = str | int | float | datetime.date | datetime.datetime | None
SNIFF_BYTES = 256 * 1024


class UnreadableFile(ValueError):
    """The file is not an .xlsx or .csv we can read; the message says why, in Chinese."""


def is_blank(cells: list[Any] | tuple[Any, ...]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


class RosterReader(ABC):
    """A roster file opened for reading: ``header`` (the first non-empty row), then ``rows()``."""

    header: list[Any]
    header_row: int
    total_rows: int  # data rows after the header (an estimate for workbooks with odd dimensions)

    @abstractmethod
    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(row number in the file, cells) of each data row after the header."""

    def close(self) -> None:
        pass

    def __enter__(self) -> RosterReader:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


class WorkbookReader(RosterReader):
    """The first sheet of an .xlsx workbook, in openpyxl's read-only (streaming) mode."""

    def __init__(self, source: str | Path | IO[bytes]) -> None:
        from openpyxl import load_workbook

        try:
            self._workbook = load_workbook(source, read_only=True, data_only=True)
        except Exception as error:  # zipfile.BadZipFile, KeyError, InvalidFileException…
            raise UnreadableFile(_("无法读取Excel文件：请上传 .xlsx 格式的工作簿。")) from error
        self._sheet = self._workbook.worksheets[0]
        self._rows = self._sheet.iter_rows(values_only=True)
        self.header_row, self.header = _first_nonblank(self._numbered())
        self.total_rows = max(0, (self._sheet.max_row or 0) - self.header_row)

    def _numbered(self) -> Iterator[tuple[int, list[Any]]]:
        for number, values in enumerate(self._rows, start=1):
            yield number, list(values)

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        start = self.header_row + 1
        for offset, values in enumerate(self._rows):
            yield start + offset, list(values)

    def close(self) -> None:
        self._workbook.close()


class CsvReader(RosterReader):
    """A CSV file in UTF-8 (with or without BOM) or GB18030 (what Chinese Excel saves as “CSV”)."""

    def __init__(self, path: str | Path) -> None:
        self.encoding = detect_encoding(path)
        self.total_rows = max(0, _count_lines(path) - 1)
        self._file = open(path, encoding=self.encoding, newline="")  # noqa: SIM115 (closed by close())
        self._reader = csv.reader(self._file)
        try:
            self.header_row, self.header = _first_nonblank(self._numbered())
        except (UnicodeDecodeError, csv.Error) as error:
            self._file.close()
            raise UnreadableFile(_("无法读取CSV文件：请保存为 UTF-8 或 GB18030 编码。")) from error

    def _numbered(self) -> Iterator[tuple[int, list[Any]]]:
        for values in self._reader:
            yield self._reader.line_num, list(values)

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        try:
            yield from self._numbered()
        except (UnicodeDecodeError, csv.Error) as error:
            raise UnreadableFile(_("CSV文件第%(row)d行无法读取：%(error)s") % {
                "row": self._reader.line_num + 1, "error": error,
            }) from error

    def close(self) -> None:
        self._file.close()


def detect_encoding(path: str | Path) -> str:
    """``utf-8-sig`` when the file has a BOM or decodes as UTF-8, ``gb18030`` otherwise.

    Only the beginning is read (enough for any real roster's Chinese headers and first rows);
    an incremental decoder keeps a multi-byte character cut at the boundary from failing.
    """
    with open(path, "rb") as file:
        start = file.read(SNIFF_BYTES)
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(start, final=len(start) < SNIFF_BYTES)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def _count_lines(path: str | Path) -> int:
    count = 0
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1024 * 1024), b""):
            count += block.count(b"\n")
    return count


def _first_nonblank(rows: Iterator[tuple[int, list[Any]]]) -> tuple[int, list[Any]]:
    for number, values in rows:
        if not is_blank(values):
            return number, values
    raise UnreadableFile(_("文件是空的：没有找到表头行。"))


def open_roster(path: str | Path, filename: str) -> RosterReader:
    """The reader for a file by the extension of its original name (.xlsx or .csv)."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        return WorkbookReader(path)
    if suffix == ".csv":
        return CsvReader(path)
    raise UnreadableFile(_("只支持 .xlsx 和 .csv 文件，不支持“%(suffix)s”。") % {"suffix": suffix or filename})


def cell_text(value: Any) -> str:
    """A cell as text: whole numbers without ``.0`` (Excel stores typed digits as floats)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    """Rows written as CSV bytes (tests and examples)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)
