"""Monthly partitions of the two big tables on PostgreSQL (native declarative partitioning).

The case timeline (``cases_caseevent``, by ``time``) and the inbox (``cases_notification``, by
``created_at``) grow with every action; at city scale they are the largest tables. On PostgreSQL
each is a partitioned table, one partition a month (``cases_caseevent_p2026_12``) plus a DEFAULT
partition (``cases_caseevent_default``) that takes any row no month partition covers, so an insert
never fails. Months are calendar months in ``TIME_ZONE`` (Asia/Shanghai).

* The primary key is ``(id, time)`` / ``(id, created_at)`` in SQL (PostgreSQL wants the partition
  key in every unique constraint); Django still knows ``id`` as the key. Ids come from the
  table's identity sequence, so they stay unique, but the database no longer enforces it alone.
* Foreign keys *to* ``cases_caseevent`` cannot be constraints (a partitioned ``id`` is not unique
  on its own): they are ``db_constraint=False`` relations, kept whole by Django's collector.
* ``convert`` (the migration ``cases.0014``) turns a plain table with its rows into a partitioned
  one, ``unconvert`` back; ``ensure`` creates the coming months (daily); ``detach`` takes old months
  out of the live table as standalone ``…_archive_YYYY_MM`` tables to dump and drop.

SQLite has none of this: the tables stay plain there (``supported`` is false).
"""

from __future__ import annotations

import datetime
import re
import time
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import OperationalError, transaction
from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from cases.models.case import FINAL_STATUSES

T = TypeVar("T")


@dataclass(frozen=True)
class BigTable:
    table: str
    column: str


CASE_EVENTS = BigTable("cases_caseevent", "time")
NOTIFICATIONS = BigTable("cases_notification", "created_at")
BIG_TABLES = (CASE_EVENTS, NOTIFICATIONS)
MONTHS_AHEAD = 3
MONTH_SUFFIX = re.compile(r"_p(\d{4})_(\d{2})$")


class PartitionError(Exception):
    """A partition operation refused: the message says why and what to do."""


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, moment: datetime.datetime) -> Month:
        local = timezone.localtime(moment, _zone())
        return cls(local.year, local.month)

    @classmethod
    def current(cls) -> Month:
        return cls.of(timezone.now())

    @classmethod
    def parse(cls, text: str) -> Month:
        match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise PartitionError(f"{text!r} is not a month: write YYYY-MM, e.g. 2025-01.")
        return cls(int(match.group(1)), int(match.group(2)))

    def plus(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def start(self) -> datetime.datetime:
        return datetime.datetime(self.year, self.month, 1, tzinfo=_zone())

    def literal(self) -> str:
        """The month's first instant as a timestamptz literal for partition bounds."""
        return "'" + self.start().isoformat() + "'"

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def suffix(self) -> str:
        return f"{self.year:04d}_{self.month:02d}"


@dataclass(frozen=True)
class Partition:
    name: str
    month: Month | None  # None: the DEFAULT partition (or one not made here)
    bound: str
    rows: int
    bytes: int


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def supported(connection: BaseDatabaseWrapper = default_connection) -> bool:
    return connection.vendor == "postgresql"


def partition_name(big: BigTable, month: Month) -> str:
    return f"{big.table}_p{month.suffix()}"


def default_name(big: BigTable) -> str:
    return f"{big.table}_default"


def archive_name(big: BigTable, month: Month) -> str:
    return f"{big.table}_archive_{month.suffix()}"


def _q(connection: BaseDatabaseWrapper, name: str) -> str:
    return str(connection.ops.quote_name(name))


def _exists(cursor: Any, name: str) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f'public."{name}"'])
    return bool(cursor.fetchone()[0])


def is_partitioned(cursor: Any, table: str) -> bool:
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
        "WHERE c.oid = to_regclass(%s))", [f'public."{table}"'],
    )
    return bool(cursor.fetchone()[0])


