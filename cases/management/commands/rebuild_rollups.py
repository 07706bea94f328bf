"""``manage.py rebuild_rollups [--since YYYY-MM-DD] [--compact]``: the statistics rollups.

The transitions keep the rollups in step (``cases.rollups``); run this once after installing
them, after loading cases in bulk (``generate_city`` runs it itself), or to repair them. With
``--since`` only the cases reported on or after that (local) day are recomputed; rows of older
reporting days stay as they are. Each case's current contribution is booked on its reporting
day, in one transaction that holds transitions' bookings back until it commits.

``--compact`` rebuilds nothing: it sums the rollup rows of the booking days closed since the
last run into the monthly slices (``cases.rollups.compact``). Run it daily (``make run`` does,
with the other housekeeping); running it twice, or late, is harmless.
"""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.rollups import compact, rebuild


class Command(BaseCommand):
    help = "Recompute the statistics rollups from the cases (all, or those reported since a day)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", default=None, help="Only cases reported on or after this day (YYYY-MM-DD).")
        parser.add_argument("--compact", action="store_true", help="Only sum closed booking days into the slices.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["compact"]:
            self.stdout.write(f"rollup slices touched: {compact()}")
            return
        since = None
        if options["since"]:
            try:
                since = datetime.date.fromisoformat(options["since"])
            except ValueError as error:
                raise CommandError("--since must be a date like 2026-03-01.") from error
        began = time.monotonic()
        rows = rebuild(since)
        self.stdout.write(f"rollups rebuilt: {rows} rows in {time.monotonic() - began:.1f} s")
