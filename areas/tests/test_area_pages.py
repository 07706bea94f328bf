"""The area tree pages: /areas/, /areas/<code>/, the map's GeoJSON and the public grid page."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.test import override_settings

from accounts.models import Duty, TeamMember
from accounts.testing import box, make_area
from areas.geo import transform_geometry
from areas.models import Area, GridKind, GridTag, Level
from areas.selectors import boundary_area_km2

pytestmark = pytest.mark.django_db

YESTERDAY = datetime.date.today() - datetime.timedelta(days=1)


def add_team(grid: Area) -> None:
    """A full team, created out of 公示牌 order so that ordering is the page's doing."""
    TeamMember.objects.create(area=grid, duty=Duty.SUPERVISOR, name="赵督导", phone="13700000009")
    TeamMember.objects.create(area=grid, duty=Duty.POLICE_OFFICER, name="钱民警", phone="13700000006",
                              department="林山寨派出所")
    TeamMember.objects.create(area=grid, duty=Duty.BUILDING_HEAD, name="孙楼长乙", phone="13700000052", sort_order=2)
    TeamMember.objects.create(area=grid, duty=Duty.BUILDING_HEAD, name="李楼长甲", phone="13700000051", sort_order=1)
    TeamMember.objects.create(area=grid, duty=Duty.FULLTIME_WORKER, name="周网格员", phone="13700000002",
                              responsibility="1-6号楼")
    TeamMember.objects.create(area=grid, duty=Duty.GRID_LEADER, name="吴网格长", phone="13700000001",
                              is_party_member=True)
    TeamMember.objects.create(area=grid, duty=Duty.PARTTIME_WORKER, name="郑已离岗", phone="13700000099",
                              until=YESTERDAY)


def page_text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


# ---------- /areas/ ----------


def test_it_lists_the_top_areas_a_street_leader_may_see(cast, login):
    response = login(cast.street_leader).get("/areas/")
    text = page_text(response)
    assert response.status_code == 200
    assert f'href="/areas/{cast.street1.code}/"' in text
    assert "百花社区" in text
    assert "建设路街道" not in text
    assert "中原区" not in text


def test_it_lists_both_districts_for_a_superuser(cast, login):
    text = page_text(login(cast.superuser).get("/areas/"))
    assert f'href="/areas/{cast.district.code}/"' in text
    assert f'href="/areas/{cast.other_district.code}/"' in text
    assert f'href="/areas/{cast.street1.code}/"' in text  # as a child of its district


def test_it_searches_visible_areas_by_name(cast, login):
    text = page_text(login(cast.street_leader).get("/areas/", {"q": "第一网格"}))
    assert "百花社区第一网格" in text
    assert "协作路社区第一网格" not in text


def test_it_searches_visible_areas_by_code_prefix(cast, login):
    text = page_text(login(cast.street_leader).get("/areas/", {"q": cast.community1.code}))
    assert "百花社区第一网格" in text
    assert "百花社区第二网格" in text
    results = text.split('id="search-results"')[1]
    assert f'href="/areas/{cast.community1.code}/"' in results
    assert f'href="/areas/{cast.street1.code}/"' not in results


def test_it_paginates_search_results(cast, login):
    for number in range(3, 33):
        make_area(f"{cast.community1.code}{number:03d}", f"测试网格{number}", Level.GRID, cast.community1, None)
    client = login(cast.street_leader)
    first = page_text(client.get("/areas/", {"q": "测试网格"}))
    second = page_text(client.get("/areas/", {"q": "测试网格", "page": 2}))
    assert "1 / 2" in first
    assert "测试网格3<" in first
    assert "测试网格32" not in first
    assert "测试网格32" in second


def test_it_lists_the_tree_root_in_a_fixed_number_of_queries(cast, login, django_assert_max_num_queries):
    for number in range(3, 23):
        make_area(f"{cast.community1.code}{number:03d}", f"测试网格{number}", Level.GRID, cast.community1, None)
    client = login(cast.superuser)
    with django_assert_max_num_queries(5):
        client.get("/areas/")
    with django_assert_max_num_queries(6):
        response = client.get("/areas/", {"q": "测试网格"})
    assert page_text(response).count("百花社区") >= 20  # each result names its parent


# ---------- /areas/<code>/ ----------


def test_it_shows_a_district_with_its_figures_and_children(cast, login):
    response = login(cast.district_admin).get(f"/areas/{cast.district.code}/")
    text = page_text(response)
    assert response.status_code == 200
    assert cast.district.code in text
    assert "中原区" in text
    figures = text.split('id="area-figures"')[1].split("</div>\n      </div>")[0]
    assert re.search(r"2<small>个</small></div><div class=\"label\">街道", figures)
    assert re.search(r"3<small>个</small></div><div class=\"label\">网格", figures)
    assert "420<small>户" in figures
    children = text.split('id="children"')[1]
    assert "林山寨街道" in children
    assert "建设路街道" in children


