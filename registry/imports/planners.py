"""What each row of each import kind would do: create, update, merge or nothing, or why it is rejected.

A planner looks a row up against the registry (and against the rows before it in the same
file), decides its action and returns a ``Plan`` whose ``apply`` performs it. The dry run only
plans; the commit plans again and applies every plan inside one transaction. Planning never
writes, so what the dry run reports is what the commit does on unchanged data.
"""

from __future__ import annotations

import datetime
import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from areas.models import Area
from core.bulk import instance_maker
from registry.imports.bulk import RosterWrites, Stay
from registry.imports.places import PlaceIndex
from registry.imports.rows import ImportContext, Row, RowError, validation_message
from registry.lookups import REGISTER, record_lookup
from registry.models import (
    Building,
    BuildingKind,
    BuildingUnit,
    CareTag,
    DocumentType,
    Dwelling,
    DwellingUse,
    Establishment,
    Gender,
    HouseholdMember,
    ImportKind,
    PoliticalStatus,
    Relation,
    ResidencyType,
    Resident,
)
from registry.normalise import normalise_credit_code, normalise_document, normalise_name, normalise_phone
from registry.pii import document_index, mask_identity, mask_name
from registry.selectors import tag_visible
from registry.services import not_registrable_message
from registry.validators import (
    MAX_BASEMENT_FLOORS,
    MAX_FLOORS,
    MAX_UNITS,
    validate_credit_code,
    validate_document,
    validate_phone,
)

CREATED, UPDATED, MERGED, UNCHANGED, REJECTED = "created", "updated", "merged", "unchanged", "rejected"
_TAG_SEPARATORS = re.compile(r"[、,，;；/\s]+")


Summary = str | Callable[[], str]


@dataclass
class Plan:
    """A row's decided action, a short (masked) description, and the write that performs it.

    The description may be a function: the report shows only the first rows of each action, so
    the rest never need one.
    """

    action: str
    summary: Summary
    apply: Callable[[], None] | None = None


class Planner(ABC):
    """Plans rows of one kind; ``prepare`` does batch lookups for a chunk of rows first."""

    def __init__(self, context: ImportContext) -> None:
        self.context = context

    def prepare(self, rows: list[Row]) -> None:
        """Batch lookups for the next chunk of rows (one query instead of one per row)."""

    @abstractmethod
    def plan(self, row: Row) -> Plan:
        """What to do with one row: create, update, merge, leave unchanged or reject."""

    def flush(self) -> None:
        """Finish writes that ``apply`` buffered (bulk creation); runs inside the commit's transaction."""

    def new_places(self) -> dict[str, Any] | None:
        """The buildings and rooms the file names that do not exist yet (the report's list), if any."""
        places = getattr(self, "places", None)
        return places.new.report() if places is not None and places.new else None


def current_stays(resident_ids: list[int]) -> dict[int, HouseholdMember]:
    """The current stay of each resident (one query)."""
    stays = HouseholdMember.objects.current().filter(resident_id__in=resident_ids).select_related("household")
    return {stay.resident_id: stay for stay in stays}


def stay_changes(stay: HouseholdMember | None, dwelling: Dwelling, relation: str) -> bool:
    return stay is None or stay.household.dwelling_id != dwelling.pk or stay.relation != relation


def _changes(instance: models.Model, values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if getattr(instance, name) != value}


