"""Importing residents: every error kind, merging the same person, idempotence, scope, atomic commit."""

import datetime

import pytest
from openpyxl import load_workbook

from accounts.testing import make_user
from audit.models import AccessLogEntry, ChangeLogEntry
from registry.imports import bulk
from registry.imports.importer import run_job
from registry.models import (
    Building,
    CareTag,
    Dwelling,
    Household,
    HouseholdMember,
    ImportJob,
    ImportStatus,
    Relation,
    Resident,
)
from registry.pii import document_index
from registry.services import not_registrable_message
from registry.tests.fixtures import (
    RESIDENT_HEADER,
    csv_file,
    make_job,
    valid_id,
    wrong_checksum,
    xlsx_file,
)

pytestmark = pytest.mark.django_db
BORN = datetime.date(1985, 7, 15)  # the birth date in every valid_id() number below


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def importer_a(cast):
    """A grid worker: the default role may add and change registry records in its grid."""
    return cast.grid_worker_a


def run(tmp_path, rows, area, user, commit=True, kind="residents", name="roster.xlsx"):
    path = xlsx_file(tmp_path, rows, name=name)
    job = make_job(path, kind, area, user)
    run_job(job, commit=False)
    if commit and job.status == ImportStatus.VALIDATED:
        run_job(job, commit=True)
    job.refresh_from_db()
    return job


def reasons(job):
    return [sample["reason"] for sample in job.report["samples"]["rejected"]]


def test_it_creates_residents_with_gender_and_birth_date_from_the_id_number(cast, importer_a, tmp_path):
    number = valid_id(1, female=True)
    job = run(tmp_path, [RESIDENT_HEADER, ["张秀兰", number, "", "138 1234 5678", "中共党员", "空巢老人"]],
              cast.grid_a, importer_a)
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.rejected_count) == (1, 0)
    resident = Resident.objects.get()
    assert (resident.name, resident.gender, resident.birth_date) == ("张秀兰", "F", datetime.date(1985, 7, 15))
    assert resident.grid == cast.grid_a
    assert resident.phone == "13812345678"
    assert resident.political_status == "party_member"
    assert list(resident.care_tags.values_list("name", flat=True)) == ["空巢老人"]
    assert resident.id_number_index == document_index("id_card", number)
    entry = ChangeLogEntry.objects.get(content_type__model="resident", object_id=str(resident.pk))
    assert entry.user == importer_a and entry.area_code == cast.grid_a.code
    assert number not in str(entry.after)


def test_it_only_reports_in_a_dry_run(cast, importer_a, tmp_path):
    job = run(tmp_path, [RESIDENT_HEADER, ["张秀兰", valid_id(1), "", "", "", ""]], cast.grid_a, importer_a,
              commit=False)
    assert job.status == ImportStatus.VALIDATED and job.dry_run
    assert job.created_count == 1
    assert job.report["samples"]["created"][0]["row"] == 2
    assert Resident.objects.count() == 0


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["张三", "41010219850715001", "", "", "", ""], "第2行「证件号码」：身份证号码应为18位，现在是17位。"),
        (["张三", wrong_checksum(valid_id(1)), "", "", "", ""],
         "第2行「证件号码」：身份证号码校验位错误，请逐位核对。"),
        (["张三", "410102198502300011", "", "", "", ""], "第2行「证件号码」：身份证号码中的出生日期无效。"),
        (["张三", valid_id(1), "女", "", "", ""], "第2行「性别」：性别与身份证号码不一致。"),
        (["张三", "", "", "", "", ""], "第2行「证件号码」：不能为空。"),
        (["", valid_id(1), "", "", "", ""], "第2行「姓名」：不能为空。"),
        (["张三", valid_id(1), "", "12345", "", ""], "第2行「联系电话」：手机号码应为11位数字，以13至19开头。"),
        (["张三", valid_id(1), "", "", "少先队员", ""], "第2行「政治面貌」：“少先队员”不是可选的值"),
        (["张三", valid_id(1), "", "", "", "富人"], "第2行「关爱标签」：“富人”不是您在该网格可以使用的关爱标签。"),
    ],
)
def test_it_rejects_a_bad_row_naming_row_and_column(cast, importer_a, tmp_path, cells, expected):
    job = run(tmp_path, [RESIDENT_HEADER, cells], cast.grid_a, importer_a)
    assert job.rejected_count == 1 and job.created_count == 0
    assert reasons(job)[0].startswith(expected)
    assert Resident.objects.count() == 0