def test_it_shows_a_community_with_its_grids_and_leaders(cast, login):
    add_team(cast.grid_a)
    tag = GridTag.objects.create(code="volunteer", name="志愿型")
    cast.grid_a.tags.add(tag)
    text = page_text(login(cast.street_leader).get(f"/areas/{cast.community1.code}/"))
    children = text.split('id="children"')[1]
    assert "百花社区第一网格" in children
    assert "百花社区第二网格" in children
    assert "志愿型" in children
    assert "吴网格长" in children
    assert "420" in children
    assert "综合网格" in children


def test_it_computes_the_surface_from_the_boundary():
    # 0.025° × 0.05° at 34.725° N: 2.2846 km × 5.5597 km.
    surface = boundary_area_km2(box(113.50, 34.70, 113.525, 34.75))
    assert surface == pytest.approx(12.70, rel=0.003)


def test_it_shows_the_surface_on_the_page(cast, login):
    text = page_text(login(cast.grid_worker_a).get(f"/areas/{cast.grid_a.code}/"))
    assert "12.70<small>km²" in text


def test_it_links_only_the_ancestors_the_user_may_see(cast, login):
    worker_page = page_text(login(cast.grid_worker_a).get(f"/areas/{cast.grid_a.code}/"))
    crumbs = worker_page.split('<ol class="breadcrumb')[1].split("</ol>")[0]
    assert "百花社区" in crumbs
    assert "林山寨街道" in crumbs
    assert "href" not in crumbs

    leader_page = page_text(login(cast.street_leader).get(f"/areas/{cast.grid_a.code}/"))
    crumbs = leader_page.split('<ol class="breadcrumb')[1].split("</ol>")[0]
    assert f'href="/areas/{cast.street1.code}/"' in crumbs
    assert f'href="/areas/{cast.community1.code}/"' in crumbs
    assert f'href="/areas/{cast.district.code}/"' not in crumbs
    assert "中原区" in crumbs


def test_it_shows_a_grid_with_type_tags_target_and_links(cast, login):
    cast.grid_a.tags.add(GridTag.objects.create(code="care", name="关爱型"))
    cast.grid_a.address = "东至桐柏路，西至百花路"
    cast.grid_a.save()
    text = page_text(login(cast.grid_worker_a).get(f"/areas/{cast.grid_a.code}/"))
    facts = text.split('id="grid-facts"')[1].split("</dl>")[0]
    assert "综合网格" in facts
    assert "关爱型" in facts
    assert "百花社区" in facts
    assert "东至桐柏路，西至百花路" in facts
    assert "420<small>户" in text
    assert f'href="/areas/{cast.grid_a.code}/board/"' in text
    assert f'href="/areas/{cast.grid_a.code}/card/"' in text
    assert f'href="/g/{cast.grid_a.code}/"' in text


def test_it_names_the_unit_a_dedicated_grid_serves(cast, login):
    grid = make_area(f"{cast.community1.code}003", "郑州第十九中学网格", Level.GRID, cast.community1, None,
                     grid_kind=GridKind.DEDICATED, served_unit="郑州市第十九中学")
    text = page_text(login(cast.street_leader).get(f"/areas/{grid.code}/"))
    facts = text.split('id="grid-facts"')[1].split("</dl>")[0]
    assert "专属网格" in facts
    assert "郑州市第十九中学" in facts


def test_it_lists_the_current_team_in_duty_order(cast, login):
    add_team(cast.grid_a)
    text = page_text(login(cast.grid_worker_a).get(f"/areas/{cast.grid_a.code}/"))
    team = text.split('id="team"')[1].split("</table>")[0]
    names = re.findall(r'<td class="member-name">([^<\s]+)', team)
    assert names == ["吴网格长", "周网格员", "李楼长甲", "孙楼长乙", "钱民警", "赵督导"]
    assert "137 0000 0001" in team
    assert "林山寨派出所" in team
    assert "1-6号楼" in team
    assert "郑已离岗" not in team


def test_it_paginates_the_children_table(cast, login):
    for number in range(3, 36):
        make_area(f"{cast.community1.code}{number:03d}", f"分页网格{number:02d}", Level.GRID, cast.community1, None)
    client = login(cast.street_leader)
    first = page_text(client.get(f"/areas/{cast.community1.code}/")).split('id="children"')[1]
    second = page_text(client.get(f"/areas/{cast.community1.code}/", {"page": 2})).split('id="children"')[1]
    assert first.count('class="area-code small"') == 30
    assert "第 1–30 条，共 35 条" in first
    assert "分页网格35" not in first
    assert second.count('class="area-code small"') == 5
    assert "分页网格35" in second


