"""The writes of a resident or household import, buffered per row and done in bulk at the end.

A large roster creates thousands of residents, households and stays; saving them one by one
costs several queries each (the save, the audit signal's own reads, the household lookup) and
made a 10,000-row roster with rooms take minutes. ``RosterWrites`` collects what each accepted
row does and ``flush()`` performs it with a fixed number of queries per 500 rows, in this order:

1. new buildings, units and dwellings (only when the user ticked “按花名册新建楼栋和房屋”);
2. new residents and their care tags; changed residents (``bulk_update``) and added care tags;
3. stays: old stays end, new households are created, new stays begin, relations and heads change.

Inserts go through ``core.bulk.insert_rows`` (COPY on PostgreSQL), updates through
``bulk_update``; both skip ``save()`` and the audit signals, so this module fills the columns
``save()`` computes (``grid_code``, the blind indexes of ID number and phone — the ID
number itself is encrypted by its field as always) and writes one change-log entry per created or
changed record through ``audit.registry.record_in_bulk``, with the before/after snapshots the
signals would have written. The change log of an import is therefore the same as if every row
had been saved on its own.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone

from audit.registry import Change, record_created_in_bulk, record_in_bulk, snapshot
from core.bulk import insert_rows, instance_maker
from registry.addresses import address_key
from registry.imports.places import NewPlaces
from registry.models import CareTag, Household, HouseholdMember, Relation, Resident
from registry.models import Dwelling as DwellingModel
from registry.pii import document_index, index_value

BATCH_SIZE = 500


@dataclass
class Stay:
    """A resident to be a current member of the household at a dwelling, with their relation to the head."""

    resident: Resident
    dwelling: DwellingModel
    relation: str
    moved_in_on: datetime.date
    current: HouseholdMember | None  # the resident's current stay as planned (None for a new resident)


@dataclass
class RosterWrites:
    """Everything the accepted rows of one import change, written by ``flush()``."""

    today: datetime.date
    places: NewPlaces | None = None
    new_residents: list[tuple[Resident, list[CareTag]]] = field(default_factory=list)
    changed_residents: list[tuple[Resident, dict[str, Any]]] = field(default_factory=list)
    added_tags: list[tuple[Resident, set[int], list[CareTag]]] = field(default_factory=list)
    stays: list[Stay] = field(default_factory=list)

    def flush(self) -> None:
        if self.places is not None:
            create_places(self.places)
        keys = stay_keys(self.stays)  # worked out once: new residents are inserted with theirs
        key_new_residents(self.stays, keys)
        create_residents(self.new_residents)
        update_residents(self.changed_residents)
        add_care_tags(self.added_tags)
        place_stays(self.stays, self.today, keys)


def create_places(places: NewPlaces) -> None:
    """Insert the new buildings, units and dwellings (in that order), one change-log entry each."""
    record_created_in_bulk(insert_rows(places.buildings, batch_size=BATCH_SIZE), BATCH_SIZE)
    record_created_in_bulk(insert_rows(places.units, batch_size=BATCH_SIZE), BATCH_SIZE)
    record_created_in_bulk(insert_rows(places.dwellings, batch_size=BATCH_SIZE), BATCH_SIZE)


def create_residents(new_residents: list[tuple[Resident, list[CareTag]]]) -> list[Resident]:
    """Insert the residents, their care tags and one change-log entry each; returns them saved."""
    residents = [resident for resident, _tags in new_residents]
    for resident in residents:
        resident.grid_code = resident.grid.code
        # The planner already computed the blind index of the (validated) number it identified the row by.
        resident.id_number_index = resident.id_number_index or document_index(resident.document_type,
                                                                               resident.id_number)
        resident.phone_index = index_value("phone", resident.phone)
    created = insert_rows(residents, batch_size=BATCH_SIZE)
    through = Resident.care_tags.through
    links = [through(resident_id=resident.pk, caretag_id=tag.pk) for resident, tags in new_residents for tag in tags]
    through.objects.bulk_create(links, batch_size=BATCH_SIZE)
    record_created_in_bulk(created, batch_size=BATCH_SIZE)
    return created


def update_residents(changed: list[tuple[Resident, dict[str, Any]]]) -> None:
    """Apply each resident's changed values, one ``bulk_update`` per set of changed fields, logged."""
    now = timezone.now()
    by_fields: dict[tuple[str, ...], list[Resident]] = {}
    log: list[Change] = []
    for resident, changes in changed:
        before = snapshot(resident)
        for name, value in changes.items():
            setattr(resident, name, value)
        fields = set(changes) | {"updated_at"}
        if "grid" in changes:
            resident.grid_code = resident.grid.code
            fields.add("grid_code")
        if "phone" in changes:
            resident.phone_index = index_value("phone", resident.phone)
            fields.add("phone_index")
        resident.updated_at = now
        by_fields.setdefault(tuple(sorted(fields)), []).append(resident)
        log.append((resident, "update", before, snapshot(resident)))
    for names, residents in by_fields.items():
        Resident.objects.bulk_update(residents, list(names), batch_size=BATCH_SIZE)
    record_in_bulk(log, batch_size=BATCH_SIZE)


def add_care_tags(added: list[tuple[Resident, set[int], list[CareTag]]]) -> None:
    """Link added care tags, logged as the many-to-many signal logs them (the tag ids before and after)."""
    through = Resident.care_tags.through
    links = [through(resident_id=resident.pk, caretag_id=tag.pk) for resident, _had, tags in added for tag in tags]
    through.objects.bulk_create(links, batch_size=BATCH_SIZE)
    record_in_bulk([
        (resident, "update", {"care_tags": _ids(had)}, {"care_tags": _ids(had | {tag.pk for tag in tags})})
        for resident, had, tags in added
    ], batch_size=BATCH_SIZE)