def test_it_checks_the_birth_date_column_against_the_id_number(cast, importer_a, tmp_path):
    rows = [["姓名", "证件号码", "出生日期"], ["张三", valid_id(1), datetime.datetime(1985, 7, 16)],
            ["李四", valid_id(2), "1985/7/15"]]
    job = run(tmp_path, rows, cast.grid_a, importer_a)
    assert reasons(job) == ["第2行「出生日期」：出生日期与身份证号码不一致。"]
    assert job.created_count == 1


def test_it_rejects_a_second_row_of_the_same_person_that_says_something_else(cast, importer_a, tmp_path):
    number = valid_id(7)
    rows = [RESIDENT_HEADER, ["王桂娟", number, "", "", "", ""], ["王桂娟", number.lower(), "", "13812345678", "", ""]]
    job = run(tmp_path, rows, cast.grid_a, importer_a)
    assert (job.created_count, job.rejected_count) == (1, 1)
    assert job.report["duplicates"] == []
    assert reasons(job) == ["第3行「证件号码」：与第2行是同一人（证件号码相同），本行未导入，请合并为一行。"]
    assert Resident.objects.count() == 1


def test_it_normalises_full_width_digits_and_spaces(cast, importer_a, tmp_path):
    number = valid_id(9)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    job = run(tmp_path, [RESIDENT_HEADER, ["张　三", full_width, "", "１３８１２３４５６７８", "", ""]],
              cast.grid_a, importer_a)
    assert job.created_count == 1
    resident = Resident.objects.get()
    assert (resident.name, resident.id_number, resident.phone) == ("张三", number, "13812345678")


def test_it_merges_an_existing_resident_with_the_same_document(cast, importer_a, tmp_path):
    number = valid_id(3)
    existing = Resident.objects.create(grid=cast.grid_a, name="曲秀英", gender="M", id_number=number)
    job = run(tmp_path, [RESIDENT_HEADER, ["曲秀英", number, "", "13912345678", "", "独居老人"]],
              cast.grid_a, importer_a)
    assert (job.merged_count, job.created_count) == (1, 0)
    assert Resident.objects.count() == 1
    existing.refresh_from_db()
    assert existing.phone == "13912345678"
    assert existing.birth_date == datetime.date(1985, 7, 15)
    assert list(existing.care_tags.values_list("code", flat=True)) == ["living_alone_elderly"]


# --- care tags the importer may not see --------------------------------------------------------


def test_it_refuses_a_hidden_care_tag_like_an_unknown_one_whoever_carries_it(cast, importer_a, tmp_path):
    """重点关注 is for leaders only: a grid worker's dry run must not tell who carries it (无变化 vs 合并),
    and the commit must not set it (the resident form refuses it too)."""
    attention = CareTag.objects.get(code="special_attention")
    carrier = Resident.objects.create(grid=cast.grid_a, name="曲秀英", gender="F", id_number=valid_id(3, female=True),
                                      birth_date=BORN)
    carrier.care_tags.add(attention)
    other = Resident.objects.create(grid=cast.grid_a, name="李建国", gender="M", id_number=valid_id(4),
                                    birth_date=BORN)
    rows = [RESIDENT_HEADER, ["曲秀英", valid_id(3, female=True), "", "", "", "重点关注"],
            ["李建国", valid_id(4), "", "", "", "独居老人、重点关注"], ["王五", valid_id(5), "", "", "", "重点关注"],
            ["赵六", valid_id(6), "", "", "", "富人"]]
    job = run(tmp_path, rows, cast.grid_a, importer_a)
    assert (job.unchanged_count, job.merged_count, job.created_count, job.rejected_count) == (0, 0, 0, 4)
    assert reasons(job) == [
        "第2行「关爱标签」：“重点关注”不是您在该网格可以使用的关爱标签。",
        "第3行「关爱标签」：“重点关注”不是您在该网格可以使用的关爱标签。",
        "第4行「关爱标签」：“重点关注”不是您在该网格可以使用的关爱标签。",
        "第5行「关爱标签」：“富人”不是您在该网格可以使用的关爱标签。",
    ]
    assert list(other.care_tags.all()) == [] and Resident.objects.count() == 2


