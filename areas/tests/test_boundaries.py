"""Importing and exporting boundaries (areas.boundaries, areas.boundary_export): checks, saving, audit, round trips."""

import json
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from shapely.geometry import shape

from accounts.testing import box
from areas.boundaries import import_boundaries, parse_level
from areas.boundary_export import export_boundaries
from areas.geo import transform_geometry
from areas.models import Area, GridKind, GridTag, Level
from audit.models import ChangeLogEntry

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def collection(*features, **top):
    return json.dumps({"type": "FeatureCollection", **top, "features": list(features)})


def feature(code, name, level, parent, geometry, **extra):
    properties = {"code": code, "name": name, "level": level, "parent": parent, **extra}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def microgrid(code="410102001001001001", name="一号楼微网格", bounds=(113.50, 34.70, 113.51, 34.71), **extra):
    return feature(code, name, "微网格", "410102001001001", box(*bounds), **extra)


def area_changes():
    return ChangeLogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Area))


def messages(report):
    return [(problem.number, problem.code, problem.field, problem.message) for problem in report.problems]


# ---------------------------------------------------------------- the happy path


def test_it_creates_new_areas_and_updates_existing_ones(cast):
    report = import_boundaries(fixture("valid_boundaries.geojson"), actor=cast.district_admin)

    assert report.problems == []
    assert report.created == ["410102001002", "410102001002001", "410102001001001001"]
    assert report.updated == ["410102001001001"]
    assert report.unchanged == ["410102001001002"]
    community = Area.objects.get(code="410102001002")
    assert (community.name, community.level, community.parent) == ("锦华社区", Level.COMMUNITY, cast.street1)
    school = Area.objects.get(code="410102001002001")
    assert (school.parent, school.grid_kind) == (community, GridKind.DEDICATED)
    assert (school.served_unit, school.household_target) == ("郑州市第五十七中学", 380)
    assert school.max_lng == pytest.approx(113.60)
    cast.grid_a.refresh_from_db()
    assert (cast.grid_a.name, cast.grid_a.household_target) == ("百花社区一网格", 450)
    building = Area.objects.get(code="410102001001001001")
    assert (building.parent, building.grid_kind) == (cast.grid_a, GridKind.COMPREHENSIVE)


def test_it_changes_nothing_when_the_same_file_is_imported_again(cast):
    import_boundaries(fixture("valid_boundaries.geojson"), actor=cast.district_admin)
    logged = area_changes().count()

    again = import_boundaries(fixture("valid_boundaries.geojson"), actor=cast.district_admin)

    assert again.problems == [] and again.created == [] and again.updated == []
    assert len(again.unchanged) == 5
    assert area_changes().count() == logged


def test_it_writes_an_audit_row_with_the_acting_user_for_each_change(cast):
    last = area_changes().order_by("-pk").values_list("pk", flat=True).first()

    import_boundaries(fixture("valid_boundaries.geojson"), actor=cast.district_admin)

    rows = area_changes().filter(pk__gt=last)
    assert sorted((row.action, row.area_code) for row in rows) == [
        ("create", "410102001001001001"), ("create", "410102001002"), ("create", "410102001002001"),
        ("update", "410102001001001"),
    ]
    assert {row.user for row in rows} == {cast.district_admin}
    update = rows.get(action="update")
    assert (update.before["name"], update.after["name"]) == ("百花社区第一网格", "百花社区一网格")
    assert len({row.request_id for row in rows}) == 1


def test_it_sets_tags_by_code_or_name_and_logs_them(cast):
    GridTag.objects.create(code="volunteer", name="志愿型")
    GridTag.objects.create(code="safety", name="平安型")
    grid_a = feature("410102001001001", "百花社区第一网格", "网格", "410102001001", box(113.50, 34.70, 113.525, 34.75),
                     tags=["volunteer", "平安型"])

    report = import_boundaries(collection(grid_a), actor=cast.district_admin)

    assert report.updated == ["410102001001001"]
    assert sorted(cast.grid_a.tags.values_list("code", flat=True)) == ["safety", "volunteer"]
    assert area_changes().filter(action="update", area_code=cast.grid_a.code).count() == 1


