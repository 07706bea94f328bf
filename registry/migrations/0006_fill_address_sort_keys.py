"""Fill ``Resident.address_sort_key`` from each resident's current stay (``registry.addresses``)."""

from typing import Any

from django.db import migrations

from registry.addresses import BATCH_SIZE, NO_ADDRESS, address_key


def fill_keys(apps: Any, schema_editor: Any) -> None:
    Resident = apps.get_model("registry", "Resident")
    HouseholdMember = apps.get_model("registry", "HouseholdMember")
    stays = HouseholdMember.objects.filter(moved_out_on__isnull=True).select_related(
        "household__dwelling__building", "household__dwelling__unit"
    ).order_by("pk")
    rows = []
    for stay in stays.iterator(chunk_size=BATCH_SIZE):
        dwelling = stay.household.dwelling
        unit = dwelling.unit.number if dwelling.unit_id else ""
        key = address_key(dwelling.building.estate, dwelling.building.name, unit, dwelling.room)
        rows.append(Resident(pk=stay.resident_id, address_sort_key=key))
        if len(rows) == BATCH_SIZE:
            Resident.objects.bulk_update(rows, ["address_sort_key"])
            rows = []
    Resident.objects.bulk_update(rows, ["address_sort_key"])


def clear_keys(apps: Any, schema_editor: Any) -> None:
    apps.get_model("registry", "Resident").objects.update(address_sort_key=NO_ADDRESS)


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_address_sort_key")]

    operations = [migrations.RunPython(fill_keys, clear_keys)]