def _columns(cursor: Any, table: str) -> list[str]:
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped "
        "ORDER BY attnum", [f'public."{table}"'],
    )
    return [row[0] for row in cursor.fetchall()]


def _month_bounds(connection: BaseDatabaseWrapper, big: BigTable, month: Month) -> str:
    column = _q(connection, big.column)
    return f"{column} >= {month.literal()} AND {column} < {month.plus(1).literal()}"


# --- Converting a plain table (the migration) --------------------------------------------------


def convert(connection: BaseDatabaseWrapper, big: BigTable, months_ahead: int = MONTHS_AHEAD) -> None:
    """Turn the plain table ``big`` (with its rows) into a monthly-partitioned one, in place.

    Keeps the column order, defaults, identity sequence (its next value), the indexes Django made
    (same names, now on the parent, so on every partition) and the outgoing foreign keys. Refuses
    while another table still has a foreign-key constraint to it. Runs inside the migration's
    transaction: all or nothing.
    """
    with connection.cursor() as cursor:
        if is_partitioned(cursor, big.table):
            return
        months = _months_with_rows(connection, cursor, big) | _coming(months_ahead)
        _rebuild(connection, cursor, big, partitioned=True, months=sorted(months))
        # The rebuilt tables have no planner statistics until autovacuum visits the partitions,
        # and autovacuum never analyses a partitioned parent: without this a migrated site plans
        # its first hours of requests as if the timeline were empty.
        cursor.execute(f"ANALYZE {_q(connection, big.table)}")


def unconvert(connection: BaseDatabaseWrapper, big: BigTable) -> None:
    """The reverse of ``convert``: one plain table with every attached partition's rows.

    Rows of detached (archived) months are not brought back.
    """
    with connection.cursor() as cursor:
        if not is_partitioned(cursor, big.table):
            return
        _rebuild(connection, cursor, big, partitioned=False, months=[])


def _months_with_rows(connection: BaseDatabaseWrapper, cursor: Any, big: BigTable) -> set[Month]:
    cursor.execute(
        f"SELECT DISTINCT date_trunc('month', {_q(connection, big.column)} AT TIME ZONE %s) "
        f"FROM {_q(connection, big.table)}", [settings.TIME_ZONE],
    )
    return {Month(row[0].year, row[0].month) for row in cursor.fetchall()}


def _coming(months_ahead: int) -> set[Month]:
    now = Month.current()
    return {now.plus(n) for n in range(months_ahead + 1)}


