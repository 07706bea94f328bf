"""Reads of the registry for pages and exports: search, the building grid, profiles, care tags.

Every function starts from ``Model.objects.visible_to(user)`` (``accounts.scope``), so what a
page shows is what the user may see; a 楼栋长 sees only the buildings they head. Sensitive care
tags (``CareTag.is_sensitive``) are shown only to users who hold, in the record's area, one of
the roles the tag names (``CareTag.visible_to_roles``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import RoleAssignment
from areas.models import Area, Level, code_prefix
from audit.display import changed_field_labels
from audit.models import ChangeLogEntry
from registry.models import (
    Building,
    CareTag,
    DocumentType,
    Dwelling,
    Household,
    HouseholdMember,
    Resident,
)
from registry.normalise import is_landline, is_mobile, normalise_document, normalise_phone, normalise_text
from registry.pii import MaskedResident, document_index, index_value, mask_id_number, mask_phone, masked_resident

PAGE_SIZE = 50
# Grid, then address in natural order (楼栋-单元-房号, ``registry.addresses``): the index ``resident_address_order``.
ADDRESS_ORDER = ("grid_code", "address_sort_key", "name", "id")
_ROLES_CACHE = "_wangge_registry_role_rows"
_TAG_ROLES_CACHE = "_wangge_registry_tag_roles"
_IDENTIFIER = re.compile(r"[0-9A-Z]{5,20}")

# --- care tags -------------------------------------------------------------------------------


def _role_rows(user: Any) -> list[tuple[str, str]]:
    """(area code prefix, role code) of the user's active assignments, cached on the user."""
    cached: list[tuple[str, str]] | None = getattr(user, _ROLES_CACHE, None)
    if cached is None:
        rows = RoleAssignment.objects.active().filter(user=user).values_list("area__code", "area__level", "role__code")
        cached = [(code_prefix(code, level), role) for code, level, role in rows]
        setattr(user, _ROLES_CACHE, cached)
    return cached


def _tag_roles(user: Any) -> dict[int, frozenset[str]]:
    """For each sensitive tag, the role codes that may see it (one query, cached on the user)."""
    cached: dict[int, frozenset[str]] | None = getattr(user, _TAG_ROLES_CACHE, None)
    if cached is None:
        roles: dict[int, set[str]] = {pk: set() for pk in CareTag.objects.filter(is_sensitive=True).values_list(
            "pk", flat=True)}
        through = CareTag.visible_to_roles.through.objects.filter(caretag__is_sensitive=True)
        for tag_id, role_code in through.values_list("caretag_id", "role__code"):
            roles.setdefault(tag_id, set()).add(role_code)
        cached = {pk: frozenset(codes) for pk, codes in roles.items()}
        setattr(user, _TAG_ROLES_CACHE, cached)
    return cached


def roles_at(user: Any, area_code: str) -> set[str]:
    """The role codes the user holds over the area with this code."""
    return {role for prefix, role in _role_rows(user) if area_code.startswith(prefix)}


def tag_visible(user: Any, tag: CareTag, area_code: str) -> bool:
    """Whether the user may see this tag on a record of the area with this code."""
    if user.is_superuser or not tag.is_sensitive:
        return True
    allowed = _tag_roles(user).get(tag.pk, frozenset())
    return bool(allowed & roles_at(user, area_code))


def visible_care_tags(user: Any, record: Resident | Area) -> list[CareTag]:
    """The care tags the user may see: a resident's own tags, or the catalog tags for an area.

    Used by every page, export and form that shows or offers care tags.
    """
    if isinstance(record, Resident):
        tags: Iterable[CareTag] = record.care_tags.all()
        area_code = record.grid_code
    else:
        tags = CareTag.objects.all()
        area_code = record.code
    return [tag for tag in tags if tag_visible(user, tag, area_code)]


def searchable_care_tags(user: Any) -> list[CareTag]:
    """Catalog tags the user may see somewhere in their scope (the search page's tag filter)."""
    tags = list(CareTag.objects.all())
    if user.is_superuser:
        return tags
    prefixes = {prefix for prefix, _role in _role_rows(user)}
    return [tag for tag in tags if any(tag_visible(user, tag, prefix) for prefix in prefixes)]


def tag_condition(user: Any, tag: CareTag) -> Q:
    """Residents carrying ``tag`` in areas where the user may see it."""
    condition = Q(care_tags=tag)
    if user.is_superuser or not tag.is_sensitive:
        return condition
    allowed = _tag_roles(user).get(tag.pk, frozenset())
    where = Q(pk__in=[])
    for prefix, role in _role_rows(user):
        if role in allowed:
            where |= Q(grid_code__startswith=prefix)
    return condition & where


# --- residents -------------------------------------------------------------------------------


