"""``manage.py import_boundaries FILE [--crs GCJ02] [--dry-run] [--user USERNAME]``.

Imports a GeoJSON FeatureCollection of boundaries exactly like the import page: all or
nothing, with the same report. With ``--user`` the import checks that user's permission
(``areas.manage_boundaries`` over every area touched) and records them in the audit log;
without it the command runs as the system, trusted like any shell access to the server.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from areas.boundaries import ImportReport, import_boundaries


class Command(BaseCommand):
    help = "Import area boundaries from a GeoJSON FeatureCollection (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="GeoJSON file ('-' reads standard input)")
        parser.add_argument("--crs", default=None, help="Coordinate system of the file: WGS84, GCJ02 or BD09")
        parser.add_argument("--dry-run", action="store_true", help="Validate and report without saving")
        parser.add_argument("--user", default=None, help="Import as this user (permission check and audit)")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(_("没有名为 %(name)s 的有效用户。") % {"name": options["user"]})
        source = self._read(options["file"])
        report = import_boundaries(source, actor=actor, coordinate_system=options["crs"], dry_run=options["dry_run"])
        if not report.ok:
            for problem in report.problems:
                where = _("第 %(n)d 个要素") % {"n": problem.number} if problem.number else _("整个文件")
                self.stderr.write(f"{where}\t{problem.code or '-'}\t{problem.field}\t{problem.message}")
            raise CommandError(_("文件未导入：发现 %(n)d 个问题，没有保存任何数据。") % {"n": len(report.problems)})
        self.stdout.write(self._summary(report))

    def _read(self, name: str) -> bytes:
        if name == "-":
            return sys.stdin.buffer.read()
        try:
            return Path(name).read_bytes()
        except OSError as error:
            raise CommandError(_("无法读取文件 %(name)s：%(error)s") % {"name": name, "error": error}) from error

    def _summary(self, report: ImportReport) -> str:
        counts = {
            "created": len(report.created), "updated": len(report.updated), "unchanged": len(report.unchanged),
            "system": report.coordinate_system.value,
        }
        if report.dry_run:
            return _("检查通过（只检查，未保存）：正式导入将新建 %(created)d 个、更新 %(updated)d 个区域，"
                     "%(unchanged)d 个没有变化（坐标系 %(system)s）。") % counts
        return _("导入成功：新建 %(created)d 个、更新 %(updated)d 个区域，%(unchanged)d 个没有变化"
                 "（坐标系 %(system)s）。") % counts