def _rebuild(connection: BaseDatabaseWrapper, cursor: Any, big: BigTable, *, partitioned: bool,
             months: list[Month]) -> None:
    q = lambda name: _q(connection, name)  # noqa: E731
    table, old = big.table, f"{big.table}_old"
    _settle_deferred(cursor)
    cursor.execute(
        "SELECT conrelid::regclass::text, conname FROM pg_constraint "
        "WHERE contype = 'f' AND confrelid = to_regclass(%s)",
        [f'public."{table}"'],
    )
    incoming = cursor.fetchall()
    if incoming:
        names = ", ".join(f"{rel}.{name}" for rel, name in incoming)
        raise PartitionError(
            f"{table} is referenced by foreign-key constraints ({names}); make them db_constraint=False first."
        )
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cursor.fetchone()[0]
    cursor.execute(f"ALTER TABLE {q(table)} RENAME TO {q(old)}")
    if sequence:
        cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {q(old + '_id_seq')}")
    # What Django made besides the key: indexes and outgoing foreign keys, recreated by name below.
    cursor.execute(
        "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = to_regclass(%s) AND NOT indisprimary "
        "ORDER BY indexrelid", [f'public."{old}"'],
    )
    indexes = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = to_regclass(%s) "
        "AND contype = 'f' ORDER BY conname", [f'public."{old}"'],
    )
    foreign_keys = cursor.fetchall()
    if any(" UNIQUE " in definition for definition in indexes) and partitioned:
        raise PartitionError(f"{table} has a unique index without {big.column}; it cannot be partitioned.")
    like = (f"(LIKE {q(old)} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING STORAGE "
            "INCLUDING COMMENTS INCLUDING COMPRESSION)")
    if partitioned:
        cursor.execute(f"CREATE TABLE {q(table)} {like} PARTITION BY RANGE ({q(big.column)})")
        for month in months:
            cursor.execute(
                f"CREATE TABLE {q(partition_name(big, month))} PARTITION OF {q(table)} "
                f"FOR VALUES FROM ({month.literal()}) TO ({month.plus(1).literal()})"
            )
        cursor.execute(f"CREATE TABLE {q(default_name(big))} PARTITION OF {q(table)} DEFAULT")
    else:
        cursor.execute(f"CREATE TABLE {q(table)} {like}")
    if sequence:
        cursor.execute(f"SELECT last_value, is_called FROM {q(old + '_id_seq')}")
        last_value, is_called = cursor.fetchone()
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, %s)", [table, last_value, is_called])
    columns = ", ".join(q(name) for name in _columns(cursor, old))
    cursor.execute(f"INSERT INTO {q(table)} ({columns}) SELECT {columns} FROM {q(old)}")
    cursor.execute(f"DROP TABLE {q(old)}")  # with its partitions when unconverting; never CASCADE
    key = f"id, {q(big.column)}" if partitioned else "id"
    cursor.execute(f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(table + '_pkey')} PRIMARY KEY ({key})")
    on_old = re.compile(r" ON (?:ONLY )?(?:\w+\.)?\"?" + re.escape(old) + r"\"? USING ")
    for definition in indexes:
        cursor.execute(on_old.sub(f" ON {q(table)} USING ", definition, count=1))
    for name, definition in foreign_keys:
        cursor.execute(f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(name)} {definition}")


# --- Daily upkeep: the coming months ------------------------------------------------------------


def ensure(months_ahead: int = MONTHS_AHEAD, *, since: Month | None = None,
           connection: BaseDatabaseWrapper = default_connection) -> list[str]:
    """Create the partitions of this month and the next ``months_ahead``, of every month whose
    rows wait in the DEFAULT partition (those rows move into it) and, given ``since``, of every
    month from then on (before writing a history in bulk). Returns the partitions made.

    Running it twice makes nothing the second time. Each month is its own short transaction.
    """
    made: list[str] = []
    past: set[Month] = set()
    while since is not None and since < Month.current():
        past.add(since)
        since = since.plus(1)
    for big in BIG_TABLES:
        with connection.cursor() as cursor:
            months = _coming(months_ahead) | past | _months_in_default(connection, cursor, big)
        for month in sorted(months):
            if _add_month(connection, big, month):
                made.append(partition_name(big, month))
    return made


def _months_in_default(connection: BaseDatabaseWrapper, cursor: Any, big: BigTable,
                       before: Month | None = None) -> set[Month]:
    cursor.execute(
        f"SELECT DISTINCT date_trunc('month', {_q(connection, big.column)} AT TIME ZONE %s) "
        f"FROM {_q(connection, default_name(big))}", [settings.TIME_ZONE],
    )
    months = {Month(row[0].year, row[0].month) for row in cursor.fetchall()}
    return {month for month in months if before is None or month < before}