def test_a_dry_run_reports_what_would_change_and_saves_nothing(cast):
    before = area_changes().count()

    report = import_boundaries(fixture("valid_boundaries.geojson"), actor=cast.district_admin, dry_run=True)

    assert report.ok and not report.saved
    assert len(report.created) == 3 and report.updated == ["410102001001001"]
    assert not Area.objects.filter(code="410102001002").exists()
    cast.grid_a.refresh_from_db()
    assert cast.grid_a.name == "百花社区第一网格"
    assert area_changes().count() == before


def test_it_accepts_a_multipolygon(cast):
    parts = {"type": "MultiPolygon", "coordinates": [box(113.50, 34.70, 113.505, 34.705)["coordinates"],
                                                       box(113.51, 34.70, 113.515, 34.705)["coordinates"]]}
    report = import_boundaries(collection(microgrid() | {"geometry": parts}), actor=None)

    assert report.created == ["410102001001001001"]
    assert Area.objects.get(code="410102001001001001").boundary["type"] == "MultiPolygon"


# ---------------------------------------------------------------- coordinate systems


@pytest.mark.parametrize("system", ["GCJ02", "BD09"])
def test_a_shifted_file_lands_within_centimetres_of_the_wgs84_original(cast, system):
    original = json.loads(fixture("valid_boundaries.geojson"))
    for item in original["features"]:
        item["geometry"] = transform_geometry(item["geometry"], "WGS84", system)
    original["coordinate_system"] = system

    report = import_boundaries(json.dumps(original), actor=cast.district_admin)

    assert report.problems == [] and report.coordinate_system == system
    wgs84 = json.loads(fixture("valid_boundaries.geojson"))["features"]
    for item in wgs84:
        stored = shape(Area.objects.get(code=item["properties"]["code"]).boundary)
        assert stored.equals_exact(shape(item["geometry"]), 2e-7)  # 2e-7° ≈ 2 cm
    shifted = transform_geometry(wgs84[0]["geometry"], "WGS84", system)
    assert not shape(shifted).equals_exact(shape(wgs84[0]["geometry"]), 1e-4)  # the shift is real (≈ 500 m)


def test_the_crs_member_and_the_explicit_choice_are_understood(cast):
    shifted = transform_geometry(box(113.50, 34.70, 113.51, 34.71), "WGS84", "GCJ02")
    named = collection(microgrid() | {"geometry": shifted}, crs={"type": "name", "properties": {"name": "GCJ-02"}})
    plain = collection(microgrid() | {"geometry": shifted})

    assert import_boundaries(named, actor=None, dry_run=True).coordinate_system == "GCJ02"
    assert import_boundaries(plain, actor=None, coordinate_system="gcj02", dry_run=True).ok
    assert import_boundaries(plain, actor=None, dry_run=True).ok is False  # read as WGS-84 it leaves grid A


def test_it_refuses_a_choice_contradicting_the_file(cast):
    report = import_boundaries(collection(microgrid(), coordinate_system="BD09"), actor=None, coordinate_system="GCJ02")

    assert messages(report) == [(None, "", "coordinate_system", "文件声明的坐标系是 BD09，与所选的 GCJ02 不一致。")]


# ---------------------------------------------------------------- one fixture per error kind


@pytest.mark.parametrize(
    ("name", "number", "code", "field", "text"),
    [
        ("invalid_json.geojson", None, "", "file", "不是有效的 JSON"),
        ("not_a_feature_collection.geojson", None, "", "file", "FeatureCollection"),
        ("unknown_coordinate_system.geojson", None, "", "coordinate_system", "不认识的坐标系：EPSG:3857"),
        ("missing_properties.geojson", 1, "410102001001001001", "name", "缺少属性 name"),
        ("self_intersection.geojson", 1, "410102001001001001", "geometry", "边界自相交"),
        ("too_few_points.geojson", 1, "410102001001001001", "geometry", "点数太少"),
        ("unclosed_ring.geojson", 1, "410102001001001001", "geometry", "没有闭合"),
        ("outside_parent.geojson", 1, "410102001001001001", "geometry", "超出上级区域 410102001001001 的边界约 457"),
        ("overlapping_siblings.geojson", 1, "410102001001003", "geometry", "与系统中的同级区域 410102001001001"),
        ("duplicate_codes.geojson", 2, "410102001001001001", "code", "编码重复：与第 1 个要素相同"),
        ("unknown_parent.geojson", 1, "410102001009001", "parent", "上级区域 410102001009 既不在文件中，也不在系统中"),
        ("bad_code.geojson", 1, "410102002001005", "code", "编码必须以上级区域的编码开头"),
        ("duplicate_name.geojson", 1, "410102001001001", "name", "重复（与系统中的区域 410102001001002）"),
    ],
)
def test_it_refuses_the_whole_file_naming_the_feature(cast, name, number, code, field, text):
    before = (Area.objects.count(), area_changes().count())

    report = import_boundaries(fixture(name), actor=cast.district_admin)

    found = [(p.number, p.code, p.field) for p in report.problems if text in p.message]
    assert found == [(number, code, field)], messages(report)
    assert not report.saved and report.created == []
    assert (Area.objects.count(), area_changes().count()) == before