def _assign(instance: models.Model, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(instance, name, value)


class DuplicateRow(Exception):
    """The row repeats an earlier row exactly (same person, same dwelling, same values): merged into it."""

    def __init__(self, first: int) -> None:
        super().__init__(first)
        self.first = first


class _DocumentRows:
    """Rows that identify a person by 证件类型 + 证件号码.

    A later row with the same document is merged into the first when it says exactly the same
    (``DuplicateRow``), and rejected when it says something else.
    """

    def __init__(self) -> None:
        self.seen: dict[str, tuple[int, Any]] = {}

    def identify(self, row: Row) -> tuple[str, str, str]:
        """(document type, normalised number, blind index) of the row, validated."""
        document_type = row.choice("document_type", DocumentType.ID_CARD)
        number = normalise_document(row.required("id_number"))
        try:
            validate_document(document_type, number)
        except ValidationError as error:
            raise row.error("id_number", validation_message(error)) from None
        if row.document is None or row.document[0] != number:
            row.document = (number, document_index(document_type, number))
        return document_type, number, row.document[1]

    def claim(self, row: Row, index: str, content: Any) -> None:
        """Note the row as the one for this document; an earlier row for it makes this a duplicate."""
        first = self.seen.get(index)
        if first is None:
            self.seen[index] = (row.number, content)
            return
        if first[1] == content:
            raise DuplicateRow(first[0])
        raise row.error("id_number", _("与第%(row)d行是同一人（证件号码相同），本行未导入，请合并为一行。") % {
            "row": first[0],
        })

    @staticmethod
    def indexes(rows: list[Row]) -> list[str]:
        found = []
        for row in rows:
            facts = _resident_facts(row)
            if facts is not None:  # the commit: the dry run identified the row already
                _type, number, index = facts["document"]
                row.document = (number, index)
                found.append(index)
                continue
            try:
                document_type = row.choice("document_type", DocumentType.ID_CARD)
            except RowError:
                continue  # planning the row reports the bad document type
            number = normalise_document(row.text("id_number"))
            if number:
                row.document = (number, document_index(document_type, number))
                found.append(row.document[1])
        return found


def _resident_facts(row: Row) -> dict[str, Any] | None:
    """The facts a resident roster's dry run noted for the row (``ResidentPlanner._checked``), if any."""
    facts = row.facts
    return facts if facts is not None and facts.get("kind") == ImportKind.RESIDENTS else None


def _place_key(dwelling: Dwelling | None) -> Any:
    return id(dwelling) if dwelling is not None else None


class ResidentPlanner(Planner):
    """居民: create new people, merge into the one resident already holding the document.

    ``apply`` only records what a row does in ``RosterWrites``; ``flush`` writes it all in bulk.
    """

    def __init__(self, context: ImportContext) -> None:
        super().__init__(context)
        self.places = PlaceIndex(context)
        self.documents = _DocumentRows()
        self.existing: dict[str, Resident] = {}
        self.stays: dict[int, HouseholdMember] = {}
        self.tags_of: dict[int, set[int]] = {}
        self.tags = {tag.name: tag for tag in CareTag.objects.all()} | {tag.code: tag for tag in CareTag.objects.all()}
        self.writes = RosterWrites(today=context.today)
        self.new_resident = instance_maker(Resident)

    def prepare(self, rows: list[Row]) -> None:
        found = list(Resident.objects.filter(id_number_index__in=_DocumentRows.indexes(rows)))
        self.existing = {resident.id_number_index: resident for resident in found}
        ids = [resident.pk for resident in found]
        self.stays = current_stays(ids)
        self.tags_of = {pk: set() for pk in ids}
        for resident_id, tag_id in Resident.care_tags.through.objects.filter(resident_id__in=ids).values_list(
            "resident_id", "caretag_id"
        ):
            self.tags_of[resident_id].add(tag_id)

    def plan(self, row: Row) -> Plan:
        document_type, number, index, values = self._checked(row)
        dwelling = self.places.dwelling(row, None)
        relation = row.choice("relation") if dwelling else ""
        if dwelling and not relation:
            raise row.error("relation", _("填写了房号时必须填写与户主关系。"))
        resident = self.existing.get(index)
        fallback = dwelling.grid if dwelling else None
        if fallback is None and resident is not None:
            fallback = self.context.grids.get(resident.grid_code)
        grid = self.context.grid_for(row, fallback)
        if dwelling and dwelling.grid_code != grid.code:
            raise row.error("grid_code", _("与房屋所在网格（%(code)s）不一致。") % {"code": dwelling.grid_code})
        tags = self._tags(row, grid)
        content = (values, _place_key(dwelling), relation, grid.code, sorted(tag.pk for tag in tags))
        self.documents.claim(row, index, content)
        name = values["name"]

        def label() -> str:  # masked, and only worked out for the rows the report shows
            return f"{mask_name(name)} {mask_identity(document_type, number)}"

        if resident is None:
            return self._create(grid, index, values, tags, dwelling, relation, label)
        if resident.grid_id != grid.pk:
            values["grid"] = grid
        return self._merge(row, resident, values, tags, dwelling, relation, label)

    def _checked(self, row: Row) -> tuple[str, str, str, dict[str, Any]]:
        """(document type, number, blind index, values) of the row: what depends on its cells alone.

        The dry run works them out and notes them as the row's facts, which its row cache keeps;
        the commit takes them from there (the same cells give the same results: the checks
        depend on no data, and a date check only ever accepts more as time passes) and checks
        only what depends on the registry, which may have changed since.
        """
        facts = _resident_facts(row)
        if facts is not None:
            document_type, number, index = facts["document"]
            row.document = (number, index)
            values = dict(facts["values"])
            if values["birth_date"] is not None:
                values["birth_date"] = datetime.date.fromisoformat(values["birth_date"])
            return document_type, number, index, values
        document_type, number, index = self.documents.identify(row)
        values = self._values(row, document_type, number)
        birth_date = values["birth_date"]
        row.facts = {"kind": ImportKind.RESIDENTS, "document": [document_type, number, index], "values": {
            **values, "birth_date": birth_date.isoformat() if birth_date is not None else None,
        }}
        return document_type, number, index, values

    def _values(self, row: Row, document_type: str, number: str) -> dict[str, Any]:
        values: dict[str, Any] = {
            "name": normalise_name(row.required("name", 50)), "document_type": document_type, "id_number": number,
        }
        gender, birth_date = row.choice("gender"), row.date("birth_date")
        if document_type == DocumentType.ID_CARD:
            # ``identify`` validated the number (id_birth_date/id_gender would check it all again):
            # digits 7-14 are a real birth date, the 17th is odd for men.
            born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
            sex = Gender.MALE if int(number[16]) % 2 else Gender.FEMALE
            if gender and gender != sex:
                raise row.error("gender", _("性别与身份证号码不一致。"))
            if birth_date and birth_date != born:
                raise row.error("birth_date", _("出生日期与身份证号码不一致。"))
            gender, birth_date = sex, born
        elif not gender:
            raise row.error("gender", _("非居民身份证的居民必须填写性别。"))
        values.update(gender=gender, birth_date=birth_date)
        phone = normalise_phone(row.text("phone"))
        if phone:
            try:
                validate_phone(phone)
            except ValidationError as error:
                raise row.error("phone", validation_message(error)) from None
        optional = {
            "phone": phone, "ethnicity": row.text("ethnicity", 20), "workplace": row.text("workplace", 100),
            "political_status": row.choice("political_status"), "residency_type": row.choice("residency_type"),
            "notes": row.text("notes"),
        }
        return values | {name: value for name, value in optional.items() if value}

    def _tags(self, row: Row, grid: Area) -> list[CareTag]:
        """The row's care tags, each one the importer may see in the grid (as the resident form offers them).

        A tag the importer may not see is refused with the very message of an unknown one, so a
        dry run cannot tell that it exists; and since every tag of a row is visible, comparing
        them with the resident's tags (无变化 or 合并) never depends on a hidden tag.
        """
        tags = []
        user = self.context.user
        for name in _TAG_SEPARATORS.split(row.text("care_tags")):
            if not name:
                continue
            tag = self.tags.get(name)
            if tag is None or not (user is None or tag_visible(user, tag, grid.code)):
                raise row.error("care_tags", _("“%(name)s”不是您在该网格可以使用的关爱标签。") % {"name": name})
            tags.append(tag)
        return tags

    def _create(self, grid: Area, index: str, values: dict[str, Any], tags: list[CareTag], dwelling: Dwelling | None,
                relation: str, label: Summary) -> Plan:
        def apply() -> None:  # the new resident is built only by the commit (a dry run only counts it)
            resident = self.new_resident(grid=grid, id_number_index=index, **values)
            resident.political_status = resident.political_status or PoliticalStatus.MASSES
            resident.residency_type = resident.residency_type or ResidencyType.REGISTERED
            self.writes.new_residents.append((resident, tags))
            if dwelling is not None:
                today = self.context.today
                self.writes.stays.append(Stay(resident, dwelling, relation, today, None))

        return Plan(CREATED, label, apply)

    def _merge(self, row: Row, resident: Resident, values: dict[str, Any], tags: list[CareTag],
               dwelling: Dwelling | None, relation: str, label: Summary) -> Plan:
        if not resident.grid_code.startswith(self.context.area.prefix):
            # Neutral, as the resident form: a guessed number must not be confirmed. The attempt
            # is logged in the area of the resident who holds the number.
            if self.context.user is not None:
                record_lookup(actor=self.context.user, purpose=REGISTER, number=values["id_number"],
                              found=[resident])
            raise row.error("id_number", not_registrable_message())
        if resident.name != values["name"]:
            raise row.error("name", _("与系统中同一证件号码的居民姓名（%(name)s）不一致，请核对。") % {
                "name": mask_name(resident.name),
            })
        changes = _changes(resident, values)
        had = self.tags_of.get(resident.pk, set())
        new_tags = [tag for tag in tags if tag.pk not in had]
        stay = self.stays.get(resident.pk)
        moves = dwelling is not None and stay_changes(stay, dwelling, relation)
        if not (changes or new_tags or moves):
            return Plan(UNCHANGED, label)

        def apply() -> None:
            if changes:
                self.writes.changed_residents.append((resident, changes))
            if new_tags:
                self.writes.added_tags.append((resident, set(had), new_tags))
            if moves and dwelling is not None:
                self.writes.stays.append(Stay(resident, dwelling, relation, self.context.today, stay))

        return Plan(MERGED, label, apply)

    def flush(self) -> None:
        if self.context.new_places:
            self.writes.places = self.places.new
        self.writes.flush()
        self.writes = RosterWrites(today=self.context.today)


class HouseholdPlanner(Planner):
    """住户: put registered residents into the household at a dwelling, with their relation to the head."""

    def __init__(self, context: ImportContext) -> None:
        super().__init__(context)
        self.places = PlaceIndex(context)
        self.documents = _DocumentRows()
        self.existing: dict[str, Resident] = {}
        self.stays: dict[int, HouseholdMember] = {}
        self.writes = RosterWrites(today=context.today)

    def prepare(self, rows: list[Row]) -> None:
        found = Resident.objects.filter(
            id_number_index__in=_DocumentRows.indexes(rows), grid_code__startswith=self.context.area.prefix
        )
        self.existing = {resident.id_number_index: resident for resident in found}
        self.stays = current_stays([resident.pk for resident in self.existing.values()])

    def plan(self, row: Row) -> Plan:
        dwelling = self.places.dwelling(row)
        assert dwelling is not None  # building and room are required columns
        _type, _number, index = self.documents.identify(row)
        name = normalise_name(row.required("name"))
        relation = row.choice("relation")
        if not relation:
            raise row.error("relation", _("不能为空。"))
        moved_in_on = row.date("moved_in_on") or self.context.today
        resident = self.existing.get(index)
        if resident is None:
            raise row.error("id_number", _("本区域没有登记这个证件号码的居民，请先导入居民。"))
        if resident.name != name:
            raise row.error("name", _("与系统中同一证件号码的居民姓名（%(name)s）不一致，请核对。") % {
                "name": mask_name(resident.name),
            })
        self.documents.claim(row, index, (name, _place_key(dwelling), relation, moved_in_on))
        stay = self.stays.get(resident.pk)
        label = f"{dwelling} · {mask_name(name)}（{Relation(relation).label}）"
        if not stay_changes(stay, dwelling, relation):
            return Plan(UNCHANGED, label)

        def apply() -> None:
            self.writes.stays.append(Stay(resident, dwelling, relation, moved_in_on, stay))

        return Plan(CREATED if stay is None else UPDATED, label, apply)

    def flush(self) -> None:
        if self.context.new_places:
            self.writes.places = self.places.new
        self.writes.flush()
        self.writes = RosterWrites(today=self.context.today)


class BuildingPlanner(Planner):
    """楼栋与房屋: one row per dwelling (or per building when 房号 is empty)."""

    def __init__(self, context: ImportContext) -> None:
        super().__init__(context)
        prefix = context.area.prefix
        buildings = Building.objects.filter(grid_code__startswith=prefix)
        self.buildings = {(b.grid_code, b.estate, b.name): b for b in buildings}
        self.units = {
            (u.building_id, u.number): u for u in BuildingUnit.objects.filter(building__grid_code__startswith=prefix)
        }
        self.dwellings = {
            (d.building_id, d.unit_id, d.room): d for d in Dwelling.objects.filter(grid_code__startswith=prefix)
        }
        self.planned_units: dict[tuple[int, str], BuildingUnit] = {}
        self.planned_dwellings: dict[tuple[int, int, str], Dwelling] = {}

    def plan(self, row: Row) -> Plan:
        grid = self.context.grid_for(row)
        estate, name = row.text("estate", 100), row.required("building", 50)
        values: dict[str, Any] = {"address": row.required("address", 200)}
        optional = {
            "kind": row.choice("building_kind"), "floors": row.integer("floors", 1, MAX_FLOORS),
            "unit_count": row.integer("unit_count", 1, MAX_UNITS),
        }
        values |= {key: value for key, value in optional.items() if value}
        building = self.buildings.get((grid.code, estate, name))
        building_action = UPDATED
        if building is None:
            building_action = CREATED
            building = Building(grid=grid, estate=estate, name=name, kind=BuildingKind.RESIDENTIAL)
            self.buildings[(grid.code, estate, name)] = building
        changes = _changes(building, values)
        writes: list[models.Model] = []
        if changes or building_action == CREATED:
            writes.append(building)
        _assign(building, changes)
        parts = [str(building)]
        actions = [building_action if writes else UNCHANGED]
        if row.text("room"):
            dwelling_action = self._dwelling(row, building, grid, writes)
            actions.append(dwelling_action)
            parts.append(row.text("unit") + row.text("room"))
        action = CREATED if CREATED in actions else UPDATED if UPDATED in actions else UNCHANGED
        if action == UNCHANGED:
            return Plan(UNCHANGED, " ".join(parts))

        def apply() -> None:
            for instance in writes:  # in order: a new building before its unit and dwelling
                instance.save()

        return Plan(action, " ".join(parts), apply)

    def _dwelling(self, row: Row, building: Building, grid: Any, writes: list[models.Model]) -> str:
        room, floor = row.text("room", 20), row.integer("floor", -MAX_BASEMENT_FLOORS, MAX_FLOORS)
        if floor is None:
            raise row.error("floor", _("填写房号时必须填写楼层。"))
        if floor > building.floors:
            if row.text("floors"):
                raise row.error("floor", _("楼层不能高于楼栋的层数（%(n)d层）。") % {"n": building.floors})
            building.floors = floor
            if building not in writes:
                writes.append(building)
        unit = self._unit(row, building, writes)
        key = (id(building), id(unit), room)
        dwelling = self.planned_dwellings.get(key)
        if dwelling is None and building.pk and (unit is None or unit.pk):
            dwelling = self.dwellings.get((building.pk, unit.pk if unit else None, room))
        values: dict[str, Any] = {"floor": floor}
        optional = {
            "floor_area": row.decimal("floor_area"), "use": row.choice("use"), "owner_name": row.text("owner_name", 50),
        }
        values |= {name: value for name, value in optional.items() if value}
        if dwelling is None:
            dwelling = Dwelling(grid=grid, building=building, unit=unit, room=room, use=DwellingUse.OWNER_OCCUPIED)
            self.planned_dwellings[key] = dwelling
            _assign(dwelling, values)
            writes.append(dwelling)
            return CREATED
        changes = _changes(dwelling, values)
        if not changes:
            return UNCHANGED
        _assign(dwelling, changes)
        writes.append(dwelling)
        return UPDATED

    def _unit(self, row: Row, building: Building, writes: list[models.Model]) -> BuildingUnit | None:
        number = row.text("unit", 20)
        if not number:
            return None
        key = (id(building), number)
        unit = self.planned_units.get(key) or (self.units.get((building.pk, number)) if building.pk else None)
        if unit is None:
            unit = BuildingUnit(building=building, number=number)
            writes.append(unit)
        self.planned_units[key] = unit
        return unit


class OrganisationPlanner(Planner):
    """实有单位: matched by 统一社会信用代码, or by name and address when there is no code."""

    def __init__(self, context: ImportContext) -> None:
        super().__init__(context)
        self.places = PlaceIndex(context)
        in_area = Establishment.objects.filter(grid_code__startswith=context.area.prefix)
        self.by_name = {(e.name, e.address): e for e in in_area}
        self.seen: dict[tuple[str, str], int] = {}

    def plan(self, row: Row) -> Plan:
        name, address = row.required("name", 100), row.required("address", 200)
        code = normalise_credit_code(row.text("credit_code"))
        if code:
            try:
                validate_credit_code(code)
            except ValidationError as error:
                raise row.error("credit_code", validation_message(error)) from None
        identity = ("code", code) if code else (name, address)
        if identity in self.seen:
            raise row.error(None, _("与第%(row)d行是同一单位，本行未导入。") % {"row": self.seen[identity]})
        self.seen[identity] = row.number
        phone = normalise_phone(row.text("contact_phone"))
        if phone:
            try:
                validate_phone(phone)
            except ValidationError as error:
                raise row.error("contact_phone", validation_message(error)) from None
        building = self.places.building(row, required=False)
        grid = self.context.grid_for(row, building.grid if building else None)
        values: dict[str, Any] = {
            "name": name, "address": address, "credit_code": code, "kind": row.choice("kind"),
        }
        if not values["kind"]:
            raise row.error("kind", _("不能为空。"))
        optional = {
            "building": building, "contact_name": row.text("contact_name", 50), "contact_phone": phone,
            "safety_person": row.text("safety_person", 50), "notes": row.text("notes"),
        }
        values |= {key: value for key, value in optional.items() if value}
        establishment = self._existing(row, code, name, address)
        if establishment is None:
            establishment = Establishment(grid=grid, **values)
            self.by_name[(name, address)] = establishment
            return Plan(CREATED, name, establishment.save)
        changes = _changes(establishment, values)
        if not changes:
            return Plan(UNCHANGED, name)
        _assign(establishment, changes)
        return Plan(UPDATED, name, establishment.save)

    def _existing(self, row: Row, code: str, name: str, address: str) -> Establishment | None:
        if code:
            found = Establishment.objects.filter(credit_code=code).first()
            if found is not None and not found.grid_code.startswith(self.context.area.prefix):
                raise row.error("credit_code", _("该单位已登记在本次导入区域以外，不能在此导入。"))
            if found is not None:
                return found
        return self.by_name.get((name, address))


PLANNERS: dict[str, type[Planner]] = {
    "residents": ResidentPlanner,
    "households": HouseholdPlanner,
    "buildings": BuildingPlanner,
    "organisations": OrganisationPlanner,
}

__all__ = [
    "CREATED", "MERGED", "PLANNERS", "REJECTED", "UNCHANGED", "UPDATED", "DuplicateRow", "Plan", "Planner", "RowError",
]