def _add_month(connection: BaseDatabaseWrapper, big: BigTable, month: Month) -> bool:
    """Make the month's partition unless it is there. Rows of that month waiting in DEFAULT are
    moved into it first (PostgreSQL refuses a partition whose rows sit in DEFAULT).

    The partition is made as a table and attached (``ATTACH`` needs only a SHARE UPDATE EXCLUSIVE
    lock on the parent, so reads and writes of other months go on); the locks it needs are taken
    first, each waiting at most ``LOCK_TIMEOUT`` (``_locked``).
    """
    q = lambda name: _q(connection, name)  # noqa: E731
    name, default = partition_name(big, month), default_name(big)
    bounds = f"FOR VALUES FROM ({month.literal()}) TO ({month.plus(1).literal()})"
    with connection.cursor() as cursor:
        if _exists(cursor, name):
            return False

    def work(cursor: Any) -> bool:
        if _exists(cursor, name):  # made meanwhile by another run
            return False
        where = _month_bounds(connection, big, month)
        columns = ", ".join(q(column) for column in _columns(cursor, big.table))
        cursor.execute(f"CREATE TABLE {q(name)} (LIKE {q(big.table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
                       "INCLUDING STORAGE INCLUDING COMPRESSION)")
        cursor.execute(f"WITH moved AS (DELETE FROM {q(default)} WHERE {where} RETURNING {columns}) "
                       f"INSERT INTO {q(name)} ({columns}) SELECT {columns} FROM moved")
        cursor.execute(f"ALTER TABLE {q(big.table)} ATTACH PARTITION {q(name)} {bounds}")
        return True

    return _under_locks(connection, big, "SHARE UPDATE EXCLUSIVE", work, also_default=True)


LOCK_TIMEOUT = "2s"
LOCK_ATTEMPTS = 5
LOCK_PAUSE_SECONDS = 3.0


def _under_locks(connection: BaseDatabaseWrapper, big: BigTable, parent_mode: str, work: Callable[[Any], T], *,
                 also_default: bool = False) -> T:
    """``work(cursor)`` in a transaction that first takes every lock the partition DDL will need:
    the parent, the DEFAULT partition, and the tables its foreign keys point to (attaching or
    detaching a partition locks them SHARE ROW EXCLUSIVE).

    Taking them all first means the DDL never waits while holding some, so it cannot deadlock
    with a request that, say, updated a case and then writes a timeline entry. Each lock waits
    at most ``LOCK_TIMEOUT``; on a timeout the transaction is rolled back (nothing held, nothing
    changed) and tried again, ``LOCK_ATTEMPTS`` times, before the error is raised.
    """
    q = lambda name: _q(connection, name)  # noqa: E731
    for attempt in range(1, LOCK_ATTEMPTS + 1):
        locked = False
        try:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                _settle_deferred(cursor)
                cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
                cursor.execute(f"LOCK TABLE ONLY {q(big.table)} IN {parent_mode} MODE")
                cursor.execute(
                    "SELECT DISTINCT confrelid::regclass::text FROM pg_constraint "
                    "WHERE conrelid = to_regclass(%s) AND contype = 'f' ORDER BY 1", [f'public."{big.table}"'],
                )
                for (referenced,) in cursor.fetchall():
                    cursor.execute(f"LOCK TABLE ONLY {referenced} IN SHARE ROW EXCLUSIVE MODE")
                if also_default:
                    cursor.execute(f"LOCK TABLE {q(default_name(big))} IN ACCESS EXCLUSIVE MODE")
                cursor.execute("SET LOCAL lock_timeout = DEFAULT")
                locked = True
                return work(cursor)
        except OperationalError as error:
            if locked or getattr(error.__cause__, "sqlstate", None) != "55P03" or attempt == LOCK_ATTEMPTS:
                raise
            time.sleep(LOCK_PAUSE_SECONDS)
    raise AssertionError("unreachable")


def _settle_deferred(cursor: Any) -> None:
    """Run the foreign-key checks the surrounding transaction deferred: PostgreSQL refuses to alter
    a table with pending checks. (The daily run starts fresh and has none; a caller inside a
    transaction with fresh rows, a test, has them checked now instead of at commit.)"""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


# --- Looking --------------------------------------------------------------------------------------


def partitions(big: BigTable, connection: BaseDatabaseWrapper = default_connection) -> list[Partition]:
    """The attached partitions, oldest month first, DEFAULT last, with exact row counts and sizes."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), pg_total_relation_size(c.oid) "
            "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(%s)",
            [f'public."{big.table}"'],
        )
        rows = cursor.fetchall()
        found = []
        for name, bound, size in rows:
            cursor.execute(f"SELECT count(*) FROM {_q(connection, name)}")
            match = MONTH_SUFFIX.search(name)
            month = Month(int(match.group(1)), int(match.group(2))) if match else None
            found.append(Partition(name, month, bound, cursor.fetchone()[0], size))
    return sorted(found, key=lambda p: (p.month is None, p.month or Month(0, 1), p.name))


def archives(big: BigTable, connection: BaseDatabaseWrapper = default_connection) -> list[str]:
    """Standalone tables left by ``detach``, waiting to be dumped and dropped."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND NOT relispartition AND relname LIKE %s "
            "ORDER BY relname", [big.table.replace("_", r"\_") + r"\_archive\_%"],
        )
        return [row[0] for row in cursor.fetchall()]


