"""The rows of a checked roster, kept for its commit so the file is parsed once, not twice.

An import reads its file twice: the dry run checks every row, the commit checks them again
against the database as it is then and saves them. Parsing an .xlsx with openpyxl is a fifth of
a commit's time, so the dry run also writes the cells it read (after the row and column caps and
the header search) to a JSON-lines file beside the upload, ``<upload>.rows.jsonl``, and the
commit reads that instead when it is there and still describes the same upload (its size and
modification time). Anything else (no cache, a cache from another upload or format, a broken
one) falls back to reading the file itself, so the cache is only ever a shortcut.

The cache holds what the upload holds (ID numbers in clear), so it lives and dies with it:
``retention.drop_files`` deletes both, and the daily purge treats a cache whose upload is gone
as a stray file.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from registry.imports.reader import Limits, RosterReader

VERSION = 1
SUFFIX = ".rows.jsonl"


def cache_name(upload_name: str) -> str:
    """The storage name of the row cache of an upload's storage name."""
    return upload_name + SUFFIX


def _stamp(source: Path) -> dict[str, int]:
    status = source.stat()
    return {"size": status.st_size, "mtime_ns": status.st_mtime_ns}


def _encoded(cell: Any) -> Any:
    """A cell as JSON: plain values as they are, dates and times tagged so they come back typed."""
    if cell is None or isinstance(cell, bool | int | float | str):
        return cell
    if isinstance(cell, datetime.datetime):
        return {"dt": cell.isoformat()}
    if isinstance(cell, datetime.date):
        return {"d": cell.isoformat()}
    if isinstance(cell, datetime.time):
        return {"t": cell.isoformat()}
    return str(cell)


def _decoded(cell: Any) -> Any:
    if isinstance(cell, dict):
        if "dt" in cell:
            return datetime.datetime.fromisoformat(cell["dt"])
        if "d" in cell:
            return datetime.date.fromisoformat(cell["d"])
        return datetime.time.fromisoformat(cell["t"])
    return cell


class RowRecorder:
    """Writes the rows a reader gives, then the cache is kept only if the whole file was read.

    Use ``rows()`` in place of the reader's, and ``finish()`` after the last row: a dry run cut
    short (an unreadable row, the row cap) leaves no cache behind.
    """

    def __init__(self, reader: RosterReader, source: Path) -> None:
        self.reader, self.source = reader, source
        self.target = source.with_name(source.name + SUFFIX)
        self.partial = self.target.with_name(self.target.name + ".part")
        self._file: IO[str] | None = None

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        self._file = self.partial.open("w", encoding="utf-8")
        head = {"version": VERSION, **_stamp(self.source), "header": [_encoded(c) for c in self.reader.header],
                "header_row": self.reader.header_row, "title_rows": self.reader.title_rows,
                "total_rows": self.reader.total_rows}
        self._file.write(json.dumps(head, ensure_ascii=False) + "\n")
        for number, cells in self.reader.rows():
            self._file.write(json.dumps([number, [_encoded(c) for c in cells]], ensure_ascii=False) + "\n")
            yield number, cells

    def finish(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
            os.replace(self.partial, self.target)

    def discard(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self.partial.unlink(missing_ok=True)


class CachedRoster(RosterReader):
    """The rows of a dry run read back from its cache (see the module's docstring)."""

    def __init__(self, file: IO[str], head: dict[str, Any]) -> None:
        self._cache = file
        self.limits = Limits.from_settings()
        self.header = [_decoded(cell) for cell in head["header"]]
        self.header_row = head["header_row"]
        self.title_rows = head["title_rows"]
        self.total_rows = head["total_rows"]
        self._pending = []
        self._rows = self._file_rows()

    def _file_rows(self) -> Iterator[tuple[int, list[Any]]]:
        for line in self._cache:
            number, cells = json.loads(line)
            yield number, [_decoded(cell) for cell in cells]

    def close(self) -> None:
        self._cache.close()


def open_cached(source: Path) -> CachedRoster | None:
    """The cache of this upload if there is a sound one for it as it is now, else None."""
    target = source.with_name(source.name + SUFFIX)
    try:
        file = target.open(encoding="utf-8")
    except OSError:
        return None
    try:
        head = json.loads(file.readline())
        if not isinstance(head, dict) or head.get("version") != VERSION or {
            key: head.get(key) for key in ("size", "mtime_ns")
        } != _stamp(source):
            file.close()
            return None
        return CachedRoster(file, head)
    except (ValueError, OSError, KeyError, TypeError):
        file.close()
        return None
