"""Keeping the statistics rollups (``CaseRollup``) in step with the cases.

A case's **contribution** is its key (reporting day, grid, category, lead unit, channel, status,
rating, dispute, ever overdue) and its counters (1 or 0 for each figure of ``Figures``, its
handling time and histogram bucket when closed). ``contribution`` is the one definition; the
live reference (``cases.statistics``) and the property test check that they agree.

* Every transition saves the case through ``cases.workflow.save_case``, which reads the case's
  old contribution before saving and books the difference (``book_change``); a new case (上报,
  拆分) is booked by ``cases.workflow.record`` (``book_new``). Booking is an
  ``INSERT … ON CONFLICT DO UPDATE SET n = n + delta`` on today's row of each key touched, in the
  transaction of the transition: no hot counter row, two intakes wait for each other only when
  they share the day, grid, category and channel.
* Deltas are booked on **today** (the day of the event, site time zone): rows of past booking
  days are never written again, so history does not change; a late event for an old case (a
  rating a month after closing) is a row booked today that moves the old case's contribution.
* ``rebuild`` (``manage.py rebuild_rollups [--since DAY]``) recomputes from the cases; it books
  each case's current contribution on its reporting day.
"""

from __future__ import annotations

import datetime
import functools
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from areas.models import PREFIX_LENGTH, Level
from cases.filters import local_day_start
from cases.models import (
    Case,
    CaseRollup,
    CaseRollupSlice,
    Dispute,
    Outcome,
    Rating,
    RatingSource,
    RollupWatermark,
    SliceDimension,
    Status,
)
from cases.models.rollup import BUCKET_FIELDS, bucket_of

SLICE_KEY = ("month", "area_code", "dimension", "value", "level")
# The code lengths summed into slices: province, city, district, street, community.
SLICE_LEVELS = tuple(PREFIX_LENGTH[level] for level in (Level.PROVINCE, Level.CITY, Level.DISTRICT, Level.STREET,
                                                         Level.COMMUNITY))
# The rollup column each slice dimension sums by (none: the total).
SLICE_COLUMNS = {
    SliceDimension.TOTAL: None,
    SliceDimension.CATEGORY: "category_id",
    SliceDimension.CHANNEL: "channel",
    SliceDimension.UNIT: "unit_id",
}
KEY_FIELDS = ("day", "grid_code", "category_id", "unit_id", "channel", "status", "rating", "dispute", "ever_overdue")
COUNT_FIELDS = (
    "reported",
    "accepted",
    "closed",
    "on_time",
    "overdue",
    "rated",
    "satisfied",
    "dissatisfied",
    "unrated",
    "self_rated",
    "self_satisfied",
    "callback_rated",
    "callback_satisfied",
    "duplicates",
    "merged_unaccepted",
    "duration_count",
    "duration_ms",
    *BUCKET_FIELDS,
)
# The case columns a contribution reads (plus whether a dispute record exists).
CASE_FIELDS = (
    "reported_at",
    "grid_code",
    "category_id",
    "lead_organisation_id",
    "channel",
    "status",
    "rating",
    "rating_source",
    "outcome",
    "accepted_at",
    "closed_at",
    "ever_overdue",
    "accept_overdue",
    "dispatch_overdue",
    "handle_overdue",
    "verify_overdue",
    "close_overdue",
)
STAGE_FLAGS = (
    "ever_overdue",
    "accept_overdue",
    "dispatch_overdue",
    "handle_overdue",
    "verify_overdue",
    "close_overdue",
)
GOOD = (Rating.SATISFIED, Rating.BASICALLY)

Key = tuple[Any, ...]
Counts = dict[str, int]


