"""registry.services: the named operations re-check scope and permission and keep history."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.testing import Cast
from audit.models import AccessLogEntry, ChangeLogEntry
from core.request_context import acting_as
from registry import services
from registry.models import Building, HouseholdMember, Relation, Resident
from registry.tests.test_pages import ZHANG_ID, ZHANG_PHONE, World, build_world, make_id


@pytest.fixture
def world(cast: Cast) -> World:
    return build_world(cast)


def test_it_unmasks_and_logs_in_the_current_request(world):
    with acting_as(world.leader_a, "req-7", "10.0.0.9"):
        values = services.resident_unmask(resident=world.zhang, actor=world.leader_a, reason=" 入户  核实 ")
    assert values == {"id_number": ZHANG_ID, "phone": ZHANG_PHONE, "birth_date": "1950-01-01"}
    entry = AccessLogEntry.objects.get()
    assert (entry.request_id, entry.remote_addr, entry.reason) == ("req-7", "10.0.0.9", "入户 核实")
    assert entry.user_name == "grid_leader_a" and entry.object_repr == "张三"


def test_it_refuses_to_unmask_without_permission_or_reason(world):
    with pytest.raises(PermissionDenied):
        services.resident_unmask(resident=world.zhang, actor=world.cast.grid_worker_a, reason="入户核实")
    with pytest.raises(PermissionDenied):
        services.resident_unmask(resident=world.zhang, actor=world.cast.other_street_leader, reason="入户核实")
    with pytest.raises(ValidationError):
        services.resident_unmask(resident=world.zhang, actor=world.leader_a, reason="看看")
    assert not AccessLogEntry.objects.exists()


def test_it_refuses_a_registration_in_a_grid_outside_scope(world):
    resident = Resident(grid=world.cast.grid_c, name="越界", id_number=make_id("19700707", "135"), gender="M")
    with pytest.raises(PermissionDenied):
        services.resident_register(resident=resident, actor=world.cast.grid_worker_a)
    assert not Resident.objects.filter(name="越界").exists()


def test_it_turns_a_duplicate_into_a_field_error(world):
    twin = Resident(grid=world.cast.grid_a, name="重复", id_number=ZHANG_ID, gender="M")
    with pytest.raises(ValidationError) as error:
        services.resident_register(resident=twin, actor=world.cast.grid_worker_a)
    assert error.value.message_dict == {"id_number": [services.not_registrable_message()]}


def test_it_refuses_moving_a_resident_to_a_grid_outside_scope(world):
    world.zhang.grid = world.cast.grid_c
    with pytest.raises(PermissionDenied):
        services.resident_update(resident=world.zhang, actor=world.cast.grid_worker_a)
    assert Resident.objects.get(pk=world.zhang.pk).grid == world.cast.grid_a


def test_it_creates_missing_units_and_stamps_verification(world):
    building = Building(grid=world.cast.grid_a, name="5号楼", address="百花路5号", floors=4, unit_count=3,
                        verification_state="verified")
    services.building_save(building=building, actor=world.cast.grid_worker_a)
    assert building.units.count() == 3 and building.verified_by == world.cast.grid_worker_a
    assert building.verified_at is not None
    with pytest.raises(PermissionDenied):
        services.building_save(building=Building(grid=world.cast.grid_a, name="6号楼", address="x"),
                               actor=world.head_b1)


def test_it_creates_a_buildings_units_in_bulk_each_with_its_change_log_entry(world, django_assert_max_num_queries):
    actor = world.cast.grid_worker_a
    building = Building(grid=world.cast.grid_a, name="7号楼", address="百花路7号", floors=6, unit_count=40)
    with acting_as(actor, "req-8", "10.0.0.8"), django_assert_max_num_queries(15):
        services.building_save(building=building, actor=actor)
    numbers = sorted(building.units.values_list("number", flat=True), key=lambda number: int(number[:-2]))
    assert numbers == [f"{n}单元" for n in range(1, 41)]
    entries = ChangeLogEntry.objects.filter(content_type__model="buildingunit", action="create",
                                            object_repr__startswith="7号楼 ")
    assert entries.count() == 40
    assert {(e.user, e.request_id, e.area_code) for e in entries} == {(actor, "req-8", world.cast.grid_a.code)}
    assert {e.object_repr for e in entries} >= {"7号楼 1单元", "7号楼 40单元"}
    building.unit_count = 42
    services.building_save(building=building, actor=actor)
    assert building.units.count() == 42 and entries.all().count() == 42


def test_it_moves_a_member_out_keeping_the_stay_and_clearing_the_head(world):
    stay = HouseholdMember.objects.get(resident=world.zhang)
    services.household_member_move_out(member=stay, actor=world.cast.grid_worker_a,
                                       moved_out_on=datetime.date(2025, 1, 31))
    stay.refresh_from_db()
    world.household.refresh_from_db()
    assert stay.moved_out_on == datetime.date(2025, 1, 31) and world.household.head is None
    with pytest.raises(ValidationError):
        services.household_member_move_out(member=stay, actor=world.cast.grid_worker_a)
    member = services.household_add_member(household=world.household, actor=world.cast.grid_worker_a,
                                           resident=world.zhang, relation=Relation.HEAD,
                                           moved_in_on=datetime.date(2025, 3, 1))
    world.household.refresh_from_db()
    assert world.household.head == world.zhang
    assert HouseholdMember.objects.filter(resident=world.zhang).count() == 2 and member.moved_out_on is None
    assert ChangeLogEntry.objects.filter(content_type__model="householdmember").exists()


def test_it_refuses_household_changes_outside_scope(world):
    stay = HouseholdMember.objects.get(resident=world.li)
    with pytest.raises(PermissionDenied):
        services.household_member_move_out(member=stay, actor=world.cast.grid_worker_b)
    with pytest.raises(PermissionDenied):
        services.household_add_member(household=world.household, actor=world.head_b1, resident=world.zhao,
                                      relation=Relation.OTHER)