@dataclass
class ResidentFilter:
    """What the search page asks for; empty values do not filter.

    ``q`` searches names and addresses. ``identifier`` is an exact ID number, document number
    or phone matched through the blind indexes: only the search page sets it, after
    ``registry.lookups`` has counted and logged the lookup.
    """

    q: str = ""
    identifier: str = ""
    tag: CareTag | None = None
    grid: Area | None = None
    residency_type: str = ""
    verification_state: str = ""


def looks_like_identifier(text: str) -> bool:
    """Whether a query is (probably) an ID number, document number or phone rather than a name."""
    document = normalise_document(text).lstrip("+")
    return bool(_IDENTIFIER.fullmatch(document)) and sum(char.isdigit() for char in document) >= 5


def mask_query(text: str) -> str:
    """An identifier query masked for display (as a phone if it is one, else as a document)."""
    phone = normalise_phone(text)
    if is_mobile(phone) or is_landline(phone.split("-", 1)[0]):
        return mask_phone(text)
    return mask_id_number(text)


def identifier_condition(text: str) -> Q:
    """Exact ID-number or phone match through the blind indexes (nothing unless ``text`` looks like one)."""
    if not looks_like_identifier(text):
        return Q(pk__in=[])
    document = normalise_document(text)
    condition = Q(id_number_index__in=[document_index(kind, document) for kind in DocumentType.values])
    phone = index_value("phone", normalise_phone(text))
    if phone:
        condition |= Q(phone_index=phone)
    return condition


def current_stays_prefetch() -> Prefetch:
    """The resident's current stay (with household, dwelling, unit and building) as ``current_stays``."""
    stays = HouseholdMember.objects.current().select_related(
        "household__dwelling__building", "household__dwelling__unit"
    )
    return Prefetch("stays", queryset=stays, to_attr="current_stays")


def search_residents(user: Any, wanted: ResidentFilter) -> QuerySet[Resident]:
    """Residents the user may see matching the filter, with what list rows show prefetched."""
    residents = Resident.objects.visible_to(user)
    if wanted.identifier:
        residents = residents.filter(identifier_condition(wanted.identifier))
    text = normalise_text(wanted.q)
    if text:
        # The address is matched among the buildings of the user's scope (an indexed range of
        # ``grid_code``), not among every building of the city: on 1 M cases (117,000 buildings)
        # the unscoped scan cost ~30 ms twice a page (count and rows) for a street dispatcher.
        buildings = Building.objects.visible_to(user).filter(Q(address__icontains=text) | Q(estate__icontains=text))
        residents = residents.filter(Q(name__icontains=text) | Resident.in_buildings(buildings))
    if wanted.tag is not None:
        residents = residents.filter(pk__in=Resident.objects.filter(tag_condition(user, wanted.tag)).values("pk"))
    if wanted.grid is not None:
        residents = residents.filter(grid_code__startswith=wanted.grid.prefix)
    if wanted.residency_type:
        residents = residents.filter(residency_type=wanted.residency_type)
    if wanted.verification_state:
        residents = residents.filter(verification_state=wanted.verification_state)
    residents = residents.order_by(*ADDRESS_ORDER)
    return residents.select_related("grid").prefetch_related("care_tags", current_stays_prefetch())


@dataclass
class ResidentRow:
    """One resident as a list or export shows it: masked identifiers and birth year
    (``registry.pii.masked_resident``), visible tags, current address."""

    resident: Resident
    masked: MaskedResident
    tags: list[CareTag]
    stay: HouseholdMember | None

    @property
    def masked_id(self) -> str:
        return self.masked.document

    @property
    def masked_phone(self) -> str:
        return self.masked.phone

    @property
    def address(self) -> str:
        return str(self.stay.household.dwelling) if self.stay else ""

    @property
    def short_address(self) -> str:
        """``百花小区 1号楼-1单元-101``: the estate, then 楼栋-单元-房号 (a phone card's address line)."""
        if not self.stay:
            return ""
        dwelling = self.stay.household.dwelling
        unit = dwelling.unit.number if dwelling.unit_id and dwelling.unit else ""
        place = "-".join(part for part in (dwelling.building.name, unit, dwelling.room) if part)
        return f"{dwelling.building.estate} {place}".strip()


def resident_row(user: Any, resident: Resident) -> ResidentRow:
    """The masked, tag-filtered view of a resident fetched by ``search_residents``."""
    stays: list[HouseholdMember] = getattr(resident, "current_stays", [])
    return ResidentRow(
        resident=resident,
        masked=masked_resident(resident),
        tags=[tag for tag in resident.care_tags.all() if tag_visible(user, tag, resident.grid_code)],
        stay=stays[0] if stays else None,
    )


