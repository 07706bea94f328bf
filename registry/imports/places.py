"""The buildings, units and dwellings rows point to, and those a roster names that do not exist yet.

``PlaceIndex`` loads the buildings, units and dwellings of the import area once (three queries
per import, so each row costs none) and finds them by 小区 + 楼栋号 + 单元号 + 房号 as the
registry names them: “3栋” finds 3号楼, “3-301” finds unit 3, room 301 (``synonyms.py``).

A roster may name places the registry does not have yet. When the context allows it (the dry
run always, the commit only when the user ticked “按花名册新建楼栋和房屋”), they are planned as
``NewPlaces``: a building in the row's grid, its units and its dwellings, with the floor read from
the room number (301 → 3) and the building as high as its highest room. The dry run lists them;
the commit inserts them in bulk before the residents (``bulk.RosterWrites``). Otherwise a row
naming a missing place is rejected, as it always was.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from areas.models import Area
from registry.imports.rows import ImportContext, Row
from registry.imports.synonyms import building_name, floor_of_room, unit_and_room, unit_name
from registry.models import Building, BuildingKind, BuildingUnit, Dwelling, DwellingUse
from registry.validators import MAX_FLOORS, MAX_UNITS

LISTED_NEW_PLACES = 200  # new places itemised in the report (the counts cover all)
LISTED_ROWS = 20  # row numbers shown per new place


@dataclass
class NewPlaces:
    """Buildings, units and dwellings planned from the roster, in creation order, with the rows naming them."""

    buildings: list[Building] = field(default_factory=list)
    units: list[BuildingUnit] = field(default_factory=list)
    dwellings: list[Dwelling] = field(default_factory=list)
    rows: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))  # id(place) → row numbers

    def __bool__(self) -> bool:
        return bool(self.buildings or self.dwellings)

    def report(self) -> dict[str, Any]:
        """Counts, and the places as the dry run lists them: each new building, then new rooms elsewhere."""
        items: list[dict[str, Any]] = []
        new_buildings = {id(building) for building in self.buildings}
        rooms_in: dict[int, int] = defaultdict(int)
        for dwelling in self.dwellings:
            rooms_in[id(dwelling.building)] += 1
        for building in self.buildings:
            rows = self.rows[id(building)]
            label = f"{building}（{building.grid.name}）"
            items.append({"kind": "building", "label": label, "rooms": rooms_in[id(building)],
                          "rows": sorted(rows)[:LISTED_ROWS], "row_count": len(rows)})
        for dwelling in self.dwellings:
            if id(dwelling.building) not in new_buildings:
                rows = self.rows[id(dwelling)]
                items.append({"kind": "dwelling", "label": _dwelling_label(dwelling), "rooms": 1,
                              "rows": sorted(rows)[:LISTED_ROWS], "row_count": len(rows)})
        return {
            "buildings": len(self.buildings), "units": len(self.units), "dwellings": len(self.dwellings),
            "rows": len({number for numbers in self.rows.values() for number in numbers}),
            "items": items[:LISTED_NEW_PLACES], "more": max(0, len(items) - LISTED_NEW_PLACES),
        }


def _dwelling_label(dwelling: Dwelling) -> str:
    unit = dwelling.unit.number if dwelling.unit is not None else ""
    return f"{dwelling.building}{unit}{dwelling.room}"


class PlaceIndex:
    """The buildings and dwellings of the import area, found by 小区 + 楼栋号 (+ 单元号 + 房号)."""

    def __init__(self, context: ImportContext) -> None:
        self.context = context
        self.new = NewPlaces()
        prefix = context.area.prefix
        self.buildings: dict[tuple[str, str], list[Building]] = defaultdict(list)
        by_pk: dict[int, Building] = {}
        for building in Building.objects.filter(grid_code__startswith=prefix):
            building.grid = context.grids.get(building.grid_code, building.grid)
            self.buildings[(building.estate, building_name(building.name))].append(building)
            by_pk[building.pk] = building
        self.units: dict[tuple[int, str], BuildingUnit] = {}
        for unit in BuildingUnit.objects.filter(building__grid_code__startswith=prefix):
            if unit.building_id in by_pk:
                unit.building = by_pk[unit.building_id]
                self.units[(id(unit.building), unit_name(unit.number))] = unit
        units_by_pk = {unit.pk: unit for unit in self.units.values()}
        self.dwellings: dict[tuple[int, str, str], Dwelling] = {}
        for dwelling in Dwelling.objects.filter(grid_code__startswith=prefix):
            found = by_pk.get(dwelling.building_id)
            if found is None:
                continue
            dwelling.building, dwelling.grid = found, context.grids.get(dwelling.grid_code, found.grid)
            dwelling.unit = units_by_pk.get(dwelling.unit_id) if dwelling.unit_id else None
            number = unit_name(dwelling.unit.number) if dwelling.unit is not None else ""
            self.dwellings[(id(found), number, dwelling.room)] = dwelling

    def building(self, row: Row, grid: Area | None = None, required: bool = True) -> Building | None:
        """The existing building the row names (never a new one: only rooms make a new building)."""
        name = building_name(row.text("building"))
        if not name:
            if required:
                raise row.error("building", _("不能为空。"))
            return None
        found = self._existing(row, name, grid)
        if found is None:
            where = f"{row.text('estate')}{name}"
            raise row.error("building", _("楼栋“%(name)s”在本区域不存在，请先导入楼栋与房屋。") % {"name": where})
        return found

    def _existing(self, row: Row, name: str, grid: Area | None) -> Building | None:
        estate = row.text("estate")
        candidates = self.buildings.get((estate, name), [])
        if not candidates and not estate:  # 小区 left empty: the building name alone, if it is unambiguous
            candidates = [b for (_estate, b_name), found in self.buildings.items() if b_name == name for b in found]
        found = [b for b in candidates if grid is None or b.grid_code == grid.code]
        if len(found) > 1:
            raise row.error("building", _("有多个楼栋名为“%(name)s”，请填写小区或网格编码。") % {"name": name})
        return found[0] if found else None

    def dwelling(self, row: Row, grid: Area | None = None) -> Dwelling | None:
        """The dwelling the row names; ``None`` when the row names no building and no room."""
        if not (row.text("building") or row.text("room")):
            return None
        name = building_name(row.required("building"))
        unit, room = unit_and_room(row.text("unit", 20), row.required("room", 20))
        building = self._existing(row, name, grid)
        if building is None:
            if not self.context.new_places:
                where = f"{row.text('estate')}{name}"
                raise row.error("building", _("楼栋“%(name)s”在本区域不存在，请先导入楼栋与房屋。") % {"name": where})
            building = self._new_building(row, name, grid)
        dwelling = self.dwellings.get((id(building), unit, room))
        if dwelling is None:
            if not self.context.new_places:
                label = f"{building}{unit}{room}"
                raise row.error("room", _("房屋“%(name)s”不存在，请先导入楼栋与房屋。") % {"name": label})
            dwelling = self._new_dwelling(building, unit, room)
        if not dwelling.pk:
            self.new.rows[id(dwelling)].append(row.number)
            if not building.pk:
                self.new.rows[id(building)].append(row.number)
        return dwelling

    def _new_building(self, row: Row, name: str, grid: Area | None) -> Building:
        estate = row.text("estate", 100)
        if len(name) > 50:
            raise row.error("building", _("不能超过%(n)d个字。") % {"n": 50})
        grid = grid or self.context.grid_for(row)
        building = Building(grid=grid, grid_code=grid.code, estate=estate, name=name, address=f"{estate}{name}",
                            kind=BuildingKind.RESIDENTIAL, floors=1, unit_count=1)
        self.buildings[(estate, name)].append(building)
        self.new.buildings.append(building)
        return building

    def _new_dwelling(self, building: Building, unit_number: str, room: str) -> Dwelling:
        unit = self._unit(building, unit_number) if unit_number else None
        floor = floor_of_room(room) or 1
        if not building.pk:  # a new building is as high as its highest room
            building.floors = max(building.floors, min(floor, MAX_FLOORS))
        if floor > building.floors:
            floor = 1  # an existing building keeps its height; the room's floor can be corrected on its page
        dwelling = Dwelling(grid=building.grid, grid_code=building.grid_code, building=building, unit=unit,
                            room=room, floor=floor, use=DwellingUse.OWNER_OCCUPIED)
        self.dwellings[(id(building), unit_number, room)] = dwelling
        self.new.dwellings.append(dwelling)
        return dwelling

    def _unit(self, building: Building, number: str) -> BuildingUnit:
        unit = self.units.get((id(building), number))
        if unit is None:
            unit = BuildingUnit(building=building, number=number)
            self.units[(id(building), number)] = unit
            self.new.units.append(unit)
            if not building.pk:
                units = sum(1 for other in self.new.units if other.building is building)
                building.unit_count = min(max(building.unit_count, units), MAX_UNITS)
        return unit
