"""Streaming readers of roster files: .xlsx through openpyxl's read-only mode, .csv in UTF-8 or GB18030.

Neither reader holds the whole file in memory: the workbook is parsed sheet row by sheet row
(``iter_rows(values_only=True)``), the CSV line by line. Rows come out as
``(row_number, cells)`` with the spreadsheet's own 1-based row numbers, so that a rejection can
say "第12行" and the user finds row 12 in their file.

Both readers stop at ``Limits`` (``REGISTRY_IMPORT_MAX_ROWS`` rows, blank ones included, and
``REGISTRY_IMPORT_MAX_COLUMNS`` columns) while streaming: the row after the cap, or the first
row with a value beyond the last allowed column, refuses the whole file with a message saying
so, and nothing after it is read. A workbook's declared dimensions are ignored (a forged
``A1:XFD1048576`` would widen every row to 16,384 cells); a CSV line longer than
``MAX_LINE_CHARS`` is refused before the csv module splits it.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

Cell = str | int | float | datetime.date | datetime.datetime | None
# How much a row looks like the header: (names every required column, how many columns it names).
HeaderTest = Callable[[list[Any]], tuple[bool, int]]
HEADER_SEARCH_ROWS = 10  # non-blank rows searched for the header (titles, dates, notes above it)
SNIFF_BYTES = 256 * 1024
MAX_LINE_CHARS = 1_000_000  # one CSV line; the csv module's own limit per cell is 131,072


class UnreadableFile(ValueError):
    """The file is not an .xlsx or .csv we can read; the message says why, in Chinese."""


def is_blank(cells: list[Any] | tuple[Any, ...]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


@dataclass(frozen=True)
class Limits:
    """The most rows (after the header, blank ones included) and columns a roster may have."""

    rows: int
    columns: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(rows=settings.REGISTRY_IMPORT_MAX_ROWS, columns=settings.REGISTRY_IMPORT_MAX_COLUMNS)


class RosterReader(ABC):
    """A roster file opened for reading: ``header`` (found among the first rows), then ``rows()``."""

    header: list[Any]
    header_row: int
    title_rows: list[int]  # non-blank rows above the header (a roster's title), skipped
    total_rows: int  # data rows after the header (an estimate, at most the row cap)
    limits: Limits

    @abstractmethod
    def _file_rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(row number in the file, cells) of every row the underlying reader has not yet given."""

    def _capped(self) -> Iterator[tuple[int, list[Any]]]:
        """The file's rows, refused past the row cap (rows after the header, or blank rows before
        it) and narrowed to the column cap (refused when a cell beyond it holds a value)."""
        for number, cells in self._file_rows():
            self._read += 1
            if self._read > self._last_allowed:
                raise UnreadableFile(_(
                    "文件超过%(max)d行（表头以下，空行也计算在内），整个文件未导入。"
                    "请分成几个文件导入；如果表格末尾有大量空行，请先删除。"
                ) % {"max": self.limits.rows})
            yield number, self._narrowed(number, cells)

    def _narrowed(self, number: int, cells: list[Any]) -> list[Any]:
        if len(cells) <= self.limits.columns:
            return cells
        if not is_blank(cells[self.limits.columns:]):
            raise UnreadableFile(_("第%(row)d行超过%(max)d列，整个文件未导入。请删除多余的列后再导入。") % {
                "row": number, "max": self.limits.columns,
            })
        return cells[: self.limits.columns]

    def _find_header(self, is_header: HeaderTest | None) -> None:
        """Find the header among the first ``HEADER_SEARCH_ROWS`` non-blank rows.

        Rosters often carry a title above the headers (a merged “XX社区第二网格居民花名册（2026年11月）”,
        a date line): the header is the first row naming every required column. When none does, it
        is the row naming the most columns (the first non-blank row if none names any), so that
        the missing columns are reported against the row the user meant as the header.
        """
        self._read, self._last_allowed = 0, self.limits.rows
        self._rows = self._capped()
        looked_at: list[tuple[int, int, list[Any]]] = []  # (rows read so far, row number, cells)
        scores: list[tuple[bool, int]] = []
        for number, cells in self._rows:
            if is_blank(cells):
                continue
            looked_at.append((self._read, number, cells))
            scores.append(is_header(cells) if is_header else (True, 0))
            if scores[-1][0] or len(looked_at) >= HEADER_SEARCH_ROWS:
                break
        if not looked_at:
            raise UnreadableFile(_("文件是空的：没有找到表头行。"))
        found = scores.index(max(scores))  # the first complete one, else the first naming the most
        read_at_header, self.header_row, self.header = looked_at[found]
        self.title_rows = [number for _r, number, _c in looked_at[:found]]
        self._pending = [(number, cells) for _r, number, cells in looked_at[found + 1:]]
        self._last_allowed = read_at_header + self.limits.rows

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(row number in the file, cells) of each data row after the header."""
        yield from self._pending
        self._pending = []
        yield from self._rows

    def close(self) -> None:
        pass

    def __enter__(self) -> RosterReader:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


class WorkbookReader(RosterReader):
    """The first sheet of an .xlsx workbook, in openpyxl's read-only (streaming) mode."""

    def __init__(self, source: str | Path | IO[bytes], limits: Limits | None = None,
                 is_header: HeaderTest | None = None) -> None:
        from openpyxl import load_workbook

        self.limits = limits or Limits.from_settings()
        try:
            self._workbook = load_workbook(source, read_only=True, data_only=True)
        except Exception as error:  # zipfile.BadZipFile, KeyError, InvalidFileException…
            raise UnreadableFile(_("无法读取Excel文件：请上传 .xlsx 格式的工作簿。")) from error
        sheet = self._workbook.worksheets[0]
        declared_rows = sheet.max_row or 0
        # Rows as long as their last cell, not as wide as the sheet claims to be.
        sheet.reset_dimensions()
        self._sheet_rows = sheet.iter_rows(values_only=True)
        try:
            self._find_header(is_header)
        except UnreadableFile:
            self.close()
            raise
        self.total_rows = min(self.limits.rows, max(0, declared_rows - self.header_row))

    def _file_rows(self) -> Iterator[tuple[int, list[Any]]]:
        number = 0
        try:
            for number, values in enumerate(self._sheet_rows, start=1):
                yield number, list(values)
        except Exception as error:  # openpyxl: a column beyond ZZZ, broken XML or compression…
            raise UnreadableFile(_("Excel文件从第%(row)d行起无法读取：某行超过%(max)d列，或文件已损坏。") % {
                "row": number + 1, "max": self.limits.columns,
            }) from error

    def close(self) -> None:
        self._workbook.close()