def test_it_keeps_hidden_tags_and_compares_only_visible_ones(cast, importer_a, tmp_path):
    carrier = Resident.objects.create(grid=cast.grid_a, name="曲秀英", gender="F", id_number=valid_id(3, female=True),
                                      birth_date=BORN)
    carrier.care_tags.add(CareTag.objects.get(code="special_attention"), CareTag.objects.get(code="disabled"))
    rows = [RESIDENT_HEADER, ["曲秀英", valid_id(3, female=True), "", "", "", "残疾人"]]
    assert run(tmp_path, rows, cast.grid_a, importer_a).unchanged_count == 1
    rows[1][5] = "残疾人、独居老人"
    assert run(tmp_path, rows, cast.grid_a, importer_a, name="again.xlsx").merged_count == 1
    assert sorted(carrier.care_tags.values_list("code", flat=True)) == [
        "disabled", "living_alone_elderly", "special_attention",
    ]


def test_it_lets_a_role_the_tag_allows_import_it(cast, tmp_path):
    leader = make_user("grid_leader_a", "grid_leader", cast.grid_a)
    rows = [RESIDENT_HEADER, ["王五", valid_id(5), "", "", "", "重点关注"]]
    job = run(tmp_path, rows, cast.grid_a, leader)
    assert job.created_count == 1
    assert list(Resident.objects.get().care_tags.values_list("code", flat=True)) == ["special_attention"]


def test_it_rejects_a_known_document_under_another_name(cast, importer_a, tmp_path):
    number = valid_id(3)
    Resident.objects.create(grid=cast.grid_a, name="曲秀英", gender="M", id_number=number)
    job = run(tmp_path, [RESIDENT_HEADER, ["曲秀", number, "", "", "", ""]], cast.grid_a, importer_a)
    assert reasons(job) == ["第2行「姓名」：与系统中同一证件号码的居民姓名（曲*英）不一致，请核对。"]


def test_it_changes_nothing_when_the_same_file_is_imported_twice(cast, importer_a, tmp_path):
    building = Building.objects.create(grid=cast.grid_a, estate="百花小区", name="3号楼", address="百花路3号", floors=6)
    Dwelling.objects.create(grid=cast.grid_a, building=building, floor=3, room="301")
    rows = [
        [*RESIDENT_HEADER, "小区", "楼栋号", "房号", "与户主关系"],
        ["张秀兰", valid_id(12, female=True), "", "13812345678", "", "空巢老人、独居老人",
         "百花小区", "3号楼", "301", "户主"],
        ["李建国", valid_id(2), "男", "", "中共党员", "", "百花小区", "3号楼", "301", "配偶"],
        ["李小明", valid_id(3, born=datetime.date(2012, 3, 1)), "", "", "", "", "", "", "", ""],
    ]
    first = run(tmp_path, rows, cast.grid_a, importer_a)
    assert (first.created_count, first.rejected_count) == (3, 0)
    household = Household.objects.get()
    assert household.head.name == "张秀兰"
    assert sorted(household.members.values_list("relation", flat=True)) == [Relation.HEAD, Relation.SPOUSE]
    log_size = ChangeLogEntry.objects.count()

    second = run(tmp_path, rows, cast.grid_a, importer_a, name="again.xlsx")
    assert (second.unchanged_count, second.created_count, second.merged_count) == (3, 0, 0)
    assert Resident.objects.count() == 3 and HouseholdMember.objects.count() == 2 and Household.objects.count() == 1
    assert ChangeLogEntry.objects.count() == log_size


