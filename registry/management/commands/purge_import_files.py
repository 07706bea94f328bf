"""``manage.py purge_import_files [--days N] [--dry-run]``: delete import files past their retention.

Uploaded rosters and rejected-rows workbooks hold ID numbers in clear. Run this daily (a
systemd timer or cron; ``make run`` runs it once a day too): the files of import jobs untouched
for ``--days`` (``REGISTRY_IMPORT_RETENTION_DAYS``, 7) are deleted, and the jobs keep their
reports. See ``registry.imports.retention``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from registry.imports.retention import purge_import_files


class Command(BaseCommand):
    help = "Delete uploaded rosters and rejected-rows workbooks of import jobs older than the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None,
                            help="Keep the files of jobs younger than this (default REGISTRY_IMPORT_RETENTION_DAYS).")
        parser.add_argument("--dry-run", action="store_true", help="Only list the files.")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else settings.REGISTRY_IMPORT_RETENTION_DAYS
        if days < 1:
            raise CommandError(_("--days 至少为 1。"))
        found = purge_import_files(older_than=datetime.timedelta(days=days), dry_run=options["dry_run"])
        if options["dry_run"] or options["verbosity"] > 1:
            for name in found:
                self.stdout.write(name)
        message = _("找到 %(n)d 个超过保留期限的导入文件。") if options["dry_run"] else _(
            "已删除 %(n)d 个超过保留期限的导入文件。")
        self.stdout.write(message % {"n": len(found)})