def contribution(values: Mapping[str, Any], dispute: bool) -> tuple[Key, Counts]:
    """The key and counters one case adds to the rollups (the definitions of ``cases.statistics``)."""
    status, rating, source = values["status"], values["rating"] or "", values["rating_source"] or ""
    closed = status == Status.CLOSED
    rated = closed and rating != ""
    satisfied = closed and rating in GOOD
    merged = status == Status.MERGED
    counts = {
        "reported": 1,
        "accepted": values["accepted_at"] is not None and status != Status.SPLIT,
        "closed": closed,
        "on_time": closed and not any(values[flag] is True for flag in STAGE_FLAGS),
        "overdue": bool(values["ever_overdue"]),
        "rated": rated,
        "satisfied": satisfied,
        "dissatisfied": closed and rating == Rating.DISSATISFIED,
        "unrated": closed and rating == "",
        "self_rated": rated and source == RatingSource.SELF,
        "self_satisfied": satisfied and source == RatingSource.SELF,
        "callback_rated": rated and source == RatingSource.CALLBACK,
        "callback_satisfied": satisfied and source == RatingSource.CALLBACK,
        "duplicates": merged or (closed and values["outcome"] == Outcome.DUPLICATE),
        "merged_unaccepted": merged and values["accepted_at"] is None,
    }
    result = {name: int(value) for name, value in counts.items() if value}
    if closed and values["closed_at"] is not None:
        duration = values["closed_at"] - values["reported_at"]
        result["duration_count"] = 1
        result["duration_ms"] = round(duration.total_seconds() * 1000)
        result[BUCKET_FIELDS[bucket_of(duration.total_seconds() / 3600)]] = 1
    key = (
        timezone.localdate(values["reported_at"]),
        values["grid_code"],
        values["category_id"],
        values["lead_organisation_id"] or 0,
        values["channel"],
        status,
        rating,
        bool(dispute),
        bool(values["ever_overdue"]),
    )
    return key, result


def _values_of(case: Case) -> dict[str, Any]:
    return {name: getattr(case, name) for name in CASE_FIELDS}


def _stored(case_pk: int) -> tuple[dict[str, Any], bool]:
    """The case's columns as stored (before an unsaved change) and whether it has a dispute record."""
    row = (
        Case.objects.filter(pk=case_pk)
        .order_by()
        .annotate(has_dispute=Exists(Dispute.objects.filter(case=OuterRef("pk"))))
        .values(*CASE_FIELDS, "has_dispute")
        .get()
    )
    return row, bool(row.pop("has_dispute"))


def stored_contribution(case: Case) -> tuple[Key, Counts, bool]:
    """The contribution of the case as the database holds it (called before saving a change)."""
    values, dispute = _stored(case.pk)
    key, counts = contribution(values, dispute)
    return key, counts, dispute


def book_change(case: Case, before: tuple[Key, Counts, bool]) -> None:
    """Book the difference between the case's stored contribution ``before`` and its state now."""
    old_key, old_counts, dispute = before
    new_key, new_counts = contribution(_values_of(case), dispute)
    _book_deltas(_difference(old_key, old_counts, new_key, new_counts), timezone.localdate())


def book_new(case: Case, dispute: bool | None = None) -> None:
    """Book a new case's contribution (上报, a part of a split); ``dispute``: whether it has a
    ``Dispute`` row, when the caller knows (else it is looked up)."""
    if dispute is None:
        dispute = Dispute.objects.filter(case=case).exists()
    key, counts = contribution(_values_of(case), dispute)
    _book_deltas({key: counts}, timezone.localdate())


def _difference(old_key: Key, old: Counts, new_key: Key, new: Counts) -> dict[Key, Counts]:
    if old_key == new_key:
        delta = {name: new.get(name, 0) - old.get(name, 0) for name in set(old) | set(new)}
        delta = {name: value for name, value in delta.items() if value}
        return {new_key: delta} if delta else {}
    return {old_key: {name: -value for name, value in old.items()}, new_key: dict(new)}


def _book_deltas(deltas: dict[Key, Counts], booked_on: datetime.date) -> None:
    for key, counts in deltas.items():
        if counts:
            emptied = _upsert(CaseRollup, ("booked_on", *KEY_FIELDS), (booked_on, *key), counts)
            if emptied is not None:  # every case of the row left it the same day: it sums to nothing
                CaseRollup.objects.filter(pk=emptied).delete()