def test_it_rejects_an_unknown_building_or_room(cast, importer_a, tmp_path):
    building = Building.objects.create(grid=cast.grid_a, name="3号楼", address="百花路3号", floors=6)
    Dwelling.objects.create(grid=cast.grid_a, building=building, floor=3, room="301")
    rows = [
        ["姓名", "证件号码", "楼栋号", "房号", "与户主关系"],
        ["张三", valid_id(1), "9号楼", "301", "户主"],
        ["李四", valid_id(2), "3号楼", "999", "户主"],
        ["王五", valid_id(3), "3号楼", "301", ""],
    ]
    job = run(tmp_path, rows, cast.grid_a, importer_a)
    assert reasons(job) == [
        "第2行「楼栋号」：楼栋“9号楼”在本区域不存在，请先导入楼栋与房屋。",
        "第3行「房号」：房屋“3号楼999”不存在，请先导入楼栋与房屋。",
        "第4行「与户主关系」：填写了房号时必须填写与户主关系。",
    ]
    assert Resident.objects.count() == 0


def test_it_skips_empty_rows_and_the_template_example_silently(cast, importer_a, tmp_path):
    rows = [[], RESIDENT_HEADER, [None] * 6, ["张三", valid_id(1), "", "", "", ""], ["", "  ", None, "", "", ""],
            ["李四", valid_id(2), "", "", "", ""]]
    job = run(tmp_path, rows, cast.grid_a, importer_a)
    assert (job.created_count, job.rejected_count) == (2, 0)
    assert [s["row"] for s in job.report["samples"]["created"]] == [4, 6]


def test_it_maps_reordered_headers_by_name_and_warns_about_unknown_ones(cast, importer_a, tmp_path):
    rows = [["备用", "*身份证号码", "手机号码", "姓名"], ["x", valid_id(4), "13812345678", "赵六"]]
    job = run(tmp_path, rows, cast.grid_a, importer_a)
    assert job.created_count == 1
    assert job.report["warnings"] == ["以下列不认识，已忽略：「备用」。"]
    assert Resident.objects.get().name == "赵六"


def test_it_refuses_a_file_missing_a_required_header(cast, importer_a, tmp_path):
    job = run(tmp_path, [["姓名", "身份证"], ["赵六", valid_id(4)]], cast.grid_a, importer_a)
    assert job.status == ImportStatus.FAILED
    assert "表头缺少必填列「证件号码」" in job.report["error"]
    assert Resident.objects.count() == 0


def test_it_reads_a_gb18030_csv(cast, importer_a, tmp_path):
    path = csv_file(tmp_path, [RESIDENT_HEADER, ["欧阳娜娜", valid_id(5, female=True), "", "", "", "残疾人"]],
                    encoding="gb18030")
    job = make_job(path, "residents", cast.grid_a, importer_a)
    run_job(job, commit=True)
    assert job.status == ImportStatus.DONE and job.created_count == 1
    assert Resident.objects.get().name == "欧阳娜娜"


def test_it_reads_a_utf8_csv_without_bom(cast, importer_a, tmp_path):
    path = csv_file(tmp_path, [RESIDENT_HEADER, ["欧阳娜娜", valid_id(5, female=True), "", "", "", ""]],
                    encoding="utf-8")
    job = make_job(path, "residents", cast.grid_a, importer_a)
    run_job(job, commit=True)
    assert job.created_count == 1 and Resident.objects.get().name == "欧阳娜娜"


def test_it_needs_a_grid_code_for_a_community_and_keeps_rows_inside_the_area(cast, importer_a, tmp_path):
    rows = [["网格编码", "姓名", "证件号码"], ["", "张三", valid_id(1)], [cast.grid_c.code, "李四", valid_id(2)],
            [cast.grid_b.code, "王五", valid_id(3)]]
    job = run(tmp_path, rows, cast.community1, cast.superuser)
    assert reasons(job) == [
        "第2行「网格编码」：导入到社区或街道时必须填写网格编码。",
        f"第3行「网格编码」：“{cast.grid_c.code}”不是本次导入区域「百花社区」内的网格。",
    ]
    assert Resident.objects.get().grid == cast.grid_b


def test_it_refuses_a_user_without_import_permission_in_the_area(cast, importer_a, tmp_path):
    job = run(tmp_path, [RESIDENT_HEADER, ["张三", valid_id(1), "", "", "", ""]], cast.grid_b, importer_a)
    assert job.status == ImportStatus.FAILED
    assert job.report["error"] == "您没有在「百花社区第二网格」导入居民的权限。"
    assert Resident.objects.count() == 0