# --- Archiving old months -------------------------------------------------------------------------


def detach(before: Month, connection: BaseDatabaseWrapper = default_connection) -> list[str]:
    """Take every month before ``before`` out of the live tables; returns the archive tables made.

    Rows of those months still waiting in DEFAULT are first moved into their month's partition,
    so nothing older than ``before`` stays live. Each partition is detached (not CONCURRENTLY:
    PostgreSQL allows that only without a DEFAULT partition) and renamed
    ``<table>_archive_YYYY_MM``; its foreign-key constraints are dropped, so an archive never
    blocks deleting a case or a user. Refused: the current and future months, a month whose
    archive table exists, and months holding entries of cases still running (not in a final
    state: the rules of a running case read its whole timeline).
    """
    if before > Month.current():
        raise PartitionError(
            f"{before} is after the current month {Month.current()}: only past months can be archived."
        )
    plan: list[tuple[BigTable, Partition]] = []
    for big in BIG_TABLES:
        with connection.cursor() as cursor:
            for month in sorted(_months_in_default(connection, cursor, big, before=before)):
                _add_month(connection, big, month)
        plan += [(big, p) for p in partitions(big, connection) if p.month is not None and p.month < before]
    with connection.cursor() as cursor:
        names = [archive_name(big, p.month) for big, p in plan if p.month is not None]
        taken = [name for name in names if _exists(cursor, name)]
        running = _running_cases(connection, cursor, [p.name for big, p in plan if big == CASE_EVENTS])
    if taken:
        raise PartitionError(f"Archive tables already exist: {', '.join(taken)}. Dump and drop them first.")
    if running:
        raise PartitionError(
            f"Cases still running have timeline entries in these months (e.g. {', '.join(running)}): their "
            "rules read the whole timeline. Archive earlier months, or wait until those cases are finished."
        )
    made = []
    for big, partition in plan:
        assert partition.month is not None
        made.append(_detach_one(connection, big, partition.name, archive_name(big, partition.month)))
    return made


def _running_cases(connection: BaseDatabaseWrapper, cursor: Any, names: list[str]) -> list[str]:
    """Up to five numbers of cases not yet finished with entries in these partitions."""
    if not names:
        return []
    entries = " UNION ALL ".join(f"SELECT case_id FROM {_q(connection, name)}" for name in names)
    cursor.execute(
        f"SELECT COALESCE(number, id::text) FROM cases_case WHERE id IN ({entries}) "
        "AND NOT status = ANY(%s) ORDER BY 1 LIMIT 5",
        [sorted(str(status) for status in FINAL_STATUSES)],
    )
    return [row[0] for row in cursor.fetchall()]


def _detach_one(connection: BaseDatabaseWrapper, big: BigTable, name: str, archive: str) -> str:
    q = lambda n: _q(connection, n)  # noqa: E731

    def work(cursor: Any) -> str:
        cursor.execute(f"ALTER TABLE {q(big.table)} DETACH PARTITION {q(name)}")
        cursor.execute(f"ALTER TABLE {q(name)} RENAME TO {q(archive)}")
        cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = to_regclass(%s) AND contype = 'f'",
                       [f'public."{archive}"'])
        for (constraint,) in cursor.fetchall():
            cursor.execute(f"ALTER TABLE {q(archive)} DROP CONSTRAINT {q(constraint)}")
        return archive

    return _under_locks(connection, big, "ACCESS EXCLUSIVE", work)
