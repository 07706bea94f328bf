"""Running an import job: read the file, plan every row, report, and (on commit) save in one transaction.

``run_job(job, commit=False)`` is the dry run: it reports what would be created, updated,
merged, left unchanged and rejected, with the first rows of each, and writes the rejected-rows
workbook. ``run_job(job, commit=True)`` reads the file again (the registry may have changed
since), plans every row again, and applies all accepted rows inside one transaction: if
anything fails while saving, nothing of the file is saved. Both update ``processed_rows`` every
``PROGRESS_EVERY`` rows so that the page can show a progress bar.

The whole file is refused (status 失败, no row imported) when it cannot be read, when a
required header is missing, or when the user may not import this kind into the area. The files
of a refused job are deleted at once, the upload right after a commit (``retention.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.bulk import frozen_heap
from core.files import local_copy
from core.request_context import acting_as
from registry.imports.columns import Column, columns_for, header_score, map_headers
from registry.imports.planners import (
    CREATED,
    MERGED,
    PLANNERS,
    REJECTED,
    UNCHANGED,
    UPDATED,
    DuplicateRow,
    Plan,
    Planner,
)
from registry.imports.reader import RosterReader, UnreadableFile, cell_text, is_blank, open_roster
from registry.imports.rejects import RejectsWorkbook
from registry.imports.retention import drop_files
from registry.imports.rowcache import CachedRoster, RowRecorder, open_cached
from registry.imports.rows import ImportContext, Row, RowError
from registry.models import ImportJob, ImportKind, ImportStatus
from registry.normalise import normalise_text

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 500
SAMPLE_SIZE = 20
LISTED_ROWS = 50  # row numbers listed per unknown value (the count covers all)
ACTIONS = (CREATED, UPDATED, MERGED, UNCHANGED, REJECTED)

# What a user needs in the target area to import each kind (checked with user.has_perm(perm, area)).
REQUIRED_PERMISSIONS: dict[str, tuple[str, ...]] = {
    ImportKind.RESIDENTS: ("registry.add_resident", "registry.change_resident"),
    ImportKind.HOUSEHOLDS: ("registry.add_household", "registry.add_householdmember",
                            "registry.change_householdmember"),
    ImportKind.BUILDINGS: ("registry.add_building", "registry.change_building", "registry.add_dwelling",
                           "registry.change_dwelling"),
    ImportKind.ORGANISATIONS: ("registry.add_establishment", "registry.change_establishment"),
}

Progress = Callable[[int, int], None]


class FileRejected(Exception):
    """The whole file is refused; the message says why in Chinese."""


class SaveFailed(Exception):
    """Saving failed part-way through the commit; the transaction rolled everything back."""


@dataclass
class Tally:
    """Counts per action, the first rows of each, every rejected row, and what the report notes about the file.

    ``unknown`` groups the values coded columns do not know by column and value, with the rows
    they occur in, so a value typed the same way in 300 rows is one line of the report;
    ``duplicates`` are rows merged into an identical earlier row; ``notes`` are informational
    (title rows above the header, the template's example row), ``warnings`` need attention.
    """

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ACTIONS, 0))
    samples: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {action: [] for action in ACTIONS})
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    unknown: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    duplicates: list[dict[str, int]] = field(default_factory=list)
    new_places: dict[str, Any] | None = None

    def add(self, number: int, action: str, summary: str | Callable[[], str], reason: str = "") -> None:
        self.counts[action] += 1
        if len(self.samples[action]) < SAMPLE_SIZE:
            text = summary() if callable(summary) else summary
            self.samples[action].append({"row": number, "summary": text, "reason": reason})
        if action == REJECTED:
            self.rejected.append({"row": number, "reason": reason})

    def add_unknown(self, header: str, value: str, number: int) -> None:
        self.unknown.setdefault(header, {}).setdefault(value, []).append(number)

    def report(self) -> dict[str, Any]:
        unknown = [
            {"column": header, "values": [
                {"value": value, "count": len(rows), "rows": rows[:LISTED_ROWS]} for value, rows in values.items()
            ]}
            for header, values in self.unknown.items()
        ]
        return {
            "counts": self.counts, "samples": self.samples, "warnings": self.warnings, "notes": self.notes,
            "rejected": self.rejected, "unknown_values": unknown, "duplicates": self.duplicates,
            "new_places": self.new_places,
        }


def may_import(user: Any, kind: str, area: Any) -> bool:
    """Whether the user holds every permission the kind needs in the area (None: the system)."""
    return user is None or all(user.has_perm(permission, area) for permission in REQUIRED_PERMISSIONS[kind])


def run_job(job: ImportJob, *, commit: bool, on_progress: Progress | None = None) -> ImportJob:
    """Run the dry run or the commit of a job, recording status, counts, report and rejected rows."""
    _update(job, status=ImportStatus.COMMITTING if commit else ImportStatus.VALIDATING, dry_run=not commit,
            processed_rows=0, started_at=timezone.now(), finished_at=None)
    try:
        with acting_as(job.created_by), frozen_heap():
            tally, rejects = _import(job, commit=commit, on_progress=on_progress)
    except (FileRejected, UnreadableFile, SaveFailed) as error:
        _fail(job, str(error))
        return job
    except Exception:
        logger.exception("Import job %s failed", job.pk)
        _fail(job, _("导入时发生系统错误，整个文件没有保存任何数据。请联系管理员。"))
        return job
    _store_rejects(job, rejects)
    if commit:  # the roster holds ID numbers in clear: keep it no longer than the import needs it
        drop_files(job, rejects=False)
    counts = tally.counts
    _update(
        job, status=ImportStatus.DONE if commit else ImportStatus.VALIDATED, report=tally.report(),
        created_count=counts[CREATED], updated_count=counts[UPDATED], merged_count=counts[MERGED],
        rejected_count=counts[REJECTED], unchanged_count=counts[UNCHANGED], finished_at=timezone.now(),
    )
    return job


def _fail(job: ImportJob, message: str) -> None:
    """The job refused: a failed job never runs again, so its files (ID numbers in clear) go now."""
    _update(job, status=ImportStatus.FAILED, report={"error": message}, finished_at=timezone.now())
    drop_files(job)


def _update(job: ImportJob, **values: Any) -> None:
    for name, value in values.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(**values, updated_at=timezone.now())


def _store_rejects(job: ImportJob, rejects: RejectsWorkbook) -> None:
    if job.rejected_file:
        job.rejected_file.delete(save=False)
    path = rejects.save()
    if path is None:
        _update(job, rejected_file="")
        return
    try:
        with path.open("rb") as file:
            job.rejected_file.save(f"{job.pk}-rejected.xlsx", File(file), save=False)
    finally:
        path.unlink(missing_ok=True)
    _update(job, rejected_file=job.rejected_file.name)


def _import(job: ImportJob, *, commit: bool, on_progress: Progress | None) -> tuple[Tally, RejectsWorkbook]:
    user = job.created_by
    if not may_import(user, job.kind, job.area):
        raise FileRejected(_("您没有在「%(area)s」导入%(kind)s的权限。") % {
            "area": job.area.name, "kind": job.get_kind_display(),
        })
    storage, name = job.file.storage, job.file.name
    if not name or not storage.exists(name):
        raise FileRejected(_("上传的文件已超过保留期限并已删除，请重新上传。"))
    with ExitStack() as stack:
        cached = open_cached(storage, name) if commit else None  # the dry run's rows: the file is parsed once
        reader: RosterReader
        if cached is not None:
            reader = stack.enter_context(cached)
        else:  # openpyxl needs a local file: a temporary copy when the upload is in a bucket
            source = stack.enter_context(local_copy(storage, name, suffix=Path(job.original_filename).suffix))
            reader = stack.enter_context(open_roster(source, job.original_filename, is_header=header_score(job.kind)))
        recorder = RowRecorder(reader, storage, name) if cached is None and not commit else None
        positions, tally = _check_header(job.kind, reader)
        _update(job, total_rows=reader.total_rows)
        # The dry run plans missing buildings and rooms as new; the commit creates them only when ticked,
        # and only for a user who may import buildings and dwellings into the area.
        new_places = (not commit or job.create_places) and may_import(user, ImportKind.BUILDINGS, job.area)
        context = ImportContext.for_area(job.kind, job.area, user, new_places=new_places)
        planner = PLANNERS[job.kind](context)
        rejects = RejectsWorkbook(reader.header)
        try:
            plans: list[tuple[int, Plan]] = []
            processed = 0
            rows = recorder.rows() if recorder is not None else reader.rows()
            facts = reader.facts if isinstance(reader, CachedRoster) else None  # the dry run's, for the commit
            for chunk, read in _chunks(job.kind, rows, positions, tally, facts):
                planner.prepare(chunk)
                for row in chunk:
                    plan = _plan(planner, row, tally, rejects)
                    if plan is not None and plan.apply is not None:
                        plans.append((row.number, plan))
                if recorder is not None:
                    recorder.checked({row.number: row.facts for row in chunk if row.facts is not None})
                processed += read
                _report_progress(job, processed, max(reader.total_rows, processed), on_progress)
            _update(job, total_rows=processed)  # the reader's count was an estimate
            tally.new_places = planner.new_places()
            if commit:
                _apply(plans, planner)
            elif recorder is not None:
                recorder.finish()
        except BaseException:
            rejects.discard()
            if recorder is not None:
                recorder.discard()
            raise
    return tally, rejects


def _check_header(kind: str, reader: RosterReader) -> tuple[dict[str, int], Tally]:
    headers = map_headers(kind, reader.header)
    if headers.missing:
        # The header as the file must spell it (Chinese), whatever the interface language.
        names = _quoted_list([column.header for column in headers.missing])
        raise FileRejected(_("表头缺少必填列%(names)s，整个文件未导入。请使用导入模板，或检查表头是否在前几行。") % {
            "names": names,
        })
    tally = Tally()
    if reader.title_rows:
        tally.notes.append(_("表头在第%(row)d行，上方的标题行已跳过。") % {"row": reader.header_row})
    if headers.unknown:
        tally.warnings.append(_("以下列不认识，已忽略：%(names)s。") % {
            "names": _quoted_list(headers.unknown),
        })
    if headers.duplicated:
        tally.warnings.append(_("以下列出现了多次，只读取第一列：%(names)s。") % {
            "names": _quoted_list(headers.duplicated),
        })
    return headers.positions, tally


def _quoted_list(names: list[str]) -> str:
    """Column headers in a sentence: 「证件号码」、「姓名」 in Chinese, “证件号码”, “姓名” in English."""
    quoted = [pgettext("quoted name", "「%(name)s」") % {"name": name} for name in names]
    return pgettext("list separator", "、").join(quoted)


def _chunks(
    kind: str, rows: Iterator[tuple[int, list[Any]]], positions: dict[str, int], tally: Tally,
    facts: dict[int, dict[str, Any]] | None = None,
) -> Iterator[tuple[list[Row], int]]:
    """Non-empty rows in chunks of PROGRESS_EVERY, with how many file rows each chunk covered
    (and each with its facts from the dry run, when the commit reads its row cache)."""
    chunk: list[Row] = []
    read = 0
    example = _example_cells(columns_for(kind), positions)
    for number, cells in rows:
        read += 1
        if is_blank(cells):
            pass
        elif _is_example(cells, example):
            tally.notes.append(_("第%(row)d行是导入模板中的示例行，已跳过。") % {"row": number})
        else:
            chunk.append(Row(number=number, cells=cells, kind=kind, positions=positions,
                             facts=facts.pop(number, None) if facts is not None else None))
        if read >= PROGRESS_EVERY:
            yield chunk, read
            chunk, read = [], 0
    if chunk or read:
        yield chunk, read


def _example_cells(columns: list[Column], positions: dict[str, int]) -> dict[int, str]:
    return {positions[column.key]: column.example for column in columns if column.key in positions}


def _is_example(cells: list[Any], example: dict[int, str]) -> bool:
    """The template's example row, left in place: skipped rather than imported as a real person."""
    return all(
        normalise_text(cell_text(cells[position] if position < len(cells) else None)) == value
        for position, value in example.items()
    )


def _plan(planner: Planner, row: Row, tally: Tally, rejects: RejectsWorkbook) -> Plan | None:
    try:
        plan = planner.plan(row)
    except DuplicateRow as duplicate:
        tally.duplicates.append({"row": row.number, "first": duplicate.first})
        return None
    except RowError as error:
        reason = error.reason(row.number)
        tally.add(row.number, REJECTED, "", reason)
        if error.unknown is not None and error.column is not None:
            tally.add_unknown(error.column.header, error.unknown, row.number)
        rejects.add(row.cells, reason)
        return None
    tally.add(row.number, plan.action, plan.summary)
    return plan


def _report_progress(job: ImportJob, processed: int, total: int, on_progress: Progress | None) -> None:
    _update(job, processed_rows=processed, total_rows=total)
    if on_progress is not None:
        on_progress(processed, total)


def _apply(plans: list[tuple[int, Plan]], planner: Planner) -> None:
    """Every accepted row in one transaction: all saved, or (on any error) none."""
    number = 0
    try:
        with transaction.atomic():
            for row_number, plan in plans:
                number = row_number
                assert plan.apply is not None
                plan.apply()
            number = 0
            planner.flush()
    except Exception as error:
        logger.exception("Import commit failed at row %s", number)
        where = _("第%(row)d行") % {"row": number} if number else _("批量保存")
        raise SaveFailed(_("保存%(where)s时出错（%(error)s），整个文件没有保存任何数据。") % {
            "where": where, "error": error.__class__.__name__,
        }) from error
