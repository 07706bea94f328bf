"""The boundary import page, the GeoJSON download, the locator endpoint and the two commands."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from areas.geo import from_wgs84
from areas.models import Area

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (FIXTURES / name).read_bytes(), content_type="application/geo+json")


# ---------------------------------------------------------------- /areas/import/


def test_it_asks_anonymous_users_to_log_in(client):
    response = client.get("/areas/import/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("who", ["grid_worker_a", "street_leader", "outsider"])
def test_it_forbids_users_who_manage_no_boundaries(cast, login, who):
    assert login(getattr(cast, who)).get("/areas/import/").status_code == 403


def test_it_shows_the_upload_form(cast, login):
    response = login(cast.district_admin).get("/areas/import/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "导入边界" in page and 'type="file"' in page and "GCJ-02（高德、腾讯地图）" in page
    assert 'name="action" value="check"' in page and 'name="action" value="save"' in page
    # Checking comes first: it is the default button (Enter in a field).
    assert page.index('id="boundary-check"') < page.index('id="boundary-save"')


def test_it_imports_a_file_and_shows_the_summary_when_asked_to_save(cast, login):
    response = login(cast.district_admin).post(
        "/areas/import/", {"file": upload("valid_boundaries.geojson"), "action": "save"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "导入成功" in page and "新建 3 个、更新 1 个区域，1 个没有变化" in page
    assert Area.objects.filter(code="410102001002", name="锦华社区").exists()


@pytest.mark.parametrize("action", ["check", None, "anything"])
def test_it_only_checks_unless_asked_to_save(cast, login, action):
    data = {"file": upload("valid_boundaries.geojson")}
    if action is not None:
        data["action"] = action
    response = login(cast.district_admin).post("/areas/import/", data)

    page = response.content.decode()
    assert "检查通过（只检查，未保存）" in page and "正式导入将新建 3 个" in page
    assert not Area.objects.filter(code="410102001002").exists()


def test_it_shows_the_problems_in_a_table_and_saves_nothing(cast, login):
    response = login(cast.district_admin).post(
        "/areas/import/", {"file": upload("outside_parent.geojson"), "action": "save"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "文件未导入" in page and 'id="boundary-problems"' in page
    assert "<td>1</td>" in page and "410102001001001001" in page and "超出上级区域 410102001001001 的边界约" in page
    assert not Area.objects.filter(code="410102001001001001").exists()


def test_the_chosen_coordinate_system_is_used(cast, login):
    response = login(cast.district_admin).post(
        "/areas/import/", {"file": upload("valid_boundaries.geojson"), "coordinate_system": "BD09"}
    )

    assert "文件声明的坐标系是 WGS84，与所选的 BD09 不一致。" in response.content.decode()


def test_an_administrator_of_another_district_is_refused_feature_by_feature(cast, login):
    response = login(cast.other_district_admin).post(
        "/areas/import/", {"file": upload("valid_boundaries.geojson"), "action": "save"}
    )

    page = response.content.decode()
    assert "您无权管理区域 410102001002 的边界。" in page
    assert not Area.objects.filter(code="410102001002").exists()


def test_it_asks_for_a_file(cast, login):
    response = login(cast.district_admin).post("/areas/import/", {})

    assert response.status_code == 200
    # Django says 这个字段是必填项, Django REST framework (installed after it) 该字段是必填项.
    assert "字段是必填项" in response.content.decode()


# ---------------------------------------------------------------- /areas/<code>/boundaries.geojson


def test_it_downloads_the_subtree_as_geojson(cast, login, django_assert_max_num_queries):
    client = login(cast.street_leader)

    with django_assert_max_num_queries(6):
        response = client.get(f"/areas/{cast.street1.code}/boundaries.geojson")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    assert "attachment" in response["Content-Disposition"]
    codes = [item["properties"]["code"] for item in json.loads(response.content)["features"]]
    assert codes == ["410102001000", "410102001001", "410102001001001", "410102001001002"]


def test_it_downloads_one_level_in_gcj02(cast, login):
    response = login(cast.street_leader).get(f"/areas/{cast.street1.code}/boundaries.geojson?level=网格&crs=GCJ02")

    assert response["Content-Disposition"] == 'attachment; filename="410102001000-grid-boundaries.geojson"'
    collection = json.loads(response.content)
    assert collection["coordinate_system"] == "GCJ02"
    assert [item["properties"]["level"] for item in collection["features"]] == ["grid", "grid"]
    assert collection["features"][0]["geometry"]["coordinates"][0][0][0] != 113.50


@pytest.mark.parametrize(("who", "area"), [("street_leader", "street2"), ("grid_worker_a", "grid_b"),
                                           ("other_district_admin", "district"), ("outsider", "grid_a")])
def test_it_answers_404_outside_the_users_scope(cast, login, who, area):
    code = getattr(cast, area).code

    assert login(getattr(cast, who)).get(f"/areas/{code}/boundaries.geojson").status_code == 404


def test_it_refuses_an_unknown_crs_or_level(cast, login):
    client = login(cast.street_leader)

    assert client.get(f"/areas/{cast.street1.code}/boundaries.geojson?crs=EPSG:3857").status_code == 400
    response = client.get(f"/areas/{cast.street1.code}/boundaries.geojson?level=楼栋")
    assert response.status_code == 400 and "不认识的层级" in response.content.decode()


# ---------------------------------------------------------------- /areas/locate/


def test_the_locator_needs_a_login(client, db):
    response = client.get("/areas/locate/?lat=34.72&lng=113.51")

    assert response.status_code == 401
    assert response.json() == {"error": "请先登录。"}


def test_it_locates_a_point_with_its_parents(cast, login):
    response = login(cast.street_leader).get("/areas/locate/?lat=34.72&lng=113.51")

    answer = response.json()
    assert response.status_code == 200 and answer["found"] is True
    assert answer["area"] == {"code": "410102001001001", "name": "百花社区第一网格", "level": 6, "level_name": "网格"}
    assert [place["name"] for place in answer["parents"]] == ["林山寨街道", "百花社区"]


def test_it_converts_gcj02_input(cast, login):
    lng, lat = from_wgs84(113.524, 34.72, "GCJ02")  # just west of the A/B border at 113.525
    assert lng > 113.525  # read as WGS-84 it would be in grid B

    answer = login(cast.street_leader).get(f"/areas/locate/?lat={lat}&lng={lng}&crs=GCJ-02").json()

    assert answer["point"]["input_crs"] == "GCJ02"
    assert answer["point"]["lng"] == pytest.approx(113.524, abs=1e-7)
    assert answer["area"]["code"] == "410102001001001"


def test_it_answers_not_found_outside_the_users_scope(cast, login):
    answer = login(cast.grid_worker_a).get("/areas/locate/?lat=34.72&lng=113.54").json()

    assert answer["found"] is False and answer["area"] is None
    assert answer["message"] == "该位置不在任何网格内。"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("lng=113.51", "缺少参数 lat（纬度）。"),
        ("lat=north&lng=113.51", "参数 lat（纬度）必须是数字。"),
        ("lat=95&lng=113.51", "坐标超出范围"),
        ("lat=nan&lng=113.51", "坐标超出范围"),
        ("lat=34.72&lng=113.51&crs=mercator", "不认识的坐标系"),
    ],
)
def test_it_answers_400_with_a_chinese_message_on_bad_input(cast, login, query, message):
    response = login(cast.street_leader).get(f"/areas/locate/?{query}")

    assert response.status_code == 400
    assert response.json()["error"].startswith(message)


# ---------------------------------------------------------------- the commands


def test_the_import_command_saves_and_reports(cast):
    out = StringIO()

    call_command("import_boundaries", FIXTURES / "valid_boundaries.geojson", "--user", "district_admin", stdout=out)

    assert "导入成功：新建 3 个、更新 1 个区域，1 个没有变化" in out.getvalue()
    assert Area.objects.filter(code="410102001002").exists()


def test_the_import_command_dry_run_saves_nothing(cast):
    out = StringIO()

    call_command("import_boundaries", str(FIXTURES / "valid_boundaries.geojson"), "--dry-run", stdout=out)

    assert "检查通过（只检查，未保存）" in out.getvalue()
    assert not Area.objects.filter(code="410102001002").exists()


def test_the_import_command_fails_with_the_report(cast):
    err = StringIO()

    with pytest.raises(CommandError, match="发现 1 个问题"):
        call_command("import_boundaries", str(FIXTURES / "unknown_parent.geojson"), stderr=err)

    assert "第 1 个要素\t410102001009001\tparent\t上级区域 410102001009 既不在文件中" in err.getvalue()


def test_the_import_command_checks_the_users_permission(cast):
    with pytest.raises(CommandError):
        call_command("import_boundaries", str(FIXTURES / "valid_boundaries.geojson"), "--user", "other_district_admin",
                     stderr=StringIO())

    with pytest.raises(CommandError, match="nobody"):
        call_command("import_boundaries", str(FIXTURES / "valid_boundaries.geojson"), "--user", "nobody")
    assert not Area.objects.filter(code="410102001002").exists()


def test_the_import_command_takes_the_crs(cast):
    with pytest.raises(CommandError):  # the file declares WGS84
        call_command("import_boundaries", str(FIXTURES / "valid_boundaries.geojson"), "--crs", "GCJ02",
                     stderr=StringIO())


def test_the_export_command_writes_a_file_that_imports_back_unchanged(cast, tmp_path):
    target = tmp_path / "street.geojson"

    call_command("export_boundaries", cast.street1.code, "--crs", "BD09", "-o", str(target), stderr=StringIO())
    out = StringIO()
    call_command("import_boundaries", str(target), stdout=out)

    assert json.loads(target.read_text(encoding="utf-8"))["coordinate_system"] == "BD09"
    assert "新建 0 个、更新 0 个区域，4 个没有变化" in out.getvalue()


def test_the_export_command_prints_one_level(cast):
    out = StringIO()

    call_command("export_boundaries", cast.district.code, "--level", "社区", stdout=out)

    assert [f["properties"]["code"] for f in json.loads(out.getvalue())["features"]] == ["410102001001", "410102002001"]


def test_the_export_command_refuses_an_unknown_area(db):
    with pytest.raises(CommandError, match="没有编码为 999 的区域"):
        call_command("export_boundaries", "999")
