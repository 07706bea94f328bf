"""``manage.py purge_orphan_photos [--hours N] [--dry-run]``: delete photo files no case refers to.

They are left behind when a transaction that stored a photo rolled back (``cases.photofiles``).
Run it daily (a systemd timer or cron); files younger than ``--hours`` (24) are kept, since they
may belong to a request still in progress.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cases.photofiles import purge_orphan_photos


class Command(BaseCommand):
    help = "Delete stored case photo files that no case refers to (left by rolled-back transactions)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=24, help="Keep files younger than this (default 24).")
        parser.add_argument("--dry-run", action="store_true", help="Only list the files.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["hours"] < 1:
            raise CommandError(_("--hours 至少为 1。"))
        found = purge_orphan_photos(older_than=datetime.timedelta(hours=options["hours"]),
                                    dry_run=options["dry_run"])
        for name in found:
            self.stdout.write(name)
        message = _("找到 %(n)d 个无主照片文件。") if options["dry_run"] else _("已删除 %(n)d 个无主照片文件。")
        self.stdout.write(message % {"n": len(found)})
