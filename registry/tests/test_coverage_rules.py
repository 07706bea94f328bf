"""What counts as a gap: shops and vacant flats need no household, public buildings no dwellings."""

import pytest

from registry.coverage import area_coverage
from registry.models import Building, BuildingKind, Dwelling, DwellingUse

pytestmark = pytest.mark.django_db


def test_it_expects_households_only_in_dwellings_that_are_lived_in(cast):
    building = Building.objects.create(grid=cast.grid_a, name="1号楼", address="百花路1号", kind=BuildingKind.MIXED,
                                       floors=6)
    for room, use in [("101", DwellingUse.BUSINESS), ("102", DwellingUse.VACANT), ("201", DwellingUse.RENTED),
                      ("202", DwellingUse.OWNER_OCCUPIED)]:
        Dwelling.objects.create(grid=cast.grid_a, building=building, floor=int(room[0]), room=room, use=use)
    assert area_coverage(cast.grid_a, cast.superuser).dwellings_without_household == 2


def test_it_expects_dwellings_only_in_residential_and_mixed_buildings(cast):
    kinds = [("教学楼", BuildingKind.PUBLIC), ("厂房", BuildingKind.FACTORY), ("3号楼", BuildingKind.RESIDENTIAL),
             ("4号楼", BuildingKind.MIXED)]
    for name, kind in kinds:
        Building.objects.create(grid=cast.grid_a, name=name, address=f"百花路{name}", kind=kind, floors=3)
    assert area_coverage(cast.grid_a, cast.superuser).buildings_without_dwellings == 2