def test_the_missing_level_is_named_too(cast):
    report = import_boundaries(fixture("missing_properties.geojson"), actor=None)

    problems = [(p.field, p.message) for p in report.problems]
    assert problems == [("level", "缺少属性 level。"), ("name", "缺少属性 name。")]


def test_the_self_intersection_message_says_where(cast):
    report = import_boundaries(fixture("self_intersection.geojson"), actor=None)

    assert report.problems[0].message == "多边形无效：边界自相交，位置约在 113.505, 34.705。"


def test_one_bad_feature_keeps_every_good_one_from_being_saved(cast):
    good = json.loads(fixture("valid_boundaries.geojson"))["features"]
    bad = microgrid(code="410102001001001002", bounds=(113.52, 34.70, 113.53, 34.71))

    report = import_boundaries(collection(*good, bad), actor=cast.district_admin)

    assert [(p.number, p.code) for p in report.problems] == [(6, "410102001001001002")]
    assert not Area.objects.filter(code__in=["410102001002", "410102001001001001"]).exists()
    cast.grid_a.refresh_from_db()
    assert cast.grid_a.name == "百花社区第一网格"


def test_overlapping_siblings_within_the_file_are_refused_once(cast):
    second = microgrid(code="410102001001001002", name="二号楼", bounds=(113.505, 34.70, 113.52, 34.71))

    report = import_boundaries(collection(microgrid(), second), actor=None)

    assert len(report.problems) == 1
    assert report.problems[0].number == 1
    assert report.problems[0].message.startswith("与第 2 个要素 410102001001001002重叠约 50")  # ≈ 509,000 m²


def test_a_child_sticking_out_less_than_the_tolerance_is_accepted(cast, settings):
    settings.BOUNDARY_TOLERANCE_METRES = 2
    nudged = microgrid(bounds=(113.50, 34.70, 113.525 + 0.00001, 34.71))  # about 0.9 m east of grid A

    assert import_boundaries(collection(nudged), actor=None, dry_run=True).ok
    settings.BOUNDARY_TOLERANCE_METRES = 0.5
    refused = import_boundaries(collection(nudged), actor=None, dry_run=True)
    assert "超出上级区域 410102001001001 的边界约 0.9 米" in refused.problems[0].message


def test_a_redrawn_parent_must_still_hold_its_stored_children(cast):
    smaller = feature("410102001001", "百花社区", "社区", "410102001000", box(113.50, 34.70, 113.54, 34.75))

    report = import_boundaries(collection(smaller), actor=None)

    assert [(p.code, p.field) for p in report.problems] == [("410102001001", "geometry")]
    assert "系统中的下级区域 410102001001002 会超出新边界" in report.problems[0].message


def test_retired_siblings_do_not_count_as_overlapping(cast):
    cast.grid_b.ended_on = cast.grid_b.started_on.replace(year=2024)
    cast.grid_b.save()
    wider_a = feature("410102001001001", "百花社区第一网格", "网格", "410102001001", box(113.50, 34.70, 113.55, 34.75))

    assert import_boundaries(collection(wider_a), actor=None).updated == ["410102001001001"]


def test_a_dry_run_applies_the_model_rules_too(cast):
    report = import_boundaries(collection(microgrid(grid_kind="dedicated")), actor=None, dry_run=True)

    assert [(p.field, p.message) for p in report.problems] == [("served_unit", "专属网格必须填写所服务的单位。")]
    assert report.created == []