class CsvReader(RosterReader):
    """A CSV file in UTF-8 (with or without BOM) or GB18030 (what Chinese Excel saves as “CSV”)."""

    def __init__(self, path: str | Path, limits: Limits | None = None, is_header: HeaderTest | None = None) -> None:
        self.limits = limits or Limits.from_settings()
        self.encoding = detect_encoding(path)
        self.total_rows = max(0, _count_lines(path, up_to=self.limits.rows + 2) - 1)
        self._file = open(path, encoding=self.encoding, newline="")  # noqa: SIM115 (closed by close())
        self._line_count = 0
        self._reader = csv.reader(self._lines())
        try:
            self._find_header(is_header)
        except (UnicodeDecodeError, csv.Error) as error:
            self._file.close()
            raise UnreadableFile(_("无法读取CSV文件：请保存为 UTF-8 或 GB18030 编码。")) from error
        except UnreadableFile:
            self._file.close()
            raise

    def _lines(self) -> Iterator[str]:
        """The file's lines, refusing one longer than MAX_LINE_CHARS before anything splits it."""
        while line := self._file.readline(MAX_LINE_CHARS + 1):
            self._line_count += 1
            if len(line) > MAX_LINE_CHARS:
                raise UnreadableFile(_("CSV文件第%(row)d行太长（超过%(max)d个字符），整个文件未导入。") % {
                    "row": self._line_count, "max": MAX_LINE_CHARS,
                })
            yield line

    def _file_rows(self) -> Iterator[tuple[int, list[Any]]]:
        try:
            for values in self._reader:
                yield self._reader.line_num, list(values)
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


def _count_lines(path: str | Path, up_to: int) -> int:
    """Lines in the file (for the progress bar), counting no further than ``up_to``."""
    count = 0
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1024 * 1024), b""):
            count += block.count(b"\n")
            if count >= up_to:
                return up_to
    return count


def open_roster(path: str | Path, filename: str, is_header: HeaderTest | None = None) -> RosterReader:
    """The reader for a file by the extension of its original name (.xlsx or .csv).

    ``is_header`` recognises the header row among the first rows (None: the first non-blank row).
    """
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        return WorkbookReader(path, is_header=is_header)
    if suffix == ".csv":
        return CsvReader(path, is_header=is_header)
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
