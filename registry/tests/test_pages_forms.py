"""The registry's edit forms: normalisation, Chinese messages naming the field, duplicates, scope."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from accounts.testing import Cast
from registry.models import Building, Dwelling, HouseholdMember, Resident
from registry.tests.test_pages import World, build_world, make_id

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")


@pytest.fixture
def world(cast: Cast) -> World:
    return build_world(cast)


def resident_data(world: World, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "孙 七", "document_type": "id_card", "id_number": "", "gender": "", "birth_date": "",
        "phone": "", "ethnicity": "汉族", "political_status": "masses", "residency_type": "registered",
        "status": "present", "grid": world.cast.grid_a.pk, "verification_state": "pending", "notes": "",
        "workplace": "", "care_tags": [],
    }
    data.update(changes)
    return data


def test_it_registers_a_resident_from_full_width_input_filling_birth_date_and_gender(world, login):
    number = make_id("19880808", "246")
    data = resident_data(world, id_number=number.translate(FULL_WIDTH), phone="１３９ ００００ １１１１")
    response = login(world.cast.grid_worker_a).post(reverse("registry:resident_create"), data)
    assert response.status_code == 302
    resident = Resident.objects.get(name="孙七")
    assert resident.id_number == number and resident.phone == "13900001111"
    assert resident.birth_date == datetime.date(1988, 8, 8) and resident.gender == "F"
    assert number not in login(world.cast.grid_worker_a).get(response["Location"]).content.decode()


@pytest.mark.parametrize(("changes", "message"), [
    ({"id_number": make_id("19880808", "246")[:-1] + "0"}, "证件号码：身份证号码校验位错误"),
    ({"id_number": "4101021988"}, "身份证号码应为18位，现在是10位。"),
    ({"id_number": make_id("19880808", "246"), "gender": "M"}, "性别：性别与身份证号码不一致。"),
    ({"id_number": make_id("19880808", "246"), "birth_date": "1988-08-09"}, "出生日期与身份证号码不一致。"),
    ({"id_number": make_id("19880808", "246"), "phone": "12345"}, "联系电话：手机号码应为11位数字"),
    ({"id_number": make_id("19880808", "246"), "name": " "}, "姓名：请填写姓名。"),
    ({"id_number": ""}, "证件号码：请填写证件号码。"),
])
def test_it_names_the_field_in_each_error(world, login, changes, message):
    client = login(world.cast.grid_worker_a)
    response = client.post(reverse("registry:resident_create"), resident_data(world, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Resident.objects.filter(name="孙七").exists()


def test_it_links_a_duplicate_id_number_to_the_visible_resident(world, login):
    from registry.tests.test_pages import ZHANG_ID

    response = login(world.cast.grid_worker_a).post(reverse("registry:resident_create"),
                                                    resident_data(world, id_number=ZHANG_ID))
    content = response.content.decode()
    assert "该证件号码已登记" in content
    assert reverse("registry:resident", args=[world.zhang.pk]) in content


def test_it_refuses_a_grid_outside_scope(world, login):
    data = resident_data(world, id_number=make_id("19880808", "246"), grid=world.cast.grid_c.pk)
    response = login(world.cast.grid_worker_a).post(reverse("registry:resident_create"), data)
    assert response.status_code == 200
    assert "所属网格" in response.content.decode()
    assert not Resident.objects.filter(grid=world.cast.grid_c, name="孙七").exists()


def test_it_refuses_editing_to_a_building_head(world, login):
    client = login(world.head_b1)
    assert client.get(reverse("registry:resident_edit", args=[world.zhang.pk])).status_code == 403
    assert client.get(reverse("registry:resident_create")).status_code == 403


def test_it_never_puts_clear_identifiers_into_the_edit_form(world, login):
    from registry.tests.test_pages import ZHANG_ID, ZHANG_PHONE

    content = login(world.cast.grid_worker_a).get(reverse("registry:resident_edit", args=[world.zhang.pk])).content
    assert ZHANG_ID.encode() not in content and ZHANG_PHONE.encode() not in content


def test_it_creates_a_building_with_its_units_and_a_dwelling(world, login):
    client = login(world.cast.grid_worker_a)
    response = client.post(reverse("registry:building_create"), {
        "grid": world.cast.grid_a.pk, "estate": "百花小区", "name": "３号楼", "address": "百花路3号",
        "kind": "residential", "floors": 5, "unit_count": 2, "lng": "", "lat": "", "verification_state": "verified",
    })
    assert response.status_code == 302
    building = Building.objects.get(name="3号楼")
    assert list(building.units.values_list("number", flat=True)) == ["1单元", "2单元"]
    assert building.verified_by == world.cast.grid_worker_a
    unit = building.units.get(number="1单元")
    dwelling_data = {"unit": unit.pk, "floor": 3, "room": "301", "floor_area": "89.5", "use": "rented",
                     "owner_name": "", "verification_state": "pending"}
    assert client.post(reverse("registry:dwelling_create", args=[building.pk]), dwelling_data).status_code == 302
    assert Dwelling.objects.get(building=building, room="301").grid == world.cast.grid_a
    again = client.post(reverse("registry:dwelling_create", args=[building.pk]), dwelling_data)
    assert "该单元已有这个房号。" in again.content.decode()
    too_high = client.post(reverse("registry:dwelling_create", args=[building.pk]),
                           {**dwelling_data, "room": "901", "floor": 9})
    assert "楼层不能高于楼栋的层数。" in too_high.content.decode()


def test_it_refuses_building_sizes_beyond_any_real_building(world, login):
    """floors=32767&unit_count=32767 once held a request for 46 s creating units in one transaction."""
    client = login(world.cast.grid_worker_a)
    data = {"grid": world.cast.grid_a.pk, "estate": "", "name": "巨楼", "address": "百花路99号", "kind": "residential",
            "floors": 201, "unit_count": 100, "lng": "", "lat": "", "verification_state": "pending"}
    page = client.get(reverse("registry:building_create")).content.decode()
    assert 'max="200"' in page and 'max="99"' in page
    response = client.post(reverse("registry:building_create"), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "层数应为1到200，现在是201。" in content and "单元数应为1到99，现在是100。" in content
    assert not Building.objects.filter(name="巨楼").exists()
    building = Building.objects.exclude(units=None).first()
    dwelling_data = {"unit": "", "room": "B1101", "floor_area": "", "use": "rented", "owner_name": "",
                     "verification_state": "pending"}
    url = reverse("registry:dwelling_create", args=[building.pk])
    for floor, message in ((-11, "楼层应为-10到200（地下层为负数），现在是-11。"),
                           (32767, "楼层应为-10到200（地下层为负数），现在是32767。"), ("", "请填写楼层。")):
        response = client.post(url, {**dwelling_data, "floor": floor})
        assert response.status_code == 200 and message in response.content.decode()
    assert not Dwelling.objects.filter(room="B1101").exists()


def test_it_adds_existing_and_new_members_and_moves_one_out_keeping_history(world, login):
    client = login(world.cast.grid_worker_a)
    url = reverse("registry:household_add_member", args=[world.household.pk])
    newcomer = make_id("20150505", "357")
    response = client.post(url, {"document_type": "id_card", "id_number": newcomer, "relation": "grandchild",
                                 "moved_in_on": "2024-01-01", "name": "张小宝", "phone": ""})
    assert response.status_code == 302
    baby = Resident.objects.get(name="张小宝")
    assert baby.grid == world.cast.grid_a and baby.gender == "M"
    busy = client.post(url, {"document_type": "id_card", "id_number": world.zhao.id_number, "relation": "other",
                             "moved_in_on": "", "name": "", "phone": ""})
    assert "该居民目前登记在另一户，请先在原户办理迁出。" in busy.content.decode()
    unknown = client.post(url, {"document_type": "id_card", "id_number": make_id("19990909", "468"),
                                "relation": "other", "moved_in_on": "", "name": "", "phone": ""})
    assert "该居民如尚未在您负责的区域登记，请填写姓名以新登记。" in unknown.content.decode()
    stay = HouseholdMember.objects.get(resident=world.li)
    assert client.post(reverse("registry:member_move_out", args=[stay.pk]),
                       {"moved_out_on": "2025-06-30"}).status_code == 302
    stay.refresh_from_db()
    assert stay.moved_out_on == datetime.date(2025, 6, 30)
    page = client.get(reverse("registry:household", args=[world.household.pk])).content.decode()
    assert "李四" in page and "2025-06-30" in page and "张小宝" in page


