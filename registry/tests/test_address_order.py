"""The resident list in address order (楼栋-单元-房号, natural), from the stored sort key."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.urls import reverse

from registry.addresses import NO_ADDRESS, address_key, natural_tokens, refresh_address_keys
from registry.models import Building, BuildingUnit, Dwelling, Household, HouseholdMember, Relation, Resident
from registry.selectors import ResidentFilter, search_residents

pytestmark = pytest.mark.django_db

START = datetime.date(2020, 1, 1)


def test_it_orders_numbers_naturally_and_text_by_character():
    assert natural_tokens("2号楼") < natural_tokens("10号楼")
    assert natural_tokens("301") < natural_tokens("1001")
    assert natural_tokens("2单元") < natural_tokens("10单元")
    assert natural_tokens("A301") < natural_tokens("B101")
    assert natural_tokens("3号楼") < natural_tokens("3号楼A")
    assert address_key("百花小区", "2号楼", "1单元", "1001") < address_key("百花小区", "10号楼", "1单元", "301")
    assert address_key("百花小区", "2号楼", "1单元", "301") < address_key("百花小区", "2号楼", "1单元", "1001")
    assert address_key("百花小区", "2号楼", "2单元", "101") < address_key("百花小区", "2号楼", "10单元", "101")
    assert address_key("A", "9号楼", "", "101") < address_key("AB", "1号楼", "", "101")
    assert address_key("百花小区", "99号楼", "99单元", "9999") < NO_ADDRESS
    assert address_key("小" * 200, "1号楼", "", "1").isascii()
    assert len(address_key("小" * 200, "1号楼", "", "1")) == 255


def _live(grid, name, building, room, unit=None):
    resident = Resident.objects.create(grid=grid, name=name, gender="M")
    dwelling, _ = Dwelling.objects.get_or_create(grid=grid, building=building, unit=unit, room=room,
                                                 defaults={"floor": 1})
    household = Household.objects.create(grid=grid, dwelling=dwelling)
    HouseholdMember.objects.create(household=household, resident=resident, relation=Relation.HEAD,
                                   moved_in_on=START)
    return resident


@pytest.fixture
def street(cast):
    b10 = Building.objects.create(grid=cast.grid_a, estate="百花小区", name="10号楼", address="百花路10号", floors=12)
    b2 = Building.objects.create(grid=cast.grid_a, estate="百花小区", name="2号楼", address="百花路2号", floors=12)
    unit = BuildingUnit.objects.create(building=b2, number="1单元")
    people = {
        "甲": _live(cast.grid_a, "甲", b10, "301"),
        "乙": _live(cast.grid_a, "乙", b2, "1001", unit),
        "丙": _live(cast.grid_a, "丙", b2, "301", unit),
        "丁": _live(cast.grid_a, "丁", b10, "1001"),
    }
    people["戊"] = Resident.objects.create(grid=cast.grid_a, name="戊", gender="F")  # no address yet
    return b2, b10, unit, people


def _names_on_page(client):
    response = client.get(reverse("registry:search"))
    return [row.resident.name for row in response.context["rows"]]


def test_the_search_page_lists_residents_by_building_unit_and_room(cast, login, street):
    assert _names_on_page(login(cast.grid_worker_a)) == ["丙", "乙", "甲", "丁", "戊"]


def test_moving_out_puts_a_resident_last_and_moving_in_back_in_place(cast, login, street):
    _b2, b10, _unit, people = street
    stay = HouseholdMember.objects.get(resident=people["丙"])
    stay.moved_out_on = START + datetime.timedelta(days=30)
    stay.save()
    people["丙"].refresh_from_db()
    assert people["丙"].address_sort_key == NO_ADDRESS
    _live_again = Household.objects.create(grid=cast.grid_a, dwelling=Dwelling.objects.get(building=b10, room="1001"))
    HouseholdMember.objects.create(household=_live_again, resident=people["戊"], relation=Relation.HEAD,
                                   moved_in_on=START)
    assert _names_on_page(login(cast.grid_worker_a)) == ["乙", "甲", "丁", "戊", "丙"]


def test_renaming_a_building_or_unit_or_room_moves_its_residents(cast, login, street):
    b2, _b10, unit, _people = street
    b2.name = "20号楼"
    b2.save()
    assert _names_on_page(login(cast.grid_worker_a)) == ["甲", "丁", "丙", "乙", "戊"]
    dwelling = Dwelling.objects.get(building=b2, room="301")
    dwelling.room = "2001"
    dwelling.save()
    assert _names_on_page(login(cast.grid_worker_a)) == ["甲", "丁", "乙", "丙", "戊"]
    unit.number = "0单元"
    unit.save()
    expected = address_key("百花小区", "20号楼", "0单元", "1001")
    assert Resident.objects.get(name="乙").address_sort_key == expected


def test_the_migration_fills_the_keys_of_existing_residents(cast, street):
    fill = importlib.import_module("registry.migrations.0006_fill_address_sort_keys")
    Resident.objects.update(address_sort_key=NO_ADDRESS)
    fill.fill_keys(django_apps, None)
    keys = dict(Resident.objects.values_list("name", "address_sort_key"))
    assert keys["丙"] == address_key("百花小区", "2号楼", "1单元", "301") and keys["戊"] == NO_ADDRESS


def test_refresh_recomputes_keys_written_in_bulk(cast, street):
    _b2, _b10, _unit, people = street
    Resident.objects.filter(pk=people["甲"].pk).update(address_sort_key=NO_ADDRESS)
    assert refresh_address_keys([people["甲"].pk]) == 1
    assert Resident.objects.get(pk=people["甲"].pk).address_sort_key == address_key("百花小区", "10号楼", "", "301")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan; PostgreSQL plans by statistics")
def test_the_ordered_page_reads_the_index_instead_of_sorting_the_table(cast, street):
    page = search_residents(cast.grid_worker_a, ResidentFilter())[:50]
    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "resident_address_order" in plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's query plan")
def test_postgresql_can_read_the_page_from_the_index_without_sorting(cast, street):
    page = search_residents(cast.grid_worker_a, ResidentFilter())[:50]
    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is too small to prefer an index
        # With a handful of rows (or statistics left by an earlier test's rows) sorting them is
        # cheapest; forbidding the sort asks whether a plan without one exists: the index's.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")  # the grid_code index, then sort the rest
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "resident_address_order" in plan, plan
    assert "Sort" not in plan, plan

