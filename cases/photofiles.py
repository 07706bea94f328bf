"""Photo files that no row refers to: left behind when a transaction that stored them rolled back.

A transition stores its photos (``cases.workflow.attach``) inside its transaction; if the
transaction then fails, the database forgets the ``CaseAttachment`` rows but the files stay in
storage. ``orphan_photos`` finds them, month folder by month folder (``cases/YYYY/MM/``, as
``attachment_path`` names them), so memory holds one month's names at a time.
``manage.py purge_orphan_photos`` deletes them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.core.files.storage import Storage, default_storage
from django.utils import timezone

from cases.models import CaseAttachment
from core.files import listdir

ROOT = "cases"


def _month_folders(storage: Storage) -> Iterator[str]:
    years, _files = listdir(storage, ROOT)
    for year in sorted(years):
        months, _files = listdir(storage, f"{ROOT}/{year}")
        for month in sorted(months):
            yield f"{ROOT}/{year}/{month}"


def orphan_photos(*, older_than: datetime.timedelta, storage: Storage | None = None) -> Iterator[str]:
    """Names of stored photo files with no ``CaseAttachment``, last modified before ``older_than`` ago
    (younger files may belong to a transaction still running)."""
    storage = storage or default_storage
    cutoff = timezone.now() - older_than
    for folder in _month_folders(storage):
        _dirs, files = listdir(storage, folder)
        known = set(CaseAttachment.objects.filter(image__startswith=f"{folder}/").values_list("image", flat=True)
                    .iterator(chunk_size=5000))
        for name in sorted(files):
            path = f"{folder}/{name}"
            if path not in known and storage.get_modified_time(path) < cutoff:
                yield path


def purge_orphan_photos(*, older_than: datetime.timedelta, dry_run: bool = False) -> list[str]:
    """Delete (unless ``dry_run``) the orphan photo files; returns their names."""
    found = list(orphan_photos(older_than=older_than))
    if not dry_run:
        for name in found:
            default_storage.delete(name)
    return found