def _ids(pks: Iterable[int]) -> list[str]:
    return sorted(str(pk) for pk in pks)


def place_stays(stays: list[Stay], today: datetime.date, keys: list[str] | None = None) -> None:
    """Make each resident a current member of the household at their dwelling (moving keeps history).

    As a form would: a stay at another dwelling ends today; the dwelling's (first) household is
    used, or created when it has none; a 户主 becomes the household's head.
    """
    if not stays:
        return
    now = timezone.now()
    households = _first_households([stay.dwelling.pk for stay in stays])
    ended: list[Change] = []
    changed: list[Change] = []
    new_households: list[Household] = []
    new_members: list[HouseholdMember] = []
    new_member, new_household = instance_maker(HouseholdMember), instance_maker(Household)
    heads: dict[int, tuple[Household, dict[str, Any] | None]] = {}
    for stay in stays:
        current = stay.current
        if current is not None and current.household.dwelling_id == stay.dwelling.pk:
            household = current.household
            if current.relation != stay.relation:
                changed.append(_changed(current, now, relation=stay.relation))
        else:
            if current is not None:
                ended.append(_changed(current, now, moved_out_on=max(today, current.moved_in_on)))
            household = households.get(stay.dwelling.pk) or _new_household(
                new_household(grid=stay.dwelling.grid, dwelling=stay.dwelling), households, new_households)
            new_members.append(new_member(household=household, resident=stay.resident, relation=stay.relation,
                                          moved_in_on=min(stay.moved_in_on, today)))
        if stay.relation == Relation.HEAD and household.head_id != stay.resident.pk:
            before = heads[id(household)][1] if id(household) in heads else (
                snapshot(household) if household.pk else None)
            household.head = stay.resident
            heads[id(household)] = (household, before)
    # Old stays end before new ones begin: a resident has at most one current stay.
    _bulk_update(HouseholdMember, ended, ["moved_out_on", "updated_at"])
    for household in new_households:
        household.grid_code = household.grid.code
    record_created_in_bulk(insert_rows(new_households, batch_size=BATCH_SIZE), BATCH_SIZE)
    record_created_in_bulk(insert_rows(new_members, batch_size=BATCH_SIZE), BATCH_SIZE)
    _bulk_update(HouseholdMember, changed, ["relation", "updated_at"])
    new_heads = [(household, before) for household, before in heads.values() if before is not None]
    for household, _before in new_heads:
        household.updated_at = now
    _bulk_update(Household, [(h, "update", before, snapshot(h)) for h, before in new_heads], ["head", "updated_at"])
    # bulk_create sends no signals: the residents' address order (registry.addresses) is kept here.
    store_address_keys(stays, keys)


def stay_keys(stays: list[Stay]) -> list[str]:
    """The address sort key (``registry.addresses``) of the dwelling each stay puts its resident in,
    worked out once per dwelling; its building and unit are in memory (``registry.imports.places``)."""
    keys: dict[int, str] = {}
    for stay in stays:
        dwelling = stay.dwelling
        if id(dwelling) not in keys:
            unit = dwelling.unit.number if dwelling.unit is not None else ""
            keys[id(dwelling)] = address_key(dwelling.building.estate, dwelling.building.name, unit, dwelling.room)
    return [keys[id(stay.dwelling)] for stay in stays]


def key_new_residents(stays: list[Stay], keys: list[str] | None = None) -> None:
    """New residents are inserted with the sort key of the dwelling they will live in (``keys``:
    ``stay_keys(stays)`` if already worked out)."""
    for stay, key in zip(stays, stay_keys(stays) if keys is None else keys, strict=True):
        if stay.resident.pk is None:
            stay.resident.address_sort_key = key


def store_address_keys(stays: list[Stay], keys: list[str] | None = None) -> None:
    """Write the sort key of residents who were registered before and now live elsewhere (one
    ``bulk_update`` per 500 changed keys; new residents were inserted with theirs)."""
    changed = []
    for stay, key in zip(stays, stay_keys(stays) if keys is None else keys, strict=True):
        if stay.resident.address_sort_key != key:
            stay.resident.address_sort_key = key
            changed.append(stay.resident)
    Resident.objects.bulk_update(changed, ["address_sort_key"], batch_size=BATCH_SIZE)


def _changed(instance: models.Model, now: datetime.datetime, **values: Any) -> Change:
    before = snapshot(instance)
    for name, value in values.items():
        setattr(instance, name, value)
    instance.updated_at = now  # type: ignore[attr-defined]  # bulk_update does not touch auto_now fields
    return (instance, "update", before, snapshot(instance))


def _bulk_update(model: type[models.Model], changes: Sequence[Change], fields: list[str]) -> None:
    if changes:
        model._default_manager.bulk_update([change[0] for change in changes], fields, batch_size=BATCH_SIZE)
        record_in_bulk(changes, batch_size=BATCH_SIZE)


def _first_households(dwelling_ids: list[int]) -> dict[int, Household]:
    """The first household of each (saved) dwelling, as a form picks it: one query per 500 dwellings."""
    wanted = sorted({pk for pk in dwelling_ids if pk is not None})
    found: dict[int, Household] = {}
    for start in range(0, len(wanted), BATCH_SIZE):
        for household in Household.objects.filter(dwelling_id__in=wanted[start:start + BATCH_SIZE]).order_by(
            "created_at", "pk"
        ):
            found.setdefault(household.dwelling_id, household)
    return found


def _new_household(household: Household, households: dict[int, Household], new: list[Household]) -> Household:
    """A new household (at its dwelling) is the dwelling's from now on."""
    households[household.dwelling.pk] = household
    new.append(household)
    return household
