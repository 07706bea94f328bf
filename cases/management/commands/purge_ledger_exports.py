"""``manage.py purge_ledger_exports [--days N]``: delete ledger exports past their retention.

A ledger export holds names, addresses and descriptions of cases. Run this daily (a systemd
timer or cron; ``make run`` runs it once a day too): exports asked for more than ``--days``
(``CASES_LEDGER_EXPORT_RETENTION_DAYS``, 3) days ago are deleted with their files. See
``cases.ledger_exports``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cases.ledger_exports import purge_ledger_exports


class Command(BaseCommand):
    help = "Delete ledger exports (and their files) older than the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None,
                            help="Keep exports younger than this (default CASES_LEDGER_EXPORT_RETENTION_DAYS).")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else settings.CASES_LEDGER_EXPORT_RETENTION_DAYS
        if days < 1:
            raise CommandError(_("--days 至少为 1。"))
        count = purge_ledger_exports(older_than=datetime.timedelta(days=days))
        self.stdout.write(_("已删除 %(n)d 个超过保留期限的台账导出。") % {"n": count})
