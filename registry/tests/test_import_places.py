"""Importing buildings and dwellings, households, and organisations (实有单位)."""

import datetime
import decimal

import pytest

from registry.addresses import dwelling_key
from registry.imports.importer import run_job
from registry.models import (
    Building,
    BuildingUnit,
    Dwelling,
    Establishment,
    Household,
    HouseholdMember,
    ImportStatus,
    Relation,
    Resident,
)
from registry.tests.fixtures import make_job, valid_id, xlsx_file
from registry.validators import credit_code_check_character

pytestmark = pytest.mark.django_db

BUILDING_HEADER = ["小区", "楼栋号", "地址", "楼栋类型", "层数", "单元号", "楼层", "房号", "建筑面积", "房屋用途"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def importer_a(cast):
    """A grid worker: the default role may add and change registry records in its grid."""
    return cast.grid_worker_a


def run(tmp_path, rows, kind, area, user, name="file.xlsx"):
    job = make_job(xlsx_file(tmp_path, rows, name=name), kind, area, user)
    run_job(job, commit=False)
    if job.status == ImportStatus.VALIDATED:
        run_job(job, commit=True)
    job.refresh_from_db()
    return job


def reasons(job):
    return [sample["reason"] for sample in job.report["samples"]["rejected"]]


BUILDING_ROWS = [
    BUILDING_HEADER,
    ["百花小区", "3号楼", "百花路3号", "住宅", 6, "1单元", 1, "101", 86.5, "自住"],
    ["百花小区", "3号楼", "百花路3号", "住宅", 6, "1单元", 1, "102", "", "出租"],
    ["百花小区", "3号楼", "百花路3号", "住宅", 6, "2单元", 2, "201", "", ""],
    ["", "配电房", "百花路5号", "公建", "", "", "", "", "", ""],
]


def test_it_creates_buildings_units_and_dwellings_from_one_row_per_dwelling(cast, importer_a, tmp_path):
    job = run(tmp_path, BUILDING_ROWS, "buildings", cast.grid_a, importer_a)
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.rejected_count) == (4, 0)
    building = Building.objects.get(name="3号楼")
    assert (building.estate, building.floors, building.grid) == ("百花小区", 6, cast.grid_a)
    assert sorted(BuildingUnit.objects.values_list("number", flat=True)) == ["1单元", "2单元"]
    assert Dwelling.objects.get(room="101").floor_area == decimal.Decimal("86.50")
    assert Dwelling.objects.get(room="102").use == "rented"
    assert Building.objects.get(name="配电房").kind == "public"


def test_it_changes_nothing_when_buildings_are_imported_twice(cast, importer_a, tmp_path):
    run(tmp_path, BUILDING_ROWS, "buildings", cast.grid_a, importer_a)
    again = run(tmp_path, BUILDING_ROWS, "buildings", cast.grid_a, importer_a, name="again.xlsx")
    assert (again.unchanged_count, again.created_count, again.updated_count) == (4, 0, 0)
    assert (Building.objects.count(), BuildingUnit.objects.count(), Dwelling.objects.count()) == (2, 2, 3)


def test_it_updates_a_dwelling_matched_by_building_unit_and_room(cast, importer_a, tmp_path):
    run(tmp_path, BUILDING_ROWS, "buildings", cast.grid_a, importer_a)
    rows = [BUILDING_HEADER, ["百花小区", "3号楼", "百花路3号", "住宅", 6, "1单元", 1, "101", 86.5, "空置"]]
    job = run(tmp_path, rows, "buildings", cast.grid_a, importer_a, name="change.xlsx")
    assert job.updated_count == 1
    assert Dwelling.objects.get(room="101").use == "vacant"
    assert Dwelling.objects.count() == 3


def test_it_rejects_a_floor_above_the_building_and_a_room_without_floor(cast, importer_a, tmp_path):
    rows = [BUILDING_HEADER, ["", "5号楼", "百花路5号", "", 6, "", 9, "901", "", ""],
            ["", "5号楼", "百花路5号", "", 6, "", "", "101", "", ""],
            ["", "6号楼", "", "", "", "", 1, "101", "", ""]]
    job = run(tmp_path, rows, "buildings", cast.grid_a, importer_a)
    assert reasons(job) == [
        "第2行「楼层」：楼层不能高于楼栋的层数（6层）。",
        "第3行「楼层」：填写房号时必须填写楼层。",
        "第4行「地址」：不能为空。",
    ]
    assert Dwelling.objects.count() == 0


def test_it_rejects_sizes_beyond_any_real_building_naming_the_column(cast, importer_a, tmp_path):
    header = ["楼栋号", "地址", "层数", "单元数", "楼层", "房号", "建筑面积"]
    rows = [header, ["1号楼", "百花路1号", 32767, 32767, "", "", ""],
            ["2号楼", "百花路2号", 201, "", "", "", ""],
            ["3号楼", "百花路3号", 6, 100, "", "", ""],
            ["4号楼", "百花路4号", 6, "", -11, "B1101", ""],
            ["5号楼", "百花路5号", "1e999999", "", "", "", ""],
            ["6号楼", "百花路6号", "Infinity", "", "", "", ""],
            ["7号楼", "百花路7号", 6, "", 1, "101", "nan"],
            ["8号楼", "百花路8号", 200, 99, -10, "B1001", ""]]
    job = run(tmp_path, rows, "buildings", cast.grid_a, importer_a)
    assert reasons(job) == [
        "第2行「层数」：不能大于200。",
        "第3行「层数」：不能大于200。",
        "第4行「单元数」：不能大于99。",
        "第5行「楼层」：不能小于-10。",
        "第6行「层数」：应为整数，现在是“1e999999”。",
        "第7行「层数」：应为整数，现在是“Infinity”。",
        "第8行「建筑面积」：应为数字，现在是“nan”。",
    ]
    assert job.status == ImportStatus.DONE and job.created_count == 1
    assert list(Building.objects.values_list("name", "floors", "unit_count")) == [("8号楼", 200, 99)]


