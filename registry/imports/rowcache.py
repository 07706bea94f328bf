"""The rows of a checked roster, kept for its commit so the file is parsed once, not twice.

An import reads its file twice: the dry run checks every row, the commit checks them again
against the database as it is then and saves them. Parsing an .xlsx with openpyxl is a fifth of
a commit's time, so the dry run also writes the cells it read (after the row and column caps and
the header search) to a JSON-lines file beside the upload, ``<upload>.rows.jsonl``, and the
commit reads that instead when it is there and still describes the same upload (its size and
modification time). Anything else (no cache, a cache from another upload or format, a broken
one) falls back to reading the file itself, so the cache is only ever a shortcut.

Beside its cells, a row's line may carry what the dry run's planner worked out from the cells
alone (``Row.facts``: for a resident roster the validated document, its blind index and the
normalised values), so the commit checks again only what depends on the database. Those facts
depend on nothing else but the index key, whose fingerprint the cache's first line records: a
cache written under another key is not used.

Both files are in the upload's storage (a folder on disk or a bucket, ``core.files``): the
cache is written to a temporary file while the rows are read and stored when the last one was.

The cache holds what the upload holds (ID numbers in clear), so it lives and dies with it:
``retention.drop_files`` deletes both, and the daily purge treats a cache whose upload is gone
as a stray file.
"""

from __future__ import annotations

import datetime
import json
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from django.core.files.storage import Storage

from core import files
from registry.imports.reader import Limits, RosterReader
from registry.pii import lookup_reference

VERSION = 3
SUFFIX = ".rows.jsonl"


def cache_name(upload_name: str) -> str:
    """The storage name of the row cache of an upload's storage name."""
    return upload_name + SUFFIX


def _stamp(storage: Storage, upload_name: str) -> dict[str, Any]:
    return {"size": storage.size(upload_name), "modified": storage.get_modified_time(upload_name).isoformat()}


def _key_fingerprint() -> str:
    """Which index key the blind indexes among the facts were made with (nothing about the key itself)."""
    return lookup_reference("rowcache", str(VERSION))


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

    Use ``rows()`` in place of the reader's, ``checked(facts)`` after planning the rows read so
    far (their lines are written then, with each row's facts), and ``finish()`` after the last
    row: a dry run cut short (an unreadable row, the row cap) leaves no cache behind.
    """

    def __init__(self, reader: RosterReader, storage: Storage, upload_name: str) -> None:
        self.reader, self.storage, self.upload_name = reader, storage, upload_name
        self._file: IO[bytes] | None = None
        self._pending: list[tuple[int, list[Any]]] = []  # rows read, written by checked()

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        self._file = tempfile.TemporaryFile(prefix="wangge-rows-")  # noqa: SIM115 -- closed by finish()/discard()
        head = {"version": VERSION, **_stamp(self.storage, self.upload_name),
                "header": [_encoded(c) for c in self.reader.header], "header_row": self.reader.header_row,
                "title_rows": self.reader.title_rows, "total_rows": self.reader.total_rows,
                "index_key": _key_fingerprint()}
        self._write(head)
        for number, cells in self.reader.rows():
            self._pending.append((number, [_encoded(c) for c in cells]))
            yield number, cells

    def checked(self, facts: dict[int, dict[str, Any]]) -> None:
        """Write the rows read so far, each with its facts (JSON-safe) if ``facts`` has them."""
        for number, cells in self._pending:
            found = facts.get(number)
            self._write([number, cells] if found is None else [number, cells, found])
        self._pending = []

    def _write(self, value: Any) -> None:
        assert self._file is not None
        self._file.write(json.dumps(value, ensure_ascii=False).encode() + b"\n")

    def finish(self) -> None:
        if self._file is not None:
            self.checked({})
            self._file.seek(0)
            files.replace(self.storage, cache_name(self.upload_name), self._file)
            self.discard()

    def discard(self) -> None:
        self._pending = []
        if self._file is not None:
            self._file.close()
            self._file = None


class CachedRoster(RosterReader):
    """The rows of a dry run read back from its cache (see the module's docstring)."""

    def __init__(self, file: IO[bytes], head: dict[str, Any]) -> None:
        self._cache = file
        self.limits = Limits.from_settings()
        self.header = [_decoded(cell) for cell in head["header"]]
        self.header_row = head["header_row"]
        self.title_rows = head["title_rows"]
        self.total_rows = head["total_rows"]
        self._pending = []
        self._rows = self._file_rows()
        self.facts: dict[int, dict[str, Any]] = {}  # the dry run's facts of the rows read so far, by number

    def _file_rows(self) -> Iterator[tuple[int, list[Any]]]:
        # readline, not iteration: Django's File iterates from the start again (its chunks() rewinds).
        for line in iter(self._cache.readline, b""):
            number, cells, *facts = json.loads(line)
            if facts:
                self.facts[number] = facts[0]
            yield number, [_decoded(cell) for cell in cells]

    def close(self) -> None:
        self._cache.close()


def open_cached(storage: Storage, upload_name: str) -> CachedRoster | None:
    """The cache of this upload if there is a sound one for it as it is now, else None."""
    try:
        file = storage.open(cache_name(upload_name), "rb")
    except OSError:
        return None
    try:
        head = json.loads(file.readline())
        if not isinstance(head, dict) or head.get("version") != VERSION or {
            key: head.get(key) for key in ("size", "modified")
        } != _stamp(storage, upload_name) or head.get("index_key") != _key_fingerprint():
            file.close()
            return None
        return CachedRoster(file, head)
    except (ValueError, OSError, KeyError, TypeError):
        file.close()
        return None