def visible_grids(user: Any) -> QuerySet[Area]:
    """Active grids and micro-grids in the user's scope (filters and form choices)."""
    return Area.objects.visible_to(user).active().filter(level__in=[Level.GRID, Level.MICROGRID]).order_by("code")


def resident_history(resident: Resident) -> QuerySet[HouseholdMember]:
    """Every stay of a resident, newest first, with where it was."""
    return resident.stays.select_related("household__dwelling__building", "household__dwelling__unit").order_by(
        "-moved_in_on", "-id"
    )


@dataclass
class HistoryItem:
    """One change of a record's audit trail, with the verbose names of the fields it changed."""

    entry: ChangeLogEntry
    field_labels: list[str]


def change_log(record: Any, limit: int = 50) -> list[HistoryItem]:
    """The audit trail of one record, newest first."""
    content_type = ContentType.objects.get_for_model(type(record))
    entries = ChangeLogEntry.objects.filter(content_type=content_type, object_id=str(record.pk))
    entries = entries.select_related("content_type")[:limit]
    return [HistoryItem(entry, changed_field_labels(entry)) for entry in entries]


# --- buildings -------------------------------------------------------------------------------


@dataclass
class UnitColumns:
    """One unit of a building in the grid: its label and how many room columns it needs."""

    label: str
    width: int


@dataclass
class FloorRow:
    """One floor of the building grid: the floor number and a cell per (unit, room column)."""

    floor: int
    cells: list[Dwelling | None] = field(default_factory=list)


@dataclass
class BuildingGrid:
    """Floors × rooms of a building: rows top floor first, columns grouped by unit."""

    units: list[UnitColumns]
    rows: list[FloorRow]


def building_dwellings(user: Any, building: Building) -> QuerySet[Dwelling]:
    """The building's dwellings the user may see, with unit and current-resident counts."""
    return (
        Dwelling.objects.visible_to(user)
        .filter(building=building)
        .select_related("unit")
        .annotate(people=Count("households__members", filter=Q(households__members__moved_out_on__isnull=True)))
        .order_by("unit__number", "floor", "room")
    )


def building_grid(dwellings: Iterable[Dwelling], floors: int) -> BuildingGrid:
    """Lay dwellings out as floors (top-down) × rooms grouped by unit (in room order within a floor)."""
    by_unit: dict[str, dict[int, list[Dwelling]]] = {}
    for dwelling in dwellings:
        label = dwelling.unit.number if dwelling.unit_id and dwelling.unit else ""
        by_unit.setdefault(label, {}).setdefault(dwelling.floor, []).append(dwelling)
    labels = sorted(by_unit, key=_natural_key)
    widths = {label: max(len(rooms) for rooms in by_unit[label].values()) for label in labels}
    present = {floor for unit in by_unit.values() for floor in unit}
    top = max([floors, *present]) if present or floors else 0
    bottom = min([1, *present])
    rows = []
    for floor in range(top, bottom - 1, -1):
        if floor == 0 and 0 not in present:
            continue
        row = FloorRow(floor=floor)
        for label in labels:
            rooms = sorted(by_unit[label].get(floor, []), key=lambda dwelling: _natural_key(dwelling.room))
            row.cells.extend(rooms + [None] * (widths[label] - len(rooms)))
        rows.append(row)
    return BuildingGrid(units=[UnitColumns(label, widths[label]) for label in labels], rows=rows)


def _natural_key(text: str) -> tuple[Any, ...]:
    """Sort ``2单元`` before ``10单元`` and ``302`` before ``1001``."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


def dwelling_households(user: Any, dwelling: Dwelling) -> QuerySet[Household]:
    """A dwelling's households with their current members and residents."""
    members = HouseholdMember.objects.current().select_related("resident").order_by("moved_in_on", "id")
    return (
        Household.objects.visible_to(user)
        .filter(dwelling=dwelling)
        .select_related("head")
        .prefetch_related(Prefetch("members", queryset=members, to_attr="current_members"))
    )


def household_members(household: Household) -> QuerySet[HouseholdMember]:
    """Every stay in a household, current ones first, then by moving-in date."""
    return household.members.select_related("resident").order_by("moved_out_on", "moved_in_on", "id")


def building_rows(user: Any, text: str = "", grid: Area | None = None) -> QuerySet[Building]:
    """Buildings the user may see, filtered by address/name text and grid, with dwelling counts."""
    buildings = Building.objects.visible_to(user).select_related("grid")
    cleaned = normalise_text(text)
    if cleaned:
        buildings = buildings.filter(
            Q(name__icontains=cleaned) | Q(estate__icontains=cleaned) | Q(address__icontains=cleaned)
        )
    if grid is not None:
        buildings = buildings.filter(grid_code__startswith=grid.prefix)
    return buildings.annotate(dwelling_count=Count("dwellings", distinct=True)).order_by("grid_code", "estate", "name",
                                                                                         "pk")
