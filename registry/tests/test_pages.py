"""The registry pages: search, building grid, dwelling/household/resident profiles, masking, scope."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.testing import Cast, make_user
from areas.models import Area
from registry.models import (
    Building,
    BuildingUnit,
    CareTag,
    Dwelling,
    DwellingUse,
    Household,
    HouseholdMember,
    Relation,
    Resident,
    VerificationState,
)
from registry.validators import id_birth_date, id_check_digit


def make_id(birth: str = "19500101", sequence: str = "123", region: str = "410102") -> str:
    """A valid 居民身份证 number (the 17th digit odd for a man, even for a woman)."""
    first17 = region + birth + sequence
    return first17 + id_check_digit(first17)


@dataclass
class World:
    """Two buildings in grid A (one headed by a 楼栋长), one in grid C, a household with tagged residents."""

    cast: Cast
    leader_a: User
    head_b1: User
    b1: Building
    b2: Building
    b3: Building
    unit1: BuildingUnit
    d101: Dwelling
    household: Household
    zhang: Resident
    li: Resident
    zhao: Resident
    wang: Resident


ZHANG_ID = make_id("19500101", "123")
ZHANG_PHONE = "13812345678"
LI_ID = make_id("19520202", "224")
LI_PHONE = "13987654321"
ZHAO_ID = make_id("19800303", "315")
WANG_ID = make_id("19900404", "417")


def _resident(grid: Area, name: str, number: str, phone: str, gender: str, **extra: object) -> Resident:
    """A resident as the form registers one: the birth date read from the ID number."""
    extra.setdefault("birth_date", id_birth_date(number))
    resident = Resident(grid=grid, name=name, id_number=number, phone=phone, gender=gender, **extra)
    resident.save()
    return resident


def build_world(cast: Cast) -> World:
    leader_a = make_user("grid_leader_a", "grid_leader", cast.grid_a)
    head_b1 = make_user("head_b1", "building_head", cast.grid_a)
    b1 = Building.objects.create(grid=cast.grid_a, estate="百花小区", name="1号楼", address="百花路1号", floors=6,
                                 unit_count=2)
    b1.heads.add(head_b1)
    b2 = Building.objects.create(grid=cast.grid_a, estate="百花小区", name="2号楼", address="百花路2号", floors=3)
    b3 = Building.objects.create(grid=cast.grid_c, estate="协作小区", name="9号楼", address="协作路9号", floors=3)
    unit1 = BuildingUnit.objects.create(building=b1, number="1单元")
    unit2 = BuildingUnit.objects.create(building=b1, number="2单元")
    d101 = Dwelling.objects.create(grid=cast.grid_a, building=b1, unit=unit1, floor=1, room="101",
                                   verification_state=VerificationState.VERIFIED)
    Dwelling.objects.create(grid=cast.grid_a, building=b1, unit=unit1, floor=1, room="102", use=DwellingUse.RENTED)
    Dwelling.objects.create(grid=cast.grid_a, building=b1, unit=unit1, floor=6, room="601", use=DwellingUse.VACANT)
    Dwelling.objects.create(grid=cast.grid_a, building=b1, unit=unit2, floor=2, room="201", use=DwellingUse.BUSINESS,
                            verification_state=VerificationState.DOUBTFUL)
    d_b2 = Dwelling.objects.create(grid=cast.grid_a, building=b2, floor=1, room="101")
    d_b3 = Dwelling.objects.create(grid=cast.grid_c, building=b3, floor=1, room="101")
    zhang = _resident(cast.grid_a, "张三", ZHANG_ID, ZHANG_PHONE, "M", workplace="退休")
    li = _resident(cast.grid_a, "李四", LI_ID, LI_PHONE, "F")
    zhao = _resident(cast.grid_a, "赵六", ZHAO_ID, "13700001111", "M")
    wang = _resident(cast.grid_c, "王五", WANG_ID, "13600002222", "M")
    zhang.care_tags.add(CareTag.objects.get(code="living_alone_elderly"), CareTag.objects.get(code="disabled"))
    li.care_tags.add(CareTag.objects.get(code="special_attention"))
    household = Household.objects.create(grid=cast.grid_a, dwelling=d101, head=zhang)
    start = datetime.date(2020, 5, 1)
    HouseholdMember.objects.create(household=household, resident=zhang, relation=Relation.HEAD, moved_in_on=start)
    HouseholdMember.objects.create(household=household, resident=li, relation=Relation.SPOUSE, moved_in_on=start)
    other = Household.objects.create(grid=cast.grid_a, dwelling=d_b2)
    HouseholdMember.objects.create(household=other, resident=zhao, relation=Relation.HEAD, moved_in_on=start)
    far = Household.objects.create(grid=cast.grid_c, dwelling=d_b3)
    HouseholdMember.objects.create(household=far, resident=wang, relation=Relation.HEAD, moved_in_on=start)
    return World(cast, leader_a, head_b1, b1, b2, b3, unit1, d101, household, zhang, li, zhao, wang)


@pytest.fixture
def world(cast: Cast) -> World:
    return build_world(cast)


CLEAR_VALUES = (ZHANG_ID, ZHANG_PHONE, LI_ID, LI_PHONE, ZHAO_ID, WANG_ID)


def assert_masked(content: str) -> None:
    for value in CLEAR_VALUES:
        assert value not in content
        assert value[6:14] not in content  # not even the birth date digits of the number


# --- search ----------------------------------------------------------------------------------


def test_it_lists_visible_residents_masked(world, login):
    response = login(world.cast.grid_worker_a).get(reverse("registry:search"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "张三" in content and "李四" in content and "赵六" in content
    assert "王五" not in content
    assert "410" + "*" * 13 + ZHANG_ID[-2:] in content
    assert "138****5678" in content
    assert_masked(content)


@pytest.mark.parametrize("query", [ZHANG_ID, ZHANG_ID.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
                                   "138 1234 5678", "+86 13812345678"])
def test_it_finds_a_resident_by_exact_id_number_or_phone(world, login, query):
    response = login(world.cast.grid_worker_a).post(reverse("registry:search"), {"q": query}, follow=True)
    content = response.content.decode()
    assert "张三" in content and "李四" not in content
    assert response.redirect_chain and "qe=" in response.redirect_chain[0][0]
    assert_masked(content + response.redirect_chain[0][0])


def test_it_finds_residents_by_name_and_address(world, login):
    client = login(world.cast.grid_worker_a)
    by_name = client.get(reverse("registry:search"), {"q": "李"}).content.decode()
    assert "李四" in by_name and "张三" not in by_name
    by_address = client.get(reverse("registry:search"), {"q": "百花路2号"}).content.decode()
    assert "赵六" in by_address and "张三" not in by_address


def test_it_matches_addresses_among_the_buildings_of_the_users_areas(world, login):
    """A resident of grid A living in grid C's building is found by name, not by that address:
    the address is looked up among the buildings the worker may see (an indexed range at city scale)."""
    sun = _resident(world.cast.grid_a, "孙七", make_id("19910505", "519"), "13500003333", "M")
    far = Household.objects.get(dwelling__building=world.b3)
    HouseholdMember.objects.create(household=far, resident=sun, relation=Relation.OTHER,
                                   moved_in_on=datetime.date(2021, 1, 1))
    client = login(world.cast.grid_worker_a)
    assert "孙七" in client.get(reverse("registry:search"), {"q": "孙"}).content.decode()
    by_address = client.get(reverse("registry:search"), {"q": "协作路9号"}).content.decode()
    assert "孙七" not in by_address and "王五" not in by_address


def test_it_filters_by_a_visible_tag_only(world, login):
    disabled = CareTag.objects.get(code="disabled")
    attention = CareTag.objects.get(code="special_attention")
    client = login(world.cast.grid_worker_a)
    content = client.get(reverse("registry:search"), {"tag": disabled.pk}).content.decode()
    assert "张三" in content and "李四" not in content
    assert "重点关注" not in client.get(reverse("registry:search")).content.decode()
    refused = client.get(reverse("registry:search"), {"tag": attention.pk}).content.decode()
    assert "李四" in refused  # an unknown choice does not filter, and reveals nothing
    assert "重点关注" not in refused


def test_it_shows_sensitive_tags_only_to_the_roles_they_allow(world, login):
    url = reverse("registry:resident", args=[world.li.pk])
    assert "重点关注" not in login(world.cast.grid_worker_a).get(url).content.decode()
    assert "重点关注" in login(world.leader_a).get(url).content.decode()
    zhang = reverse("registry:resident", args=[world.zhang.pk])
    head_page = login(world.head_b1).get(zhang).content.decode()
    assert "独居老人" in head_page and "残疾人" not in head_page
    assert "残疾人" in login(world.cast.grid_worker_a).get(zhang).content.decode()


def test_it_filters_by_grid_type_and_state(world, login):
    client = login(world.cast.street_leader)
    content = client.get(reverse("registry:search"), {"grid": world.cast.grid_b.pk}).content.decode()
    assert "张三" not in content
    Resident.objects.filter(pk=world.li.pk).update(verification_state=VerificationState.VERIFIED,
                                                   residency_type="floating")
    verified = client.get(reverse("registry:search"), {"verification_state": "verified"}).content.decode()
    assert "李四" in verified and "张三" not in verified
    floating = client.get(reverse("registry:search"), {"residency_type": "floating"}).content.decode()
    assert "李四" in floating and "赵六" not in floating


def test_it_pages_fifty_residents_with_a_bounded_number_of_queries(world, login, django_assert_max_num_queries):
    for number in range(60):
        _resident(world.cast.grid_a, f"居民{number:02d}", make_id("19700101", f"{number:03d}"), "", "M" if number % 2
                  else "F")
    client = login(world.cast.grid_worker_a)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("registry:search"))
    assert "共 63 条" in response.content.decode()
    assert "1 / 2" in response.content.decode()


def test_it_refuses_the_search_to_users_without_registry_permission(world, login):
    assert login(world.cast.outsider).get(reverse("registry:search")).status_code == 403


# --- scope -----------------------------------------------------------------------------------


def test_it_answers_404_outside_the_users_scope(world, login):
    client = login(world.cast.grid_worker_b)
    for name, pk in [("resident", world.zhang.pk), ("building", world.b1.pk), ("dwelling", world.d101.pk),
                     ("household", world.household.pk), ("resident_edit", world.zhang.pk)]:
        assert client.get(reverse(f"registry:{name}", args=[pk])).status_code == 404, name
    leader = login(world.cast.other_street_leader)
    assert leader.get(reverse("registry:resident", args=[world.zhang.pk])).status_code == 404


def test_it_shows_a_building_head_only_their_buildings(world, login):
    client = login(world.head_b1)
    assert client.get(reverse("registry:building", args=[world.b1.pk])).status_code == 200
    assert client.get(reverse("registry:building", args=[world.b2.pk])).status_code == 404
    assert client.get(reverse("registry:resident", args=[world.zhao.pk])).status_code == 404
    content = client.get(reverse("registry:search")).content.decode()
    assert "张三" in content and "赵六" not in content


# --- building, dwelling, household, resident -------------------------------------------------


def test_it_draws_the_building_as_floors_by_rooms(world, login, django_assert_max_num_queries):
    client = login(world.cast.grid_worker_a)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("registry:building", args=[world.b1.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert content.index("6层") < content.index("2层") < content.index("1层")
    for text in ("1单元", "2单元", "wg-use-rented", "wg-use-vacant", "wg-use-business", "wg-cell-doubtful",
                 "wg-cell-verified", "自住", "出租", "空置", "经营", "有疑问"):
        assert text in content, text
    assert reverse("registry:dwelling", args=[world.d101.pk]) in content


def test_it_keeps_the_building_grid_query_count_flat(world, login, django_assert_max_num_queries):
    for floor in range(2, 7):
        for room in ("01", "02", "03"):
            Dwelling.objects.create(grid=world.cast.grid_a, building=world.b1, unit=world.unit1, floor=floor,
                                    room=f"{floor}{room}X")
    client = login(world.cast.grid_worker_a)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("registry:building", args=[world.b1.pk]))
    assert "6层" in response.content.decode()


def test_it_drills_down_from_dwelling_to_household_to_residents(world, login, django_assert_max_num_queries):
    client = login(world.cast.grid_worker_a)
    with django_assert_max_num_queries(10):
        dwelling = client.get(reverse("registry:dwelling", args=[world.d101.pk])).content.decode()
    assert "张三" in dwelling and "李四" in dwelling
    assert reverse("registry:household", args=[world.household.pk]) in dwelling
    with django_assert_max_num_queries(12):
        household = client.get(reverse("registry:household", args=[world.household.pk])).content.decode()
    assert "配偶" in household and "2020-05-01" in household
    assert_masked(dwelling + household)


def test_it_shows_the_resident_profile_masked_with_history(world, login):
    client = login(world.cast.grid_worker_a)
    client.post(reverse("registry:resident_edit", args=[world.zhang.pk]), {
        "name": "张三", "document_type": "id_card", "id_number": "", "gender": "M", "phone": "", "ethnicity": "汉族",
        "political_status": "party_member", "residency_type": "registered", "status": "present",
        "grid": world.cast.grid_a.pk, "verification_state": "verified", "care_tags": [], "notes": "",
        "workplace": "社区志愿者",
    })
    response = client.get(reverse("registry:resident", args=[world.zhang.pk]))
    content = response.content.decode()
    assert "中共党员" in content and "社区志愿者" in content
    assert "百花小区1号楼1单元101" in content
    assert "修改" in content and "grid_worker_a" in content  # the change log
    assert "查看完整信息" not in content  # a grid worker may not unmask
    assert_masked(content)
    world.zhang.refresh_from_db()
    assert world.zhang.verified_by == world.cast.grid_worker_a
    assert world.zhang.id_number == ZHANG_ID and world.zhang.phone == ZHANG_PHONE  # blank means unchanged
    assert not world.zhang.care_tags.exists()  # the tags this user sees were unticked


def test_it_keeps_tags_the_editor_cannot_see(world, login):
    response = login(world.cast.grid_worker_a).post(reverse("registry:resident_edit", args=[world.li.pk]), {
        "name": "李四", "document_type": "id_card", "id_number": "", "gender": "", "phone": "", "ethnicity": "汉族",
        "political_status": "masses", "residency_type": "registered", "status": "present",
        "grid": world.cast.grid_a.pk, "verification_state": "pending", "notes": "", "workplace": "",
        "care_tags": [CareTag.objects.get(code="veteran").pk],
    })
    assert response.status_code == 302
    assert set(world.li.care_tags.values_list("code", flat=True)) == {"special_attention", "veteran"}


def test_it_shows_the_resident_profile_with_a_bounded_number_of_queries(world, login, django_assert_max_num_queries):
    for year in range(2010, 2020):
        stay = HouseholdMember.objects.get(resident=world.li, moved_out_on__isnull=True)
        stay.moved_out_on = datetime.date(year, 1, 1)
        stay.save()
        HouseholdMember.objects.create(household=world.household, resident=world.li, relation=Relation.SPOUSE,
                                       moved_in_on=datetime.date(year, 1, 2))
    client = login(world.leader_a)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("registry:resident", args=[world.li.pk]))
    content = response.content.decode()
    assert content.count("百花小区1号楼1单元101") >= 11
    assert_masked(content)


def test_it_lists_buildings_in_scope_with_counts(world, login, django_assert_max_num_queries):
    client = login(world.cast.grid_worker_a)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("registry:buildings"), {"q": "百花"})
    content = response.content.decode()
    assert "百花小区1号楼" in content and "百花小区2号楼" in content and "协作小区" not in content
    assert "共 2 条" in content
