"""Rosters as community offices keep them: a title above the headers, their own words for columns and
values, full-width digits and stray spaces, duplicate lines, and buildings and rooms not yet registered.

The roster is written in each test with openpyxl (``messy_roster``), like a real office's file.
"""

import datetime

import pytest
from django.contrib.auth.models import Permission
from openpyxl import Workbook, load_workbook

from accounts.models import Role
from accounts.testing import make_user
from audit.models import ChangeLogEntry
from registry.imports.importer import run_job
from registry.models import (
    Building,
    BuildingUnit,
    Dwelling,
    Household,
    HouseholdMember,
    ImportStatus,
    Relation,
    ResidencyType,
    Resident,
)
from registry.pii import document_index
from registry.tests.fixtures import make_job, valid_id, xlsx_file

pytestmark = pytest.mark.django_db

TITLE = "百花社区第一网格居民花名册（2026年11月）"
HEADER = ["序号", "姓名", "公民身份号码", "性别", "联系电话", "户口性质", "小区", "楼栋", "单元", "房号", "与户主关系",
          "备注"]
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def flat_301(cast):
    """What the registry already has: 百花小区 3号楼 with 1单元 and room 301."""
    building = Building.objects.create(grid=cast.grid_a, estate="百花小区", name="3号楼", address="百花路3号", floors=6)
    unit = BuildingUnit.objects.create(building=building, number="1单元")
    return Dwelling.objects.create(grid=cast.grid_a, building=building, unit=unit, floor=3, room="301")


def person(serial, female=False):
    return valid_id(serial, born=datetime.date(1960 + serial, 3, 1), female=female)


