"""Records edited outside the import (admin, forms) get the same checks, naming the field in Chinese."""

import pytest
from django.core.exceptions import ValidationError

from registry.models import Building, Dwelling, Establishment, EstablishmentKind, Vehicle, VehicleKind
from registry.validators import credit_code_check_character

pytestmark = pytest.mark.django_db


def credit_code() -> str:
    body = "91410102MA3X5K8P1"
    return body + credit_code_check_character(body)


def errors(record) -> dict:
    with pytest.raises(ValidationError) as caught:
        record.full_clean()
    return caught.value.message_dict


def test_it_normalises_and_accepts_a_plate(cast):
    vehicle = Vehicle(grid=cast.grid_a, plate="豫ａ·1234５", kind=VehicleKind.CAR)
    vehicle.full_clean()
    assert vehicle.plate == "豫A12345"


def test_it_refuses_a_car_plate_in_the_wrong_format(cast):
    assert "plate" in errors(Vehicle(grid=cast.grid_a, plate="A12345", kind=VehicleKind.CAR))
    assert "简称" in errors(Vehicle(grid=cast.grid_a, plate="A123456", kind=VehicleKind.CAR))["plate"][0]


def test_it_accepts_a_city_specific_ebike_plate(cast):
    Vehicle(grid=cast.grid_a, plate="郑州0012345", kind=VehicleKind.EBIKE).full_clean()


def test_it_checks_the_credit_code_of_an_organisation(cast):
    good = Establishment(grid=cast.grid_a, name="百花超市", kind=EstablishmentKind.SHOP, address="百花路1号",
                         credit_code=credit_code().lower())
    good.full_clean()
    assert good.credit_code == credit_code()
    wrong = credit_code()[:-1] + ("0" if credit_code()[-1] != "0" else "1")
    bad = Establishment(grid=cast.grid_a, name="百花超市", kind=EstablishmentKind.SHOP, address="百花路1号",
                        credit_code=wrong)
    assert "credit_code" in errors(bad)


def test_it_checks_the_contact_phone_of_an_organisation(cast):
    bad = Establishment(grid=cast.grid_a, name="百花超市", kind=EstablishmentKind.SHOP, address="百花路1号",
                        contact_phone="12345")
    assert "contact_phone" in errors(bad)


def test_it_bounds_a_buildings_size_naming_the_field(cast):
    """What the admin checks too: floors=32767&unit_count=32767 once held a request for 46 s."""
    giant = Building(grid=cast.grid_a, name="巨楼", address="百花路99号", floors=32767, unit_count=32767)
    assert errors(giant) == {
        "floors": ["层数应为1到200，现在是32767。"], "unit_count": ["单元数应为1到99，现在是32767。"],
    }
    Building(grid=cast.grid_a, name="高楼", address="百花路98号", floors=200, unit_count=99).full_clean()
    building = Building.objects.create(grid=cast.grid_a, name="3号楼", address="百花路3号", floors=6)
    deep = Dwelling(grid=cast.grid_a, building=building, floor=-11, room="B1101")
    assert errors(deep) == {"floor": ["楼层应为-10到200（地下层为负数），现在是-11。"]}
    Dwelling(grid=cast.grid_a, building=building, floor=-10, room="B1001").full_clean()
