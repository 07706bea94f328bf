"""How long an import's files are kept: the uploaded roster and the rejected rows hold ID numbers in clear.

An upload is needed from the dry run until the commit, and the rejected-rows workbook until the
uploader has downloaded and corrected it; neither is needed for long. So:

* the importer deletes the upload as soon as no step can read it again: after a successful
  commit, and after any refusal (a failed job is never run again), together with the
  rejected rows of an earlier dry run, which the failed job's page no longer offers;
* ``purge_import_files`` (``manage.py purge_import_files``, daily) deletes the files of every
  job last touched more than ``REGISTRY_IMPORT_RETENTION_DAYS`` days ago: dry runs never
  committed, rejected rows nobody fetched. The job row keeps its counts and report; its page
  says the files are gone (``files_purged``) and no longer offers to commit.
* It also deletes files under ``imports/`` that no job refers to (a job whose saving failed
  after its file was stored), once they are as old.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.core.files.storage import Storage, default_storage
from django.db.models import Q
from django.utils import timezone

from core.files import listdir
from registry.imports.rowcache import SUFFIX, cache_name
from registry.models import ImportJob, ImportStatus

ROOT = "imports"


def drop_files(job: ImportJob, *, upload: bool = True, rejects: bool = True) -> None:
    """Delete the job's upload and/or rejected rows now, and forget them on the row."""
    fields = []
    if upload and job.file:
        job.file.storage.delete(cache_name(job.file.name or ""))  # the dry run's rows (registry.imports.rowcache)
        job.file.delete(save=False)
        fields.append("file")
    if rejects and job.rejected_file:
        job.rejected_file.delete(save=False)
        fields.append("rejected_file")
    if fields:
        ImportJob.objects.filter(pk=job.pk).update(**dict.fromkeys(fields, ""))


def files_purged(job: ImportJob) -> dict[str, bool]:
    """Which of a job's files the retention period has removed, as its page must say.

    A checked job (检查完成) always keeps its upload until it is committed, and a job with
    rejected rows keeps their workbook, unless the files were purged.
    """
    return {
        "upload": job.status == ImportStatus.VALIDATED and not job.file,
        "rejects": job.status in (ImportStatus.VALIDATED, ImportStatus.DONE) and job.rejected_count > 0
        and not job.rejected_file,
    }


def purge_import_files(*, older_than: datetime.timedelta, dry_run: bool = False) -> list[str]:
    """Delete (unless ``dry_run``) the files of jobs untouched for ``older_than`` and stray files as old.

    Returns the names of the files (storage names, under ``imports/``).
    """
    cutoff = timezone.now() - older_than
    # Strays first: the job files below stop being referenced as they are claimed.
    names = [*_stray_files(cutoff), *_expired_job_files(cutoff, dry_run)]
    if not dry_run:
        for name in names:
            default_storage.delete(name)
            default_storage.delete(cache_name(name))  # the dry run's rows go with their upload, uncounted
    return names


def _expired_job_files(cutoff: datetime.datetime, dry_run: bool) -> Iterator[str]:
    """The files of jobs last changed before ``cutoff``; each job forgets them first (a job that
    changed in between, e.g. one being committed right now, is left alone)."""
    jobs = ImportJob.objects.filter(updated_at__lt=cutoff).filter(~Q(file="") | ~Q(rejected_file=""))
    for pk, upload, rejects in jobs.values_list("pk", "file", "rejected_file").iterator(chunk_size=500):
        if not dry_run:
            claimed = ImportJob.objects.filter(pk=pk, updated_at__lt=cutoff, file=upload,
                                               rejected_file=rejects).update(file="", rejected_file="")
            if not claimed:
                continue
        yield from (name for name in (upload, rejects) if name)


def _stray_files(cutoff: datetime.datetime, storage: Storage | None = None) -> Iterator[str]:
    """Files under ``imports/`` that no job refers to, last modified before ``cutoff``."""
    storage = storage or default_storage
    for folder in _folders(storage, ROOT):
        _dirs, files = listdir(storage, folder)
        if not files:
            continue
        names = {f"{folder}/{name}" for name in files}
        names = {name for name in names if not name.endswith(SUFFIX)}  # row caches go with their upload
        known = set(ImportJob.objects.filter(file__in=names).values_list("file", flat=True))
        known |= set(ImportJob.objects.filter(rejected_file__in=names).values_list("rejected_file", flat=True))
        for name in sorted(names - known):
            if storage.get_modified_time(name) < cutoff:
                yield name


def _folders(storage: Storage, root: str) -> Iterator[str]:
    """``root`` and every folder below it, parents first."""
    dirs, files = listdir(storage, root)
    if not dirs and not files:
        return
    yield root
    for name in sorted(dirs):
        yield from _folders(storage, f"{root}/{name}")
