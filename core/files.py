"""Stored files through Django's storage API only, whatever the backend (docs/scaling.md).

Uploaded files live in ``STORAGES["default"]``: a folder on disk (``MEDIA_ROOT``, the default)
or an S3-compatible bucket (``S3_BUCKET``, config/settings.py). Code reads and writes them with
``storage.open/save/delete/exists/size/listdir`` or a ``FieldFile``, never with a path, so both
work. The helpers here cover the few places where the two differ:

* ``local_copy`` — a path on this machine for a library that needs one (openpyxl reading an
  uploaded workbook): the file itself on disk, a temporary copy from a bucket.
* ``listdir`` — a bucket has no folders, so a folder nobody wrote to does not "exist" there;
  listing it finds nothing, as listing a missing folder on disk should.
* ``replace`` — store under exactly this name, replacing an older file of that name (a storage
  gives a new file a new name when the name is taken).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from django.core.files import File
from django.core.files.storage import Storage

COPY_BUFFER = 1024 * 1024


@contextmanager
def local_copy(storage: Storage, name: str, suffix: str = "") -> Iterator[Path]:
    """A local path holding the stored file ``name`` while the block runs (deleted afterwards if a copy)."""
    try:
        path = storage.path(name)
    except NotImplementedError:  # not on this machine's file system (a bucket)
        pass
    else:
        yield Path(path)
        return
    with tempfile.NamedTemporaryFile(prefix="wangge-", suffix=suffix) as copy:
        with storage.open(name, "rb") as source:
            shutil.copyfileobj(source, copy, COPY_BUFFER)
        copy.flush()
        yield Path(copy.name)


def listdir(storage: Storage, folder: str) -> tuple[list[str], list[str]]:
    """The folders and files directly in ``folder``; none when there is no such folder."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return [], []
    return list(folders), list(files)


def replace(storage: Storage, name: str, content: IO[bytes]) -> bool:
    """Store ``content`` under exactly ``name``, replacing the file of that name if there is one.

    False (and nothing stored) if the storage chose another name all the same (another process
    stored a file of that name in between): callers use this for files that are only shortcuts.
    """
    storage.delete(name)
    stored = storage.save(name, File(content, name=name))
    if stored != name:
        storage.delete(stored)
        return False
    return True
