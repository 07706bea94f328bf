"""``manage.py export_boundaries CODE [--crs GCJ02] [--level grid] [-o FILE]``.

Writes the active subtree of an area (or one level of it) as a GeoJSON FeatureCollection
that ``import_boundaries`` reads back unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from areas.boundaries import parse_level
from areas.boundary_export import export_boundaries
from areas.geo import CoordinateSystem
from areas.models import Area


class Command(BaseCommand):
    help = "Export the boundaries of an area and its active descendants as GeoJSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="Code of the area at the top of the export")
        parser.add_argument("--crs", default="WGS84", help="Coordinate system of the output: WGS84, GCJ02 or BD09")
        parser.add_argument("--level", default=None, help="Only this level (district, street, community, grid…)")
        parser.add_argument("-o", "--output", default=None, help="Write to this file instead of standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        area = Area.objects.filter(code=options["code"]).first()
        if area is None:
            raise CommandError(_("没有编码为 %(code)s 的区域。") % {"code": options["code"]})
        try:
            level = parse_level(options["level"]) if options["level"] else None
            system = CoordinateSystem.parse(options["crs"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        collection = export_boundaries(area, level=level, coordinate_system=system)
        text = json.dumps(collection, ensure_ascii=False, indent=1)
        if options["output"]:
            Path(options["output"]).write_text(text + "\n", encoding="utf-8")
            written = {"n": len(collection["features"]), "path": options["output"]}
            self.stderr.write(_("已导出 %(n)d 个要素到 %(path)s。") % written)
        else:
            self.stdout.write(text)