def _table(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


@functools.cache
def _upsert_sql(table: str, key_fields: tuple[str, ...], moved: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    columns = [*key_fields, *COUNT_FIELDS]
    setting = ", ".join(f"{quote(name)} = {table}.{quote(name)} + excluded.{quote(name)}" for name in moved)
    empty = " AND ".join(f"{table}.{quote(name)} = 0" for name in COUNT_FIELDS)
    return (
        f"INSERT INTO {table} ({', '.join(quote(name) for name in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(quote(name) for name in key_fields)}) DO UPDATE SET {setting} "
        f"RETURNING {table}.{quote('id')}, CASE WHEN {empty} THEN 1 ELSE 0 END"
    )


def _upsert(model: Any, key_fields: tuple[str, ...], key: Key, counts: Counts) -> int | None:
    """One row created, or its counters moved by ``counts`` (no read first, no lost update);
    returns the row's id when all its counters are now zero."""
    sql = _upsert_sql(_table(model), key_fields, tuple(sorted(counts)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*key, *(counts.get(name, 0) for name in COUNT_FIELDS)])
        row_id, empty = cursor.fetchone()
    return int(row_id) if empty else None


def _lock_rollups(mode: str) -> None:
    """On PostgreSQL, wait for the transitions writing rollup rows to commit, and hold new ones back."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {_table(CaseRollup)} IN {mode} MODE")


# --- slices: the frozen booking days summed per month and area, at each level ----------------

SLICES_GENERATION = "cases:rollups:slices-generation"


def watermark() -> datetime.date | None:
    """The last booking day summed into the slices (None: none yet)."""
    return RollupWatermark.objects.values_list("through", flat=True).first()


def _slice_sums(
    rows: QuerySet[CaseRollup], level: int, dimensions: Iterable[str] = tuple(SLICE_COLUMNS)
) -> Iterator[tuple[Key, Counts]]:
    """(slice key, counters) of ``rows`` summed per month, area of code length ``level`` and each
    of ``dimensions``."""
    sums = {name: Sum(name) for name in COUNT_FIELDS}
    for dimension in dimensions:
        column = SLICE_COLUMNS[SliceDimension(dimension)]
        columns = [column] if column else []
        grouped = (
            rows.order_by()
            .values(*columns, month=TruncMonth("day"), area=Substr("grid_code", 1, level))
            .annotate(**sums)
        )
        for row in grouped:
            counts = {name: int(row[name] or 0) for name in COUNT_FIELDS}
            if any(counts.values()):
                yield (row["month"], row["area"], dimension, str(row[column]) if column else "", level), counts


def _all_slice_sums(rows: QuerySet[CaseRollup]) -> Iterator[tuple[Key, Counts]]:
    for level in SLICE_LEVELS:
        yield from _slice_sums(rows, level)


def compact(until: datetime.date | None = None) -> int:
    """Sum the rollup rows booked after the watermark and up to ``until`` (default yesterday)
    into the slices, and move the watermark; returns the number of slice rows touched. Run daily
    (``manage.py rebuild_rollups --compact``); running it twice changes nothing."""
    until = until or timezone.localdate() - datetime.timedelta(days=1)
    with transaction.atomic():
        _lock_rollups("SHARE")
        mark = RollupWatermark.objects.select_for_update().first()
        if mark is not None and mark.through >= until:
            return 0
        rows = CaseRollup.objects.filter(booked_on__lte=until)
        if mark is not None:
            rows = rows.filter(booked_on__gt=mark.through)
        touched = 0
        for key, counts in _all_slice_sums(rows):
            _upsert(CaseRollupSlice, SLICE_KEY, key, counts)
            touched += 1
        if mark is None:
            RollupWatermark.objects.create(through=until)
        else:
            mark.through = until
            mark.save(update_fields=["through"])
    return touched


def slices_generation() -> int:
    """A number that changes whenever the slices are rebuilt (``compact`` moves the watermark
    instead): what is worked out from the slices up to one watermark can be cached under both."""
    # A generation lost from the cache comes back as a new number, never as one sums were cached under.
    return int(cache.get_or_set(SLICES_GENERATION, time.time_ns, None) or 1)


def new_slices_generation() -> None:
    try:
        cache.incr(SLICES_GENERATION)
    except ValueError:  # evicted meanwhile
        cache.set(SLICES_GENERATION, time.time_ns(), None)


def _rebuild_slices(since: datetime.date | None, chunk: int) -> None:
    """Recompute the slices from the rollup rows (months from ``since``'s on), up to the watermark."""
    # At once, and again once the new slices are committed (a page may cache the old ones meanwhile).
    new_slices_generation()
    transaction.on_commit(new_slices_generation)
    mark = watermark()
    if since is None or mark is None:
        CaseRollupSlice.objects.all().delete()
        RollupWatermark.objects.all().delete()
        mark = timezone.localdate() - datetime.timedelta(days=1)
        RollupWatermark.objects.create(through=mark)
        rows = CaseRollup.objects.filter(booked_on__lte=mark)
    else:
        month = since.replace(day=1)
        CaseRollupSlice.objects.filter(month__gte=month).delete()
        rows = CaseRollup.objects.filter(booked_on__lte=mark, day__gte=month)
    # One level and dimension at a time, read into a list before it is copied: ``COPY`` holds the
    # connection, so the sums cannot be read while it runs, and all of a 1 M-case city's
    # slices at once took gigabytes.
    for level in SLICE_LEVELS:
        for dimension in SLICE_COLUMNS:
            objects = [CaseRollupSlice(**dict(zip(SLICE_KEY, key, strict=True)), **counts)
                       for key, counts in _slice_sums(rows, level, [dimension])]
            _insert(CaseRollupSlice, objects, chunk)


def _insert(model: type[CaseRollup] | type[CaseRollupSlice], objects: list[Any], chunk: int) -> None:
    """``bulk_create``, through ``COPY`` on PostgreSQL: a rollup row has about ninety columns
    (the histogram's buckets), and Django's per-value preparation made the inserts most of a
    rebuild (e.g. 27 of 33 s after a generated city of 5,000 cases). The columns are dates, text,
    integers and booleans, which psycopg writes as they are."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=chunk)
        return
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    names = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as wrapper, wrapper.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in objects:
            copy.write_row([getattr(row, field.attname) for field in fields])


# --- rebuilding --------------------------------------------------------------------------------


def _case_rows(cases: Iterable[Any]) -> Iterator[tuple[dict[str, Any], bool]]:
    for row in cases:
        dispute = bool(row.pop("has_dispute"))
        yield row, dispute


def rebuild(since: datetime.date | None = None, *, chunk: int = 5000) -> int:
    """Recompute the rollups of the cases reported on or after ``since`` (all without), in one
    transaction. Each case's current contribution is booked on its reporting day. Returns the
    number of rows written. The slices of the months concerned are summed again.

    On PostgreSQL the rollup table is locked against writes first (``SHARE ROW EXCLUSIVE``): a
    transition that commits meanwhile waits, then books its delta on top of the rebuilt rows.
    """
    with transaction.atomic():
        _lock_rollups("SHARE ROW EXCLUSIVE")
        rows = CaseRollup.objects.all()
        cases = Case.objects.all()
        if since is not None:
            rows = rows.filter(day__gte=since)
            cases = cases.filter(reported_at__gte=local_day_start(since))
        rows.delete()
        totals: dict[Key, Counts] = {}
        values = (
            cases.order_by()
            .annotate(has_dispute=Exists(Dispute.objects.filter(case=OuterRef("pk"))))
            .values(*CASE_FIELDS, "has_dispute")
            .iterator(chunk_size=chunk)
        )
        for row, dispute in _case_rows(values):
            key, counts = contribution(row, dispute)
            total = totals.setdefault(key, {})
            for name, value in counts.items():
                total[name] = total.get(name, 0) + value
        objects = [
            CaseRollup(booked_on=key[0], **dict(zip(KEY_FIELDS, key, strict=True)), **counts)
            for key, counts in totals.items()
        ]
        _insert(CaseRollup, objects, chunk)
        _rebuild_slices(since, chunk)
        _analyze()
    return len(objects)


def _analyze() -> None:
    """On PostgreSQL, planner statistics for the rewritten tables: without them the planner took
    a freshly rebuilt 800,000-row slice table for a few rows and sorted it on disk (1.2 s for the
    district's category table of a generated city of 1 M cases)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {_table(CaseRollup)}, {_table(CaseRollupSlice)}")


def fill_rollups(using: str = "default", **kwargs: Any) -> None:
    """After ``migrate`` (a ``post_migrate`` receiver): an installation that had cases before the
    statistics rollups existed gets them built once, so its statistics page is right at once."""
    if Case.objects.using(using).exists() and not CaseRollup.objects.using(using).exists():
        rebuild()
