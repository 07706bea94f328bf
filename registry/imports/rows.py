"""One row of a roster as the planners see it, and the places (buildings, dwellings) rows point to.

``Row`` reads cells by column key and turns every problem into a ``RowError`` that names the
column in Chinese; ``ImportContext`` knows the target area, its grids and the user; ``PlaceIndex``
finds the buildings and dwellings of the area that residents, households and organisations refer
to (loaded once per import, so each row costs no query).
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from areas.models import Area, Level
from registry.imports.columns import Column, columns_for
from registry.imports.reader import cell_text
from registry.models import Building, Dwelling, Household, HouseholdMember, Relation, Resident
from registry.normalise import normalise_text

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


class RowError(Exception):
    """Why a row is rejected: the column (or none, for the row as a whole) and a Chinese message."""

    def __init__(self, column: Column | None, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message

    def reason(self, number: int) -> str:
        """``第12行「证件号码」：…`` — the form every rejection takes."""
        if self.column is None:
            return _("第%(row)d行：%(message)s") % {"row": number, "message": self.message}
        return _("第%(row)d行「%(column)s」：%(message)s") % {
            "row": number, "column": _(self.column.header), "message": self.message,
        }


def validation_message(error: ValidationError) -> str:
    return "".join(error.messages)


@dataclass
class Row:
    """The cells of one data row, addressed by column key."""

    number: int
    cells: list[Any]
    kind: str
    positions: dict[str, int]

    def column(self, key: str) -> Column:
        return next(column for column in columns_for(self.kind) if column.key == key)

    def error(self, key: str | None, message: str) -> RowError:
        return RowError(self.column(key) if key else None, message)

    def raw(self, key: str) -> Any:
        position = self.positions.get(key)
        if position is None or position >= len(self.cells):
            return None
        return self.cells[position]

    def text(self, key: str, max_length: int | None = None) -> str:
        value = normalise_text(cell_text(self.raw(key)))
        if max_length is not None and len(value) > max_length:
            raise self.error(key, _("不能超过%(n)d个字。") % {"n": max_length})
        return value

    def required(self, key: str, max_length: int | None = None) -> str:
        value = self.text(key, max_length)
        if not value:
            raise self.error(key, _("不能为空。"))
        return value

    def choice(self, key: str, default: str = "") -> str:
        """The stored code for a coded cell given as label or code; ``default`` when empty."""
        value = self.text(key)
        if not value:
            return default
        choices = self.column(key).choices
        options = choices() if choices else []
        for code, label in options:
            if value in (code, label):
                return code
        labels = "、".join(label for _code, label in options)
        raise self.error(key, _("“%(value)s”不是可选的值（%(labels)s）。") % {"value": value, "labels": labels})

    def integer(self, key: str, minimum: int = 0, maximum: int | None = None) -> int | None:
        value = self.text(key)
        if not value:
            return None
        try:
            exact = decimal.Decimal(value)
        except decimal.InvalidOperation:
            exact = decimal.Decimal("NaN")
        # Not NaN or infinity, and no 1e999999 that would take a while to turn into an int.
        if not exact.is_finite() or exact.adjusted() > 18:
            raise self.error(key, _("应为整数，现在是“%(value)s”。") % {"value": value})
        number = int(exact)
        if number < minimum:
            raise self.error(key, _("不能小于%(n)d。") % {"n": minimum})
        if maximum is not None and number > maximum:
            raise self.error(key, _("不能大于%(n)d。") % {"n": maximum})
        return number

    def decimal(self, key: str) -> decimal.Decimal | None:
        value = self.text(key)
        if not value:
            return None
        try:
            number = decimal.Decimal(value).quantize(decimal.Decimal("0.01"))
        except decimal.InvalidOperation:
            number = decimal.Decimal("NaN")
        if not number.is_finite():  # "nan" quantizes to NaN, which no comparison accepts
            raise self.error(key, _("应为数字，现在是“%(value)s”。") % {"value": value})
        if number < 0 or number >= 1_000_000:
            raise self.error(key, _("数值不合理：%(value)s。") % {"value": value})
        return number

    def date(self, key: str) -> datetime.date | None:
        value = self.raw(key)
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = self.text(key)
        if not text:
            return None
        for pattern in _DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise self.error(key, _("日期格式不正确，应如 1985-07-15，现在是“%(value)s”。") % {"value": text})


@dataclass
class ImportContext:
    """What every row of one import shares: the area, its grids, the importing user, today."""

    kind: str
    area: Area
    user: Any
    grids: dict[str, Area] = field(default_factory=dict)
    today: datetime.date = field(default_factory=timezone.localdate)

    @classmethod
    def for_area(cls, kind: str, area: Area, user: Any) -> ImportContext:
        grids = Area.objects.subtree_of(area).active().filter(level__in=(Level.GRID, Level.MICROGRID))
        return cls(kind=kind, area=area, user=user, grids={grid.code: grid for grid in grids})

    def grid_for(self, row: Row, fallback: Area | None = None) -> Area:
        """The grid named in the row's 网格编码, else ``fallback``, else the target area if it is a grid."""
        code = re.sub(r"\s", "", row.text("grid_code")) if "grid_code" in row.positions else ""
        if code:
            grid = self.grids.get(code)
            if grid is None:
                raise row.error("grid_code", _("“%(code)s”不是本次导入区域「%(area)s」内的网格。") % {
                    "code": code, "area": self.area.name,
                })
            return grid
        if fallback is not None:
            return fallback
        if self.area.is_grid:
            return self.area
        raise row.error("grid_code", _("导入到社区或街道时必须填写网格编码。"))