def messy_roster(directory):
    """A roster as an office keeps it: file row numbers are in the comments."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([TITLE])  # 1: a merged title line
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.append(["填表单位：百花社区居委会", *[None] * 8, "填表日期：2026-11-30"])  # 2
    sheet.append(HEADER)  # 3
    rows = [
        # 4: full-width digits in the ID number, a name with a trailing space, 户籍 for 户籍人口
        [1, "张秀兰 ", person(1, female=True).translate(FULL_WIDTH), "女", " 138 1234 5678 ", "户籍", "百花小区",
         "3号楼", "1单元", "301", "户主", ""],
        # 5: 3栋 for 3号楼, 3-301 written as unit-room, 夫 for 配偶, 流动 for 流动人口
        [2, "李建国", person(2), "男", "", "流动", "百花小区", "3栋", "", "1-301", "夫", ""],
        # 6: 3幢, unit “1”, trailing space in the room, 长子
        [3, "李小明", person(3), "", "", "户籍", "百花小区", "3幢", "1", "301 ", "长子", ""],
        # 7: row 6 again, exactly (with other spaces): merged
        [3, " 李小明", person(3), "", "", "户籍 ", "百花小区", "3幢", "1", "301", "长子", ""],
        # 8: 寄住, in a building the registry does not have yet
        [5, "王桂娟", person(5, female=True), "", "", "寄住", "百花小区", "5号楼", "2单元", "502", "户主", ""],
        # 9: 常住, a room not registered yet in an existing building
        [6, "赵德胜", person(6), "", "", "常住", "百花小区", "3号楼", "1单元", "302", "户主", ""],
        # 10: a population type nobody knows
        [7, "钱七", person(7), "", "", "外来务工", "百花小区", "3号楼", "1单元", "301", "其他", ""],
        # 11, 12: a relation nobody knows, twice
        [8, "孙八", person(8), "", "", "户籍", "百花小区", "3号楼", "1单元", "301", "表哥", ""],
        [9, "周九", person(9), "", "", "户籍", "百花小区", "3号楼", "1单元", "301", "表哥", ""],
        # 13: row 5's person again with other values: a conflicting duplicate
        [10, "李建国", person(2), "男", "13912345678", "流动", "百花小区", "3栋", "", "1-301", "夫", ""],
        # 14: 境外, 外孙 for 孙子女
        [11, "吴小宝", person(11), "", "", "境外", "百花小区", "3号楼", "1单元", "301", "外孙", ""],
    ]
    for row in rows:
        sheet.append(row)
    path = directory / "百花社区第一网格花名册.xlsx"
    workbook.save(path)
    return path


def dry_run(path, cast, user):
    job = make_job(path, "residents", cast.grid_a, user)
    run_job(job, commit=False)
    job.refresh_from_db()
    return job


def commit(job, create_places):
    job.create_places = create_places
    job.save()
    run_job(job, commit=True)
    job.refresh_from_db()
    return job


def resident(serial, female=False):
    return Resident.objects.get(id_number_index=document_index("id_card", person(serial, female)))


def test_it_reports_a_messy_roster_in_the_dry_run_with_the_files_own_row_numbers(cast, flat_301, tmp_path):
    job = dry_run(messy_roster(tmp_path), cast, cast.grid_worker_a)
    assert job.status == ImportStatus.VALIDATED
    assert job.report["notes"] == ["表头在第3行，上方的标题行已跳过。"]
    assert job.report["warnings"] == ["以下列不认识，已忽略：「序号」。"]
    assert (job.created_count, job.rejected_count, job.merged_count) == (6, 4, 0)
    assert job.report["duplicates"] == [{"row": 7, "first": 6}]
    assert [item["reason"] for item in job.report["rejected"]] == [
        "第10行「人口类型」：“外来务工”不是可选的值（户籍人口、常住人口、流动人口、寄住人口、境外人员）。",
        "第11行「与户主关系」：“表哥”不是可选的值（户主、配偶、子女、父母、孙子女、祖父母、兄弟姐妹、租户、其他）。",
        "第12行「与户主关系」：“表哥”不是可选的值（户主、配偶、子女、父母、孙子女、祖父母、兄弟姐妹、租户、其他）。",
        "第13行「证件号码」：与第5行是同一人（证件号码相同），本行未导入，请合并为一行。",
    ]
    assert job.report["unknown_values"] == [
        {"column": "人口类型", "values": [{"value": "外来务工", "count": 1, "rows": [10]}]},
        {"column": "与户主关系", "values": [{"value": "表哥", "count": 2, "rows": [11, 12]}]},
    ]
    places = job.report["new_places"]
    assert (places["buildings"], places["units"], places["dwellings"], places["rows"]) == (1, 1, 2, 2)
    assert [(item["label"], item["rows"]) for item in places["items"]] == [
        ("百花小区5号楼（百花社区第一网格）", [8]), ("百花小区3号楼1单元302", [9]),
    ]
    assert Resident.objects.count() == 0 and Building.objects.count() == 1  # a dry run saves nothing


def test_it_commits_the_roster_with_population_types_relations_and_one_household(cast, flat_301, tmp_path):
    job = commit(dry_run(messy_roster(tmp_path), cast, cast.grid_worker_a), create_places=True)
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.rejected_count) == (6, 4)
    assert Resident.objects.count() == 6
    head = resident(1, female=True)
    assert (head.name, head.phone, head.residency_type) == ("张秀兰", "13812345678", ResidencyType.REGISTERED)
    assert resident(2).residency_type == ResidencyType.FLOATING
    assert resident(5, female=True).residency_type == ResidencyType.LODGING
    assert resident(6).residency_type == ResidencyType.PERMANENT
    assert resident(11).residency_type == ResidencyType.OVERSEAS
    household = Household.objects.get(dwelling=flat_301)
    assert household.head == head
    members = {stay.resident.name: stay.relation for stay in HouseholdMember.objects.filter(household=household)}
    assert members == {"张秀兰": Relation.HEAD, "李建国": Relation.SPOUSE, "李小明": Relation.CHILD,
                       "吴小宝": Relation.GRANDCHILD}


def test_it_creates_the_buildings_units_and_rooms_of_the_roster_when_ticked(cast, flat_301, tmp_path):
    job = commit(dry_run(messy_roster(tmp_path), cast, cast.grid_worker_a), create_places=True)
    new_building = Building.objects.get(name="5号楼")
    assert (new_building.grid, new_building.estate, new_building.floors, new_building.address) == (
        cast.grid_a, "百花小区", 5, "百花小区5号楼")
    room_502 = Dwelling.objects.get(building=new_building)
    assert (room_502.unit.number, room_502.room, room_502.floor, room_502.grid_code) == ("2单元", "502", 5,
                                                                                         cast.grid_a.code)
    room_302 = Dwelling.objects.get(building=flat_301.building, room="302")
    assert (room_302.unit, room_302.floor) == (flat_301.unit, 3)
    assert Household.objects.get(dwelling=room_502).head == resident(5, female=True)
    assert Household.objects.get(dwelling=room_302).head == resident(6)
    logged = ChangeLogEntry.objects.filter(user=cast.grid_worker_a, action="create")
    assert logged.filter(content_type__model="building", object_id=str(new_building.pk)).exists()
    assert logged.filter(content_type__model="dwelling").count() == 2
    assert logged.filter(content_type__model="household").count() == 3
    assert logged.filter(content_type__model="householdmember").count() == 6
    assert logged.filter(content_type__model="resident").count() == 6
    assert job.report["new_places"]["buildings"] == 1


def test_it_rejects_the_rows_of_missing_places_when_not_ticked(cast, flat_301, tmp_path):
    job = commit(dry_run(messy_roster(tmp_path), cast, cast.grid_worker_a), create_places=False)
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.rejected_count) == (4, 6)
    reasons = [item["reason"] for item in job.report["rejected"]]
    assert "第8行「楼栋号」：楼栋“百花小区5号楼”在本区域不存在，请先导入楼栋与房屋。" in reasons
    assert "第9行「房号」：房屋“百花小区3号楼1单元302”不存在，请先导入楼栋与房屋。" in reasons
    assert Building.objects.count() == 1 and Dwelling.objects.count() == 1
    assert job.report["new_places"] is None


def test_it_starts_from_the_roster_alone(cast, tmp_path):
    """No building or room registered: the roster creates them all in the chosen grid."""
    rows = [[TITLE], ["姓名", "身份证号", "楼栋", "房号", "与户主关系"]] + [
        [f"居民{i}", person(i), f"{1 + i // 4}幢", f"{1 + i % 2}-{(i % 4) // 2 + 1}01", "户主" if i % 2 else "妻"]
        for i in range(8)
    ]
    job = commit(dry_run(xlsx_file(tmp_path, rows), cast, cast.grid_worker_a), create_places=True)
    assert (job.created_count, job.rejected_count) == (8, 0)
    assert sorted(Building.objects.values_list("name", flat=True)) == ["1号楼", "2号楼"]
    assert Building.objects.get(name="1号楼").unit_count == 2
    assert Dwelling.objects.count() == 8 and HouseholdMember.objects.count() == 8
    assert set(Dwelling.objects.values_list("grid_code", flat=True)) == {cast.grid_a.code}


def test_it_gives_back_rejected_rows_with_one_reason_column_when_uploaded_again(cast, flat_301, tmp_path):
    job = commit(dry_run(messy_roster(tmp_path), cast, cast.grid_worker_a), create_places=True)
    again = tmp_path / "again"
    again.mkdir()
    returned = again / "被拒绝的行.xlsx"
    returned.write_bytes(job.rejected_file.read())
    second = dry_run(returned, cast, cast.grid_worker_a)
    assert second.report["warnings"] == ["以下列不认识，已忽略：「序号」。"]  # 错误原因 is not an unknown column
    sheet = load_workbook(second.rejected_file.path).active
    header = next(sheet.iter_rows(values_only=True))
    assert list(header).count("错误原因") == 1 and header[-1] == "错误原因"
    first_reason = next(sheet.iter_rows(min_row=2, values_only=True))[-1]
    assert first_reason.startswith("第2行「人口类型」")


def test_it_logs_a_merge_and_a_move_as_saving_them_one_by_one_would(cast, flat_301, tmp_path):
    old_home = Dwelling.objects.create(grid=cast.grid_a, building=flat_301.building, unit=flat_301.unit, floor=1,
                                       room="101")
    known = Resident.objects.create(grid=cast.grid_a, name="张秀兰", gender="F", id_number=person(1, female=True))
    household = Household.objects.create(grid=cast.grid_a, dwelling=old_home)
    HouseholdMember.objects.create(household=household, resident=known, relation=Relation.SPOUSE)
    rows = [["姓名", "身份证号", "联系电话", "户口性质", "楼栋", "房号", "与户主关系", "关爱标签"],
            ["张秀兰", person(1, female=True), "13812345678", "流动", "3号楼", "1-301", "户主", "空巢老人"]]
    job = commit(dry_run(xlsx_file(tmp_path, rows), cast, cast.grid_worker_a), create_places=False)
    assert (job.merged_count, job.rejected_count) == (1, 0)
    known.refresh_from_db()
    assert (known.phone, known.residency_type) == ("13812345678", ResidencyType.FLOATING)
    assert Resident.objects.filter(phone_index=known.phone_index).get() == known  # the blind index follows
    updates = ChangeLogEntry.objects.filter(user=cast.grid_worker_a, action="update", object_id=str(known.pk),
                                            content_type__model="resident")
    values = updates.exclude(after__has_key="care_tags").get()
    assert (values.before["residency_type"], values.after["residency_type"]) == ("registered", "floating")
    assert "13812345678" not in str(values.after)  # the phone is never logged
    tags = updates.get(after__has_key="care_tags")
    assert tags.before == {"care_tags": []} and len(tags.after["care_tags"]) == 1
    ended = HouseholdMember.objects.get(household=household)
    assert ended.moved_out_on is not None
    assert ChangeLogEntry.objects.filter(content_type__model="householdmember", object_id=str(ended.pk),
                                         action="update", after__moved_out_on__isnull=False).exists()
    new_home = Household.objects.get(dwelling=flat_301)
    assert new_home.head == known and new_home.members.get().relation == Relation.HEAD


def test_it_offers_no_new_places_to_someone_who_may_not_add_buildings(cast, flat_301, tmp_path):
    role = Role.objects.create(code="resident_clerk", name="居民登记员")
    role.permissions.set(Permission.objects.filter(
        content_type__app_label="registry", codename__in=["add_resident", "change_resident"]))
    clerk = make_user("clerk_a", "resident_clerk", cast.grid_a)
    job = dry_run(messy_roster(tmp_path), cast, clerk)
    assert job.report["new_places"] is None
    reasons = [item["reason"] for item in job.report["rejected"]]
    assert "第8行「楼栋号」：楼栋“百花小区5号楼”在本区域不存在，请先导入楼栋与房屋。" in reasons
    commit(job, create_places=True)  # a ticked box does not help either
    assert Building.objects.count() == 1 and Dwelling.objects.count() == 1


def test_it_puts_registered_residents_into_rooms_a_households_roster_creates(cast, tmp_path):
    Resident.objects.create(grid=cast.grid_a, name="张秀兰", gender="F", id_number=person(1, female=True))
    Resident.objects.create(grid=cast.grid_a, name="李建国", gender="M", id_number=person(2))
    rows = [[TITLE], ["楼栋", "房号", "姓名", "公民身份号码", "家庭关系"],
            ["8栋", "2-1101", "张秀兰", person(1, female=True), "户主"],
            ["8幢", "2单元1101室", "李建国", person(2), "丈夫"],
            ["8号楼", "2-1101", "李建国", person(2), "丈夫"]]
    job = make_job(xlsx_file(tmp_path, rows), "households", cast.grid_a, cast.grid_worker_a)
    run_job(job, commit=False)
    assert job.report["duplicates"] == [{"row": 5, "first": 4}], job.report
    job = commit(job, create_places=True)
    assert (job.created_count, job.rejected_count) == (2, 0)
    dwelling = Dwelling.objects.get()
    assert (str(dwelling), dwelling.floor, dwelling.building.floors) == ("8号楼2单元1101", 11, 11)
    household = Household.objects.get()
    assert household.head.name == "张秀兰"
    assert sorted(household.members.values_list("relation", flat=True)) == [Relation.HEAD, Relation.SPOUSE]