@pytest.mark.parametrize("name", ['<img src=x onerror="alert(1)">', "一号楼&二号楼", "一号楼\u0000", "一号楼\u202e"])
@pytest.mark.parametrize("dry_run", [True, False])
def test_a_name_with_markup_or_control_characters_is_refused(cast, name, dry_run):
    renamed_a = feature("410102001001001", name, "网格", "410102001001", box(113.50, 34.70, 113.525, 34.75))

    report = import_boundaries(collection(microgrid(), renamed_a), actor=cast.district_admin, dry_run=dry_run)

    assert messages(report) == [(2, "410102001001001", "name", "名称不能包含 < > \" ' & 等符号或控制字符。")]
    assert report.created == [] and not Area.objects.filter(code="410102001001001001").exists()
    cast.grid_a.refresh_from_db()
    assert cast.grid_a.name == "百花社区第一网格"


def test_codes_and_levels_of_stored_areas_cannot_change(cast):
    as_microgrid = feature("410102001001002", "百花社区第二网格", "微网格", "410102001001001",
                           box(113.525, 34.70, 113.55, 34.75))

    report = import_boundaries(collection(as_microgrid), actor=None)

    fields = {p.field for p in report.problems}
    assert {"level", "parent"} <= fields


def test_grid_attributes_are_checked(cast):
    bad = microgrid(grid_kind="school", household_target=-3, tags=["nope"])

    report = import_boundaries(collection(bad), actor=None)

    assert {p.field for p in report.problems} == {"grid_kind", "household_target", "tags"}


def test_a_model_rule_failing_while_saving_rolls_back_what_was_saved_before(cast):
    renamed_a = feature("410102001001001", "百花一网格", "网格", "410102001001", box(113.50, 34.70, 113.525, 34.75))
    dedicated = microgrid(grid_kind="专属网格")  # saved after grid A; a dedicated grid needs its unit

    report = import_boundaries(collection(dedicated, renamed_a), actor=None)

    problems = [(p.number, p.field, p.message) for p in report.problems]
    assert problems == [(1, "served_unit", "专属网格必须填写所服务的单位。")]
    assert report.updated == [] and not Area.objects.filter(code="410102001001001001").exists()
    cast.grid_a.refresh_from_db()
    assert cast.grid_a.name == "百花社区第一网格"


# ---------------------------------------------------------------- permissions


def test_it_refuses_areas_outside_the_actors_permission(cast):
    report = import_boundaries(fixture("valid_boundaries.geojson"), actor=cast.other_district_admin)

    assert {p.number for p in report.problems} == {1, 2, 3, 4, 5}
    assert report.problems[0].message.startswith("您无权管理区域")
    assert not Area.objects.filter(code="410102001002").exists()


def test_a_user_without_the_permission_may_not_import_even_in_their_grid(cast):
    report = import_boundaries(collection(microgrid()), actor=cast.grid_worker_a)

    problems = [(p.code, p.message) for p in report.problems]
    assert problems == [("410102001001001001", "您无权管理区域 410102001001001 的边界。")]


# ---------------------------------------------------------------- export


def test_the_export_imports_back_without_changes(cast):
    import_boundaries(fixture("valid_boundaries.geojson"), actor=cast.district_admin)
    exported = export_boundaries(cast.district)
    logged = area_changes().count()

    report = import_boundaries(json.dumps(exported), actor=cast.district_admin)

    assert report.problems == [] and report.created == [] and report.updated == []
    assert len(report.unchanged) == Area.objects.subtree_of(cast.district).count()
    assert area_changes().count() == logged


def test_a_gcj02_export_is_shifted_and_imports_back_without_changes(cast):
    exported = export_boundaries(cast.street1, coordinate_system="GCJ02")

    assert exported["coordinate_system"] == "GCJ02"
    first = exported["features"][0]["geometry"]["coordinates"][0][0]
    assert first != [113.50, 34.70] and first[0] == pytest.approx(113.506, abs=0.002)
    report = import_boundaries(json.dumps(exported), actor=cast.district_admin)
    assert report.problems == [] and report.updated == [] and len(report.unchanged) == 4


