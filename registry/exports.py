"""Filtered registry lists as .xlsx downloads, masked and scoped like the pages.

Workbooks are written with openpyxl's write-only mode to a temporary file while the queryset
is iterated in chunks, so a list of 100,000 residents never sits in memory as a workbook; the
file is then streamed to the client. ID numbers and phones are masked and birth dates cut to
the year (``registry.pii.masked_resident``, the rule of the pages); sensitive care tags appear
only where the user may see them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from typing import IO, Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from registry.models import Building, Resident
from registry.selectors import resident_row

CHUNK_SIZE = 2000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def resident_headers() -> list[str]:
    return [
        _("姓名"), _("性别"), _("出生年份"), _("证件类型"), _("证件号码"), _("联系电话"), _("民族"), _("政治面貌"),
        _("人口类型"), _("状态"), _("所属网格"), _("现住址"), _("关爱标签"), _("核实状态"), _("工作单位或学校"),
    ]


def resident_values(user: Any, resident: Resident) -> list[Any]:
    """One export row: masked identifiers and the birth year (``pii.masked_resident``), visible tags only."""
    row = resident_row(user, resident)
    return [
        resident.name, resident.get_gender_display(), row.masked.birth_year, resident.get_document_type_display(),
        row.masked_id, row.masked_phone, resident.ethnicity, resident.get_political_status_display(),
        resident.get_residency_type_display(), resident.get_status_display(), resident.grid.name, row.address,
        "、".join(tag.name for tag in row.tags), resident.get_verification_state_display(), resident.workplace,
    ]


def building_headers() -> list[str]:
    return [
        _("所属网格"), _("小区"), _("楼栋号/名称"), _("地址"), _("类型"), _("层数"), _("单元数"), _("房屋数"),
        _("核实状态"), _("最近核实时间"),
    ]


def building_values(building: Building) -> list[Any]:
    verified = timezone.localtime(building.verified_at).replace(tzinfo=None) if building.verified_at else None
    return [
        building.grid.name, building.estate, building.name, building.address, building.get_kind_display(),
        building.floors, building.unit_count, getattr(building, "dwelling_count", None),
        building.get_verification_state_display(), verified,
    ]


def text_cell(sheet: Any, value: Any, bold: bool = False) -> WriteOnlyCell:
    """A cell whose text is always text: a name or description typed as "=HYPERLINK(…)" must
    not become a formula in the spreadsheet of whoever opens the export (formula injection)."""
    cell = WriteOnlyCell(sheet, value=value)
    if cell.data_type == "f":
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


def write_workbook(target: IO[bytes], title: str, headers: list[str], rows: Iterable[list[Any]]) -> int:
    """Write one sheet (bold header row, then ``rows``) in write-only mode; returns the row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    # Set before the first row is written (write-only mode streams the sheet's head with it):
    # the header row stays in sight while scrolling, and columns are wide enough to read.
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, 2 * len(str(header)) + 4))
    sheet.append([text_cell(sheet, header, bold=True) for header in headers])
    count = 0
    for row in rows:
        sheet.append([text_cell(sheet, value) for value in row])
        count += 1
    if headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"  # written at the end
    workbook.save(target)
    return count


def xlsx_response(title: str, headers: list[str], rows: Iterable[list[Any]], filename: str) -> FileResponse:
    """The workbook as a download, spooled through a temporary file."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it when the response ends
    write_workbook(spool, title, headers, rows)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX)


def export_residents(user: Any, residents: QuerySet[Resident]) -> FileResponse:
    """The filtered resident list (already scoped by ``search_residents``) as .xlsx."""
    rows = (resident_values(user, resident) for resident in residents.iterator(chunk_size=CHUNK_SIZE))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(_("居民"), resident_headers(), rows, f"residents-{stamp}.xlsx")


def export_buildings(buildings: QuerySet[Building]) -> FileResponse:
    """The filtered building list (already scoped) as .xlsx."""
    rows = (building_values(building) for building in buildings.iterator(chunk_size=CHUNK_SIZE))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(_("楼栋"), building_headers(), rows, f"buildings-{stamp}.xlsx")