def test_it_refuses_to_merge_a_resident_registered_outside_the_area_neutrally_and_logs_it(cast, importer_a,
                                                                                      tmp_path):
    number = valid_id(8)
    held = Resident.objects.create(grid=cast.grid_c, name="徐阿姨", gender="M", id_number=number)
    job = run(tmp_path, [RESIDENT_HEADER, ["徐阿姨", number, "", "", "", ""]], cast.grid_a, importer_a, commit=False)
    assert reasons(job) == [f"第2行「证件号码」：{not_registrable_message()}"]  # does not say "registered elsewhere"
    assert Resident.objects.get().grid == cast.grid_c
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.object_id, entry.area_code) == (importer_a, str(held.pk), cast.grid_c.code)


def test_it_saves_nothing_when_the_commit_fails_midway(cast, importer_a, tmp_path, monkeypatch):
    building = Building.objects.create(grid=cast.grid_a, name="3号楼", address="百花路3号", floors=6)
    Dwelling.objects.create(grid=cast.grid_a, building=building, floor=3, room="301")
    rows = [["姓名", "证件号码", "楼栋号", "房号", "与户主关系"]] + [
        [f"居民{i}", valid_id(i), "3号楼", "301", "其他"] for i in range(1, 6)
    ]
    created = []
    real_create = bulk.create_residents

    def create_then_fail(*args, **kwargs):
        created.extend(real_create(*args, **kwargs))
        raise RuntimeError("disk full")

    monkeypatch.setattr(bulk, "create_residents", create_then_fail)
    job = run(tmp_path, rows, cast.grid_a, importer_a)
    assert job.status == ImportStatus.FAILED
    assert "批量保存" in job.report["error"] and "整个文件没有保存任何数据" in job.report["error"]
    assert len(created) == 5  # they were inserted, then rolled back with everything else
    assert Resident.objects.count() == 0 and HouseholdMember.objects.count() == 0 and Household.objects.count() == 0
    assert not ChangeLogEntry.objects.filter(content_type__model="resident").exists()


def test_it_imports_a_ten_thousand_row_file(cast, tmp_path, django_assert_max_num_queries):
    rows = [RESIDENT_HEADER] + [
        [f"居民{i}", valid_id(i % 500, born=datetime.date(1950, 1, 1) + datetime.timedelta(days=i // 500)),
         "", "", "", "空巢老人" if i % 10 == 0 else ""]
        for i in range(10_000)
    ]
    rows.insert(5000, [])
    rows[7000][1] = wrong_checksum(rows[7000][1])
    path = csv_file(tmp_path, rows)
    job = make_job(path, "residents", cast.grid_a, cast.superuser)
    run_job(job, commit=False)
    assert (job.created_count, job.rejected_count, job.total_rows) == (9_999, 1, 10_001)
    # Mostly inserts: SQLite takes at most 999 parameters a statement, so a batch holds 999 // columns rows.
    with django_assert_max_num_queries(450):
        run_job(job, commit=True)
    assert job.status == ImportStatus.DONE
    assert Resident.objects.count() == 9_999
    assert CareTag.objects.get(code="empty_nest_elderly").residents.count() == 1_000
    assert ChangeLogEntry.objects.filter(content_type__model="resident").count() == 9_999
    assert ImportJob.objects.get().processed_rows == 10_001
    workbook = load_workbook(job.rejected_file.path, read_only=True)
    assert sum(1 for _ in workbook.active.iter_rows()) == 2


def test_it_imports_a_foreign_resident_by_passport_needing_a_gender(cast, importer_a, tmp_path):
    rows = [["姓名", "证件类型", "证件号码", "性别", "人口类型"],
            ["JOHN SMITH", "护照", "e1234 5678", "男", "境外人员"],
            ["ANNA LEE", "护照", "E87654321", "", "境外人员"]]
    job = run(tmp_path, rows, cast.grid_a, importer_a)
    assert reasons(job) == ["第3行「性别」：非居民身份证的居民必须填写性别。"]
    resident = Resident.objects.get()
    assert (resident.document_type, resident.id_number) == ("passport", "E12345678")
    assert resident.residency_type == "overseas"
