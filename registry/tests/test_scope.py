"""Who sees which registry records: the area scope, and 楼栋长 limited to their buildings."""

import datetime

import pytest

from accounts.models import Role, RoleAssignment
from accounts.testing import make_user
from registry.models import Building, Dwelling, Household, HouseholdMember, Relation, Resident

pytestmark = pytest.mark.django_db


def house(grid, name, resident_name, room="101"):
    building = Building.objects.create(grid=grid, name=name, address=f"{grid.name}{name}", floors=6)
    dwelling = Dwelling.objects.create(grid=grid, building=building, floor=1, room=room)
    household = Household.objects.create(grid=grid, dwelling=dwelling)
    resident = Resident.objects.create(grid=grid, name=resident_name, gender="F")
    HouseholdMember.objects.create(household=household, resident=resident, relation=Relation.HEAD)
    return building, resident


@pytest.fixture
def homes(cast):
    return {
        "a1": house(cast.grid_a, "1号楼", "王桂娟"),
        "a2": house(cast.grid_a, "2号楼", "曲秀英"),
        "b1": house(cast.grid_b, "1号楼", "邢瑜璇"),
        "c1": house(cast.grid_c, "1号楼", "徐阿姨"),
    }


def names(queryset):
    return sorted(queryset.values_list("name", flat=True))


def test_it_shows_a_grid_worker_the_residents_of_their_grid_only(cast, homes):
    assert names(Resident.objects.visible_to(cast.grid_worker_a)) == ["曲秀英", "王桂娟"]


def test_it_shows_a_street_leader_the_whole_street(cast, homes):
    assert names(Resident.objects.visible_to(cast.street_leader)) == ["曲秀英", "王桂娟", "邢瑜璇"]


def test_it_shows_nothing_to_an_outsider_and_everything_to_a_superuser(cast, homes):
    assert names(Resident.objects.visible_to(cast.outsider)) == []
    assert len(names(Resident.objects.visible_to(cast.superuser))) == 4


def test_it_shows_a_building_head_only_the_buildings_they_head(cast, homes):
    head = make_user("building_head_a", "building_head", cast.grid_a)
    building_a1, _ = homes["a1"]
    building_a1.heads.add(head)
    assert names(Building.objects.visible_to(head)) == ["1号楼"]
    assert names(Resident.objects.visible_to(head)) == ["王桂娟"]
    assert Dwelling.objects.visible_to(head).get().building == building_a1
    assert Household.objects.visible_to(head).count() == 1
    assert HouseholdMember.objects.visible_to(head).get().resident.name == "王桂娟"


def test_it_ignores_a_headed_building_outside_the_building_heads_area(cast, homes):
    head = make_user("building_head_a", "building_head", cast.grid_a)
    homes["c1"][0].heads.add(head)
    assert names(Resident.objects.visible_to(head)) == []


def test_it_lets_a_wider_role_win_over_the_building_limit(cast, homes):
    head = make_user("head_and_worker", "building_head", cast.grid_a)
    RoleAssignment.objects.create(
        user=head, role=Role.objects.get(code="grid_worker"), area=cast.grid_a, valid_from=datetime.date(2024, 1, 1)
    )
    assert names(Resident.objects.visible_to(head)) == ["曲秀英", "王桂娟"]


def test_it_keeps_grid_code_in_step_with_the_grid(cast, homes):
    building, resident = homes["a1"]
    assert building.grid_code == cast.grid_a.code
    resident.grid = cast.grid_b
    resident.save()
    resident.refresh_from_db()
    assert resident.grid_code == cast.grid_b.code