def test_it_reads_a_community_page_in_a_fixed_number_of_queries(cast, login, django_assert_max_num_queries):
    tag = GridTag.objects.create(code="safe", name="平安型")
    for number in range(3, 23):
        grid = make_area(f"{cast.community1.code}{number:03d}", f"网格{number}", Level.GRID, cast.community1, None,
                         household_target=300)
        grid.tags.add(tag)
        add_team(grid)
    client = login(cast.street_leader)
    with django_assert_max_num_queries(15):
        response = client.get(f"/areas/{cast.community1.code}/")
    table = page_text(response).split('id="children-table"')[1]
    assert table.count("吴网格长") == 20  # and once more in each phone card


def test_it_reads_a_grid_page_in_a_fixed_number_of_queries(cast, login, django_assert_max_num_queries):
    add_team(cast.grid_a)
    client = login(cast.grid_worker_a)
    with django_assert_max_num_queries(13):
        response = client.get(f"/areas/{cast.grid_a.code}/")
    assert "赵督导" in page_text(response)


def test_it_passes_the_map_settings_to_the_page(cast, login):
    client = login(cast.grid_worker_a)
    plain = page_text(client.get(f"/areas/{cast.grid_a.code}/"))
    config = json.loads(plain.split('id="area-map-config" type="application/json">')[1].split("</script>")[0])
    assert config["tileUrl"] == ""
    assert config["geojsonUrl"] == f"/areas/{cast.grid_a.code}/children.geojson"
    with override_settings(MAP_TILE_URL="https://t{s}.tianditu.gov.cn/vec_w/wmts?x={x}&y={y}&l={z}",
                           MAP_TILE_SUBDOMAINS="01234567", MAP_TILE_ATTRIBUTION="天地图"):
        tiled = page_text(client.get(f"/areas/{cast.grid_a.code}/"))
    config = json.loads(tiled.split('id="area-map-config" type="application/json">')[1].split("</script>")[0])
    assert config["tileUrl"].startswith("https://t{s}.tianditu.gov.cn/")
    assert config["tileSubdomains"] == "01234567"
    assert config["tileAttribution"] == "天地图"


# ---------- scope ----------


@pytest.mark.parametrize("suffix", ["", "board/", "card/", "children.geojson"])
def test_it_hides_grid_b_from_the_worker_of_grid_a(cast, login, suffix):
    client = login(cast.grid_worker_a)
    assert client.get(f"/areas/{cast.grid_b.code}/{suffix}").status_code == 404
    assert client.get(f"/areas/{cast.grid_a.code}/{suffix}").status_code == 200


def test_it_shows_a_street_leader_the_whole_street_and_nothing_of_the_next(cast, login):
    client = login(cast.street_leader)
    for area in (cast.street1, cast.community1, cast.grid_a, cast.grid_b):
        assert client.get(f"/areas/{area.code}/").status_code == 200
        assert client.get(f"/areas/{area.code}/children.geojson").status_code == 200
    for area in (cast.district, cast.street2, cast.community2, cast.grid_c):
        assert client.get(f"/areas/{area.code}/").status_code == 404
        assert client.get(f"/areas/{area.code}/children.geojson").status_code == 404
    assert client.get(f"/areas/{cast.grid_c.code}/board/").status_code == 404
    assert client.get(f"/areas/{cast.grid_c.code}/card/").status_code == 404


def test_it_hides_this_district_from_the_other_districts_admin(cast, login):
    client = login(cast.other_district_admin)
    for area in (cast.district, cast.street1, cast.grid_a):
        assert client.get(f"/areas/{area.code}/").status_code == 404
        assert client.get(f"/areas/{area.code}/children.geojson").status_code == 404
    assert client.get(f"/areas/{cast.grid_a.code}/board/").status_code == 404
    assert client.get(f"/areas/{cast.other_district.code}/").status_code == 200


def test_it_answers_404_for_an_unknown_code(cast, login):
    assert login(cast.superuser).get("/areas/410102999000/").status_code == 404


@pytest.mark.parametrize("suffix", ["", "board/", "card/", "children.geojson"])
def test_it_sends_anonymous_visitors_to_the_login_page(cast, client, suffix):
    response = client.get(f"/areas/{cast.grid_a.code}/{suffix}")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_sends_anonymous_visitors_from_the_index_to_the_login_page(db, client):
    assert client.get("/areas/")["Location"].startswith("/login/")


# ---------- children.geojson ----------


