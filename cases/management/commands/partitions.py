"""``manage.py partitions ensure|list|detach``: the monthly partitions of the case timeline and
the inbox on PostgreSQL (``cases.partitions``).

* ``ensure [--months N]`` creates this month's and the next N months' partitions (3), and those of
  months whose rows wait in the DEFAULT partition, moving the rows. Run it daily (``make run``
  does; a systemd timer in production, docs/scaling.md). Running it twice does nothing more.
* ``list`` shows each partition with its range, rows and size, and the archive tables left.
* ``detach --before YYYY-MM`` takes every month before YYYY-MM out of the live tables; each
  becomes a standalone table ``<table>_archive_YYYY_MM`` to dump (``pg_dump -t``) and drop. The
  current and future months are refused. The unread counts of the inbox badge are recounted
  afterwards (``manage.py recount_inbox``).

On SQLite the tables are not partitioned; the command says so and does nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases import partitions
from cases.inbox import unread_recount_all
from cases.partitions import BIG_TABLES, Month, PartitionError


class Command(BaseCommand):
    help = "Monthly partitions of the case timeline and the inbox (PostgreSQL): ensure, list, detach."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        ensure = actions.add_parser("ensure", help="Create the partitions of this month and the next months.")
        ensure.add_argument("--months", type=int, default=partitions.MONTHS_AHEAD,
                            help=f"Months ahead of this one (default {partitions.MONTHS_AHEAD}).")
        actions.add_parser("list", help="The partitions with their rows and sizes, and the archive tables.")
        detach = actions.add_parser("detach", help="Archive every month before YYYY-MM as standalone tables.")
        detach.add_argument("--before", required=True, metavar="YYYY-MM",
                            help="The first month that stays live; must not be after the current month.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not partitions.supported():
            self.stdout.write("Partitioning is PostgreSQL-only: on this database the case timeline and the "
                              "inbox are plain tables, and there is nothing to do.")
            return
        try:
            getattr(self, f"_{options['action']}")(options)
        except PartitionError as error:
            raise CommandError(str(error)) from error

    def _ensure(self, options: dict[str, Any]) -> None:
        if options["months"] < 0:
            raise CommandError("--months must be 0 or more.")
        made = partitions.ensure(options["months"])
        for name in made:
            self.stdout.write(f"created {name}")
        self.stdout.write(f"{len(made)} partition(s) created; up to {Month.current().plus(options['months'])} covered.")

    def _list(self, options: dict[str, Any]) -> None:
        for big in BIG_TABLES:
            self.stdout.write(f"{big.table} (by {big.column})")
            for p in partitions.partitions(big):
                self.stdout.write(f"  {p.name:<32} {p.rows:>12,} rows {p.bytes / 1048576:>10.1f} MB  {p.bound}")
            for name in partitions.archives(big):
                self.stdout.write(f"  {name:<32} archived (detached): dump and drop it")

    def _detach(self, options: dict[str, Any]) -> None:
        before = Month.parse(options["before"])
        made = partitions.detach(before)
        for name in made:
            self.stdout.write(f"detached {name}")
        self.stdout.write(f"{len(made)} partition(s) archived; months before {before} have left the live tables.")
        if made:
            # Unread notifications of those months left the inbox without leaving its counts.
            self.stdout.write(f"{unread_recount_all()} unread count(s) of the inbox corrected.")