class PlaceIndex:
    """The buildings and dwellings of the import area, found by 小区 + 楼栋号 (+ 单元号 + 房号)."""

    def __init__(self, context: ImportContext) -> None:
        self.context = context
        prefix = context.area.prefix
        self.buildings: dict[tuple[str, str], list[Building]] = defaultdict(list)
        for building in Building.objects.filter(grid_code__startswith=prefix):
            building.grid = context.grids.get(building.grid_code, building.grid)
            self.buildings[(building.estate, building.name)].append(building)
        self.dwellings: dict[tuple[int, str, str], Dwelling] = {}
        for dwelling in Dwelling.objects.filter(grid_code__startswith=prefix).select_related("unit"):
            dwelling.grid = context.grids.get(dwelling.grid_code, dwelling.grid)
            self.dwellings[(dwelling.building_id, dwelling.unit.number if dwelling.unit else "", dwelling.room)] = (
                dwelling
            )

    def building(self, row: Row, grid: Area | None = None, required: bool = True) -> Building | None:
        estate, name = row.text("estate"), row.text("building")
        if not name:
            if required:
                raise row.error("building", _("不能为空。"))
            return None
        candidates = self.buildings.get((estate, name), [])
        if not candidates and not estate:  # 小区 left empty: the building name alone, if it is unambiguous
            candidates = [b for (_estate, b_name), found in self.buildings.items() if b_name == name for b in found]
        found = [b for b in candidates if grid is None or b.grid_code == grid.code]
        if not found:
            where = f"{estate}{name}"
            raise row.error("building", _("楼栋“%(name)s”在本区域不存在，请先导入楼栋与房屋。") % {"name": where})
        if len(found) > 1:
            raise row.error("building", _("有多个楼栋名为“%(name)s”，请填写小区或网格编码。") % {"name": name})
        return found[0]

    def dwelling(self, row: Row, grid: Area | None = None) -> Dwelling | None:
        """The dwelling the row names; ``None`` when the row names no building and no room."""
        if not (row.text("building") or row.text("room")):
            return None
        building = self.building(row, grid)
        assert building is not None
        room = row.required("room")
        dwelling = self.dwellings.get((building.pk, row.text("unit"), room))
        if dwelling is None:
            label = f"{building}{row.text('unit')}{room}"
            raise row.error("room", _("房屋“%(name)s”不存在，请先导入楼栋与房屋。") % {"name": label})
        return dwelling


def current_stays(resident_ids: list[int]) -> dict[int, HouseholdMember]:
    """The current stay of each resident (one query)."""
    stays = HouseholdMember.objects.current().filter(resident_id__in=resident_ids).select_related("household")
    return {stay.resident_id: stay for stay in stays}


def stay_changes(stay: HouseholdMember | None, dwelling: Dwelling, relation: str) -> bool:
    return stay is None or stay.household.dwelling_id != dwelling.pk or stay.relation != relation


def place_in_household(
    resident: Resident, dwelling: Dwelling, relation: str, *, moved_in_on: datetime.date, today: datetime.date
) -> None:
    """Make the resident a current member of the household at the dwelling (moving keeps history).

    A stay at another dwelling ends today; the dwelling's household is created when it has
    none; a 户主 becomes the household's head.
    """
    stay = HouseholdMember.objects.current().filter(resident=resident).select_related("household").first()
    household: Household | None
    if stay is not None and stay.household.dwelling_id == dwelling.pk:
        household = stay.household
        if stay.relation != relation:
            stay.relation = relation
            stay.save()
    else:
        if stay is not None:
            stay.moved_out_on = max(today, stay.moved_in_on)
            stay.save()
        household = Household.objects.filter(dwelling=dwelling).order_by("created_at", "pk").first()
        if household is None:
            household = Household.objects.create(grid=dwelling.grid, dwelling=dwelling)
        HouseholdMember.objects.create(
            household=household, resident=resident, relation=relation, moved_in_on=min(moved_in_on, today)
        )
    if relation == Relation.HEAD and household.head_id != resident.pk:
        household.head = resident
        household.save()