def test_it_serves_the_children_as_geojson(cast, login):
    response = login(cast.street_leader).get(f"/areas/{cast.community1.code}/children.geojson")
    assert response["Content-Type"].startswith("application/geo+json")
    collection = response.json()
    children = [f["properties"] for f in collection["features"] if f["properties"]["role"] == "child"]
    assert children == [
        {"code": cast.grid_a.code, "name": "百花社区第一网格", "level": Level.GRID, "kind": "comprehensive",
         "kind_label": "综合网格", "role": "child", "url": f"/areas/{cast.grid_a.code}/"},
        {"code": cast.grid_b.code, "name": "百花社区第二网格", "level": Level.GRID, "kind": "comprehensive",
         "kind_label": "综合网格", "role": "child", "url": f"/areas/{cast.grid_b.code}/"},
    ]
    own = [f for f in collection["features"] if f["properties"]["role"] == "self"]
    assert [f["properties"]["code"] for f in own] == [cast.community1.code]
    assert own[0]["geometry"] == cast.community1.boundary


def test_it_leaves_retired_children_off_the_map(cast, login):
    cast.grid_b.ended_on = YESTERDAY
    cast.grid_b.save()
    collection = login(cast.street_leader).get(f"/areas/{cast.community1.code}/children.geojson").json()
    codes = [f["properties"]["code"] for f in collection["features"]]
    assert codes == [cast.community1.code, cast.grid_a.code]


def test_it_colours_streets_and_communities_by_level(cast, login):
    collection = login(cast.superuser).get(f"/areas/{cast.district.code}/children.geojson").json()
    kinds = {f["properties"]["code"]: f["properties"]["kind"] for f in collection["features"]}
    assert kinds == {cast.district.code: "district", cast.street1.code: "street", cast.street2.code: "street"}


def test_it_reads_the_geojson_in_one_query_for_the_areas(cast, login, django_assert_max_num_queries):
    for number in range(3, 23):
        west = 113.50 + number * 0.001
        make_area(f"{cast.community1.code}{number:03d}", f"网格{number}", Level.GRID, cast.community1,
                  (west, 34.70, west + 0.001, 34.71))
    client = login(cast.street_leader)
    # session, user, the user's scope, then one query for the area and its children.
    with django_assert_max_num_queries(4):
        response = client.get(f"/areas/{cast.community1.code}/children.geojson")
    assert len(response.json()["features"]) == 23


@pytest.mark.parametrize("system", ["GCJ02", "BD09"])
def test_it_shifts_the_polygons_to_match_chinese_tiles(cast, login, system):
    client = login(cast.grid_worker_a)
    with override_settings(MAP_TILE_CRS=system):
        collection = client.get(f"/areas/{cast.grid_a.code}/children.geojson").json()
    geometry = collection["features"][0]["geometry"]
    assert geometry == transform_geometry(cast.grid_a.boundary, "WGS84", system)
    shifted_west, original_west = geometry["coordinates"][0][0][0], cast.grid_a.boundary["coordinates"][0][0][0]
    assert abs(shifted_west - original_west) > 0.003  # several hundred metres in Zhengzhou


def test_it_keeps_wgs84_for_wgs84_tiles(cast, login):
    with override_settings(MAP_TILE_CRS="WGS84"):
        collection = login(cast.grid_worker_a).get(f"/areas/{cast.grid_a.code}/children.geojson").json()
    assert collection["features"][0]["geometry"] == cast.grid_a.boundary


# ---------- /g/<code>/ ----------


def test_it_shows_the_public_grid_page_without_login(cast, client):
    add_team(cast.grid_a)
    cast.grid_a.tags.add(GridTag.objects.create(code="elderly", name="居家养老型"))
    response = client.get(f"/g/{cast.grid_a.code}/")
    text = page_text(response)
    assert response.status_code == 200
    for expected in ("百花社区第一网格", "百花社区", "林山寨街道", "居家养老型", "网格长", "吴网格长",
                     'href="tel:13700000001"', "民警", "钱民警"):
        assert expected in text
    assert "郑已离岗" not in text


def test_it_keeps_internal_data_off_the_public_page(cast, client):
    add_team(cast.grid_a)
    TeamMember.objects.filter(name="周网格员").update(user=cast.grid_worker_a)
    text = page_text(client.get(f"/g/{cast.grid_a.code}/"))
    assert "grid_worker_a" not in text
    assert "退出" not in text
    assert f"/areas/{cast.grid_a.code}/" not in text


def test_it_has_no_public_page_for_a_community(cast, client):
    assert client.get(f"/g/{cast.community1.code}/").status_code == 404


def test_it_has_no_public_page_for_a_retired_grid(cast, client):
    Area.objects.filter(pk=cast.grid_b.pk).update(ended_on=YESTERDAY)
    assert client.get(f"/g/{cast.grid_b.code}/").status_code == 404