def test_the_export_holds_the_subtree_with_its_properties(cast):
    exported = export_boundaries(cast.community1)

    assert [f["properties"]["code"] for f in exported["features"]] == [
        "410102001001", "410102001001001", "410102001001002",
    ]
    assert exported["features"][1]["properties"] == {
        "code": "410102001001001", "name": "百花社区第一网格", "level": "grid", "parent": "410102001001",
        "grid_kind": "comprehensive", "served_unit": "", "household_target": 420, "tags": [],
    }


def test_the_export_can_hold_one_level_and_leaves_out_retired_areas(cast):
    cast.grid_b.ended_on = cast.grid_b.started_on.replace(year=2024)
    cast.grid_b.save()

    exported = export_boundaries(cast.district, level=parse_level("网格"))

    assert [f["properties"]["code"] for f in exported["features"]] == ["410102001001001", "410102002001001"]


@pytest.mark.parametrize(("value", "level"), [("区", Level.DISTRICT), ("street", Level.STREET), ("5", Level.COMMUNITY),
                                                (7, Level.MICROGRID), ("微网格", Level.MICROGRID)])
def test_levels_are_read_in_chinese_english_or_numbers(value, level):
    assert parse_level(value) == level


def test_an_unknown_level_is_refused():
    with pytest.raises(ValueError, match="不认识的层级"):
        parse_level("村民小组")


@pytest.mark.parametrize("name", ["EPSG:4326", "urn:ogc:def:crs:OGC:1.3:CRS84", "CGCS2000"])
def test_the_usual_names_of_wgs84_are_understood(cast, name):
    report = import_boundaries(collection(microgrid(), crs={"type": "name", "properties": {"name": name}}), actor=None)

    assert report.ok and report.coordinate_system == "WGS84"


def test_an_empty_collection_is_refused(cast):
    assert messages(import_boundaries(collection(), actor=None)) == [
        (None, "", "file", "文件中没有任何要素（features 为空）。"),
    ]


# ---------------------------------------------------------------- odd files: refused with a reason, never a crash


def test_a_deeply_nested_file_is_refused_as_a_whole(cast):
    deep = "[" * 100_000 + "]" * 100_000
    source = '{"type": "FeatureCollection", "features": [' + deep + "]}"

    report = import_boundaries(source, actor=cast.district_admin)

    assert messages(report) == [(None, "", "file", "文件嵌套层数过多，不是边界文件。")]


def test_a_file_nested_deeper_than_geojson_needs_is_refused_before_reading_features(cast):
    coordinates: list = [[113.5, 34.7]]
    for _level in range(200):
        coordinates = [coordinates]

    report = import_boundaries(collection(microgrid() | {"geometry": {"type": "Polygon", "coordinates": coordinates}}),
                               actor=cast.district_admin)

    assert messages(report) == [(None, "", "file", "文件嵌套层数过多，不是边界文件。")]
    assert not Area.objects.filter(code="410102001001001001").exists()


@pytest.mark.parametrize("crs", [{"properties": 5}, {"properties": ["EPSG:4326"]}, {"properties": {"name": {"a": 1}}},
                                 ["EPSG:4326"]])
def test_a_malformed_crs_is_refused_with_a_reason(cast, crs):
    report = import_boundaries(collection(microgrid(), crs=crs), actor=cast.district_admin)

    assert [(p.field, p.message) for p in report.problems] == [
        ("coordinate_system", 'crs 格式不对，应写作 "crs": {"type": "name", "properties": {"name": "GCJ-02"}}。')]


@pytest.mark.parametrize(("extra", "field"), [
    ({"name": "很长的名称" * 21}, "name"),
    ({"served_unit": "学校" * 51}, "served_unit"),
    ({"served_unit": "一中\u0000"}, "served_unit"),
    ({"household_target": 10**30}, "household_target"),
    ({"household_target": "2147483648"}, "household_target"),
    ({"household_target": "²"}, "household_target"),
])
@pytest.mark.parametrize("dry_run", [True, False])
def test_the_dry_run_refuses_what_the_commit_refuses(cast, extra, field, dry_run):
    report = import_boundaries(collection(microgrid(**extra)), actor=cast.district_admin, dry_run=dry_run)

    assert [problem.field for problem in report.problems] == [field]
    assert report.created == [] and not Area.objects.filter(code="410102001001001001").exists()