@pytest.fixture
def flat(cast):
    building = Building.objects.create(grid=cast.grid_a, estate="百花小区", name="3号楼", address="百花路3号", floors=6)
    return Dwelling.objects.create(grid=cast.grid_a, building=building, floor=3, room="301")


HOUSEHOLD_HEADER = ["小区", "楼栋号", "房号", "姓名", "证件号码", "与户主关系", "入住日期"]


def test_it_puts_registered_residents_into_the_household_of_a_dwelling(cast, importer_a, tmp_path, flat):
    head = Resident.objects.create(grid=cast.grid_a, name="张秀兰", gender="F", id_number=valid_id(11, female=True))
    child = Resident.objects.create(grid=cast.grid_a, name="李小明", gender="M", id_number=valid_id(2))
    rows = [HOUSEHOLD_HEADER, ["百花小区", "3号楼", "301", "张秀兰", head.id_number, "户主", "2020-05-01"],
            ["百花小区", "3号楼", "301", "李小明", child.id_number, "子女", ""],
            ["百花小区", "3号楼", "301", "无名", valid_id(3), "子女", ""],
            ["百花小区", "9号楼", "301", "李小明", child.id_number, "子女", ""]]
    job = run(tmp_path, rows, "households", cast.grid_a, importer_a)
    assert job.created_count == 2
    assert reasons(job) == [
        "第4行「证件号码」：本区域没有登记这个证件号码的居民，请先导入居民。",
        "第5行「楼栋号」：楼栋“百花小区9号楼”在本区域不存在，请先导入楼栋与房屋。",
    ]
    household = Household.objects.get()
    assert household.head == head and household.dwelling == flat
    assert HouseholdMember.objects.get(resident=head).moved_in_on == datetime.date(2020, 5, 1)
    again = run(tmp_path, rows[:3], "households", cast.grid_a, importer_a, name="again.xlsx")
    assert again.unchanged_count == 2 and HouseholdMember.objects.count() == 2


def test_it_moves_a_resident_keeping_the_old_stay_as_history(cast, importer_a, tmp_path, flat):
    other = Dwelling.objects.create(grid=cast.grid_a, building=flat.building, floor=4, room="401")
    resident = Resident.objects.create(grid=cast.grid_a, name="张秀兰", gender="F", id_number=valid_id(11, female=True))
    old = Household.objects.create(grid=cast.grid_a, dwelling=other)
    HouseholdMember.objects.create(household=old, resident=resident, relation=Relation.HEAD,
                                   moved_in_on=datetime.date(2010, 1, 1))
    job = run(tmp_path, [HOUSEHOLD_HEADER, ["百花小区", "3号楼", "301", "张秀兰", resident.id_number, "户主", ""]],
              "households", cast.grid_a, importer_a)
    assert job.updated_count == 1
    stays = HouseholdMember.objects.filter(resident=resident).order_by("moved_in_on")
    assert [stay.household.dwelling.room for stay in stays] == ["401", "301"]
    assert stays[0].moved_out_on is not None and stays[1].moved_out_on is None
    resident.refresh_from_db()
    assert resident.address_sort_key == dwelling_key(flat)  # the search lists them at their new address


ORGANISATION_HEADER = ["单位名称", "统一社会信用代码", "单位类别", "地址", "楼栋号", "联系电话"]


def credit_code(body: str = "91410102MA44BH3K0") -> str:
    return body + credit_code_check_character(body)


def test_it_imports_organisations_matched_by_credit_code_or_name_and_address(cast, importer_a, tmp_path, flat):
    rows = [ORGANISATION_HEADER, ["百花便民超市", credit_code(), "商铺", "百花路15号", "3号楼", "0371-67891234"],
            ["老王修车铺", "", "个体工商户", "百花路17号", "", ""],
            ["坏代码公司", credit_code()[:-1] + "0", "企业", "百花路1号", "", ""]]
    job = run(tmp_path, rows, "organisations", cast.grid_a, importer_a)
    assert job.created_count == 2, job.report
    assert reasons(job)[0].startswith("第4行「统一社会信用代码」：")
    shop = Establishment.objects.get(credit_code=credit_code())
    assert (shop.building, shop.kind, shop.contact_phone) == (flat.building, "shop", "037167891234")
    renamed = [ORGANISATION_HEADER, ["百花便民超市（新）", credit_code(), "商铺", "百花路15号", "3号楼", ""],
               ["老王修车铺", "", "个体工商户", "百花路17号", "", ""]]
    again = run(tmp_path, renamed, "organisations", cast.grid_a, importer_a, name="again.xlsx")
    assert (again.updated_count, again.unchanged_count, again.created_count) == (1, 1, 0)
    assert Establishment.objects.count() == 2
    assert Establishment.objects.get(credit_code=credit_code()).name == "百花便民超市(新)"
