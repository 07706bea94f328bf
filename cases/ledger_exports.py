"""Ledger exports in the background (台账导出): a large ledger is written by the task worker.

An export of up to ``CASES_LEDGER_BACKGROUND_ROWS`` rows is written during the request (a few
seconds at most); a larger one becomes a ``LedgerExport``: ``ledger_export_start`` stores the
filter, the owner and the owner's scope, and the view queues ``cases.tasks.export_ledger_task``;
``run_export`` claims the row with a conditional update (a task delivered twice runs once),
applies the filter again as the owner through ``Case.objects.visible_to``, streams the
workbook to a temporary file, saving progress every chunk, and stores it. The page polls the
progress and offers the file when it is done.

Who may fetch the file: its owner only (``LedgerExport.objects.visible_to``), while they may
still export ledgers and their scope still covers the scope the file was written with
(``may_download``). Files are deleted ``CASES_LEDGER_EXPORT_RETENTION_DAYS`` after they were
asked for (``purge_ledger_exports``, daily), together with their rows.
"""

from __future__ import annotations

import datetime
import logging
import tempfile
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.scope import covers, scope_prefixes
from cases import ledgers
from cases.models import Case, ExportStatus, LedgerExport
from core.dbrouter import use_replica
from core.files import listdir

logger = logging.getLogger(__name__)
ROOT = "ledgers"


def runs_in_background(total: int) -> bool:
    return total > settings.CASES_LEDGER_BACKGROUND_ROWS


def ledger_export_start(*, ledger: ledgers.Ledger, query: str, user: Any, total: int) -> LedgerExport:
    """Record an export of ``ledger`` with the filter ``query`` for ``user``, in the active language.

    The caller queues ``cases.tasks.export_ledger_task`` with its id (after the commit).
    """
    return LedgerExport.objects.create(
        kind=ledger.kind, query=query, language=translation.get_language() or settings.LANGUAGE_CODE,
        created_by=user, scope=scope_prefixes(user), total_rows=total,
    )


def may_download(export: LedgerExport, user: Any) -> bool:
    """The owner, still allowed to export, with a scope that still covers the file's."""
    if export.created_by_id != user.pk or not user.has_perm("cases.export_case"):
        return False
    if export.scope is None:
        return scope_prefixes(user) is None
    return all(covers(user, prefix) for prefix in export.scope)


def run_export(export_id: str) -> str:
    """Write a queued export's file; returns its final status. Safe to run twice."""
    claimed = LedgerExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=timezone.now(), processed_rows=0
    )
    export = LedgerExport.objects.select_related("created_by").get(pk=export_id)
    if not claimed:
        return export.status
    try:
        with translation.override(export.language), use_replica():  # the export row's updates go to the primary
            _write(export)
    except Exception:
        logger.exception("Ledger export %s failed", export.pk)
        with translation.override(export.language):
            message = _("导出失败，请稍后重试；如仍失败，请缩小筛选范围或联系管理员。")
        LedgerExport.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED, error=message,
                                                          finished_at=timezone.now())
        return ExportStatus.FAILED
    return ExportStatus.DONE


def _write(export: LedgerExport) -> None:
    ledger = ledgers.LEDGERS[export.kind]
    owner = export.created_by
    form = ledger.form_class(QueryDict(export.query) or None, user=owner)
    cases = form.apply(Case.objects.visible_to(owner))
    head = ledgers.heading(ledger, form, export.started_at)
    total = ledger.count(cases)
    LedgerExport.objects.filter(pk=export.pk).update(total_rows=total)

    def progress(done: int) -> None:
        LedgerExport.objects.filter(pk=export.pk).update(processed_rows=done)

    with tempfile.TemporaryFile() as spool:
        count = ledgers.write(ledger, spool, cases, head, progress=progress)
        spool.seek(0)
        name = default_storage.save(f"{ROOT}/{timezone.now():%Y/%m}/{export.pk}.xlsx", File(spool))
    LedgerExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.DONE, file=name, filename=head.filename(), total_rows=count, processed_rows=count,
        finished_at=timezone.now(),
    )


def purge_ledger_exports(*, older_than: datetime.timedelta) -> int:
    """Delete exports asked for before ``older_than`` ago, with their files; returns how many.

    Files under ``ledgers/`` as old that no export refers to (its owner was deleted, or the
    task failed after storing it) are deleted too.
    """
    cutoff = timezone.now() - older_than
    count = 0
    for export in LedgerExport.objects.filter(created_at__lt=cutoff).iterator(chunk_size=500):
        if export.file:
            export.file.delete(save=False)
        export.delete()
        count += 1
    for name in _stray_files(cutoff):
        default_storage.delete(name)
    return count


def _stray_files(cutoff: datetime.datetime, folder: str = ROOT) -> Iterator[str]:
    folders, files = listdir(default_storage, folder)
    names = {f"{folder}/{name}" for name in files}
    known = set(LedgerExport.objects.filter(file__in=names).values_list("file", flat=True))
    for name in sorted(names - known):
        if default_storage.get_modified_time(name) < cutoff:
            yield name
    for child in sorted(folders):
        yield from _stray_files(cutoff, f"{folder}/{child}")
