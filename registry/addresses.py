"""The address order of residents (楼栋-单元-房号 in natural order), kept as a stored sort key.

The resident list is ordered by where people live: 2号楼 before 10号楼, 2单元 before 10单元, room
301 before 1001. Sorting by the address text would put 10号楼 before 2号楼 (code-point order),
and sorting in Python would read a whole scope for every page, so each resident carries the key
of their current dwelling in ``Resident.address_sort_key`` (indexed with ``grid_code``) and the
list is ordered by it in the database, 50 rows a page.

The key is plain ASCII so that every database and collation orders it alike: each part of the
address (小区, 楼栋, 单元, 房号) becomes tokens, ``1`` + ten digits for a run of digits and ``2``
+ six hex digits (the code point) for any other character, and a part ends with ``0``. A
resident without a current stay gets ``NO_ADDRESS``, which sorts after every address.

The key follows the rows it is made of: saving or deleting a stay, a household, a dwelling, a
unit or a building refreshes the keys of the residents living there (signals connected in
``RegistryConfig.ready``). Code that writes stays with ``bulk_create`` calls
``refresh_address_keys`` itself (the demo seed does).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

from registry.models import Building, BuildingUnit, Dwelling, Household, HouseholdMember, Resident

NO_ADDRESS = "9"
KEY_LENGTH = 255
BATCH_SIZE = 500
_DIGITS = re.compile(r"(\d+)")
_NUMBER_WIDTH = 10


def natural_tokens(text: str) -> str:
    """``2号楼`` → tokens that sort 2号楼 before 10号楼 whatever the database's collation."""
    tokens = []
    for part in _DIGITS.split(text.strip()):
        if not part:
            continue
        if part.isascii() and part.isdigit():
            tokens.append("1" + part.lstrip("0").rjust(_NUMBER_WIDTH, "0")[-_NUMBER_WIDTH:])
        else:
            tokens.extend(f"2{ord(char):06x}" for char in part)
    return "".join(tokens)


def address_key(estate: str, building: str, unit: str, room: str) -> str:
    """The sort key of one address: 小区, 楼栋, 单元, 房号, each part closed by ``0``."""
    return "".join(natural_tokens(part) + "0" for part in (estate, building, unit, room))[:KEY_LENGTH]


def dwelling_key(dwelling: Dwelling) -> str:
    building = dwelling.building
    unit = dwelling.unit.number if dwelling.unit_id and dwelling.unit else ""
    return address_key(building.estate, building.name, unit, dwelling.room)


def _batches(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), BATCH_SIZE):
        yield ids[start:start + BATCH_SIZE]


def refresh_address_keys(residents: QuerySet[Resident] | Iterable[int]) -> int:
    """Recompute the sort key of these residents (a queryset or their ids) from their current stay;
    returns how many were written.

    One read and one ``bulk_update`` per 500 residents (``update`` bypasses the audit signals:
    the key is bookkeeping, not registry data).
    """
    if isinstance(residents, QuerySet):
        ids = list(residents.order_by().values_list("pk", flat=True))
    else:
        ids = sorted(set(residents))
    for batch in _batches(ids):
        keys = dict.fromkeys(batch, NO_ADDRESS)
        stays = HouseholdMember.objects.current().filter(resident_id__in=batch).select_related(
            "household__dwelling__building", "household__dwelling__unit"
        )
        for stay in stays:
            keys[stay.resident_id] = dwelling_key(stay.household.dwelling)
        rows = [Resident(pk=pk, address_sort_key=key) for pk, key in keys.items()]
        Resident.objects.bulk_update(rows, ["address_sort_key"])
    return len(ids)


def _living_in(**where: Any) -> QuerySet[Resident]:
    """Residents whose current stay matches ``where`` (lookups from ``HouseholdMember``)."""
    stays = HouseholdMember.objects.current().filter(**where).values("resident_id")
    return Resident.objects.filter(pk__in=stays)


def on_stay_changed(sender: type[HouseholdMember], instance: HouseholdMember, **kwargs: Any) -> None:
    refresh_address_keys(Resident.objects.filter(pk=instance.resident_id))


def on_household_changed(sender: type[Household], instance: Household, created: bool = False, **kwargs: Any) -> None:
    if not created:
        refresh_address_keys(_living_in(household=instance))


def on_dwelling_changed(sender: type[Dwelling], instance: Dwelling, created: bool = False, **kwargs: Any) -> None:
    if not created:
        refresh_address_keys(_living_in(household__dwelling=instance))


def on_unit_changed(sender: type[BuildingUnit], instance: BuildingUnit, created: bool = False, **kwargs: Any) -> None:
    if not created:
        refresh_address_keys(_living_in(household__dwelling__unit=instance))


def on_building_changed(sender: type[Building], instance: Building, created: bool = False, **kwargs: Any) -> None:
    if not created:
        refresh_address_keys(_living_in(household__dwelling__building=instance))


def connect() -> None:
    """Keep the keys up to date on every save and delete (called from ``RegistryConfig.ready``)."""
    post_save.connect(on_stay_changed, sender=HouseholdMember, dispatch_uid="address-key-stay-saved")
    post_delete.connect(on_stay_changed, sender=HouseholdMember, dispatch_uid="address-key-stay-deleted")
    post_save.connect(on_household_changed, sender=Household, dispatch_uid="address-key-household")
    post_save.connect(on_dwelling_changed, sender=Dwelling, dispatch_uid="address-key-dwelling")
    post_save.connect(on_unit_changed, sender=BuildingUnit, dispatch_uid="address-key-unit")
    post_save.connect(on_building_changed, sender=Building, dispatch_uid="address-key-building")
