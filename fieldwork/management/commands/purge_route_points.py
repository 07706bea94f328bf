"""``manage.py purge_route_points [--days N]``: delete patrol route points past their retention.

Run it daily (a systemd timer or cron; ``make run`` runs it once a day too). Points older than
``--days`` (``FIELDWORK_ROUTE_RETENTION_DAYS``, 90) are deleted; the patrols and check-ins stay.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from fieldwork.routes import purge_route_points


class Command(BaseCommand):
    help = "Delete patrol route points older than the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep points younger than this (default FIELDWORK_ROUTE_RETENTION_DAYS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] is not None and options["days"] < 1:
            raise CommandError(_("--days 至少为 1。"))
        deleted = purge_route_points(timezone.now(), days=options["days"])
        self.stdout.write(_("已删除 %(n)d 个超过保留期限的轨迹点。") % {"n": deleted})
