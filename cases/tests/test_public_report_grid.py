"""随手拍 opened from a grid's QR code (/s/report/?grid=<code>), and the outlines of the report maps."""

import json
import re

import pytest
from django.core.cache import caches

from accounts.models import Duty, TeamMember
from areas import outlines
from areas.models import Area
from cases.models import Case
from cases.tests.intake_files import GRID_A_POINT, GRID_B_POINT

URL = "/s/report/"


@pytest.fixture(autouse=True)
def empty_cache():  # type: ignore[no-untyped-def]
    caches["default"].clear()


def _data(cc, point=None, **extra):  # type: ignore[no-untyped-def]
    data = {"category": cc.category("t-clutter").pk, "description": "5号楼楼道里堆了很多纸箱。", "system": "WGS84",
            "reporter_phone": "13912345678"}
    if point is not None:
        data["longitude"], data["latitude"] = point
    data.update(extra)
    return data


def _map_config(content: str) -> dict:  # type: ignore[type-arg]
    found = re.search(r'<script id="report-map-config" type="application/json">(.*?)</script>', content, re.S)
    assert found
    return json.loads(found.group(1))


# ----- the form opened from the QR code --------------------------------------------------------------

def test_it_names_the_grid_of_the_qr_code_in_large_type_and_keeps_it(cc, client):
    grid = cc.cast.grid_a
    content = client.get(f"{URL}?grid={grid.code}").content.decode()

    place = content.split('id="place-grid"')[1].split("</div>")[0]
    assert "位置在：" in place and f'<strong id="place-grid-name">{grid.name}</strong>' in place
    assert "hidden" not in place.split(">")[0]
    assert f'name="grid" value="{grid.code}"' in content


def test_it_frames_the_map_on_the_grid_with_its_neighbours_and_community(cc, client):
    cast = cc.cast
    TeamMember.objects.create(area=cast.grid_a, duty=Duty.GRID_LEADER, name="吴网格长", phone="13700000001")
    content = client.get(f"{URL}?grid={cast.grid_a.code}").content.decode()

    config = _map_config(content)
    roles = {feature["properties"]["code"]: feature["properties"]["role"] for feature in config["outlines"]["features"]}
    assert roles == {cast.grid_a.code: "self", cast.grid_b.code: "neighbour", cast.community1.code: "context"}
    # Only the outline and the name: nothing of the team.
    assert set(config["outlines"]["features"][0]["properties"]) == {"code", "name", "level", "role"}
    assert "13700000001" not in content and "吴网格长" not in content
    assert config["bounds"] == [[34.70, 113.50], [34.75, 113.525]]  # grid A alone
    assert config["outlinesUrl"] == "/s/report/outlines/"


@pytest.mark.parametrize("code", ["999999999999999", "abc", "<script>"])
def test_an_unknown_grid_in_the_address_is_ignored(cc, client, code):
    response = client.get(URL, {"grid": code})
    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="grid"' in content and 'name="grid" value=' not in content
    assert _map_config(content)["outlines"] is None


def test_a_retired_grid_is_not_preselected(cc, client):
    Area.objects.filter(pk=cc.cast.grid_a.pk).update(ended_on="2020-01-01")
    content = client.get(f"{URL}?grid={cc.cast.grid_a.code}").content.decode()
    assert 'name="grid" value=' not in content


def test_without_a_pin_the_report_lands_in_the_grid_of_the_qr_code(cc, client):
    response = client.post(URL, _data(cc, grid=cc.cast.grid_b.code))

    assert response.status_code == 302
    case = Case.objects.get()
    assert case.grid == cc.cast.grid_b and case.longitude is None and case.latitude is None


def test_the_pin_wins_over_the_grid_of_the_qr_code(cc, client):
    response = client.post(URL, _data(cc, point=GRID_B_POINT, grid=cc.cast.grid_a.code))

    assert response.status_code == 302
    case = Case.objects.get()
    assert case.grid == cc.cast.grid_b and case.longitude == pytest.approx(GRID_B_POINT[0])


def test_a_grid_that_no_longer_exists_is_refused_naming_the_place(cc, client):
    response = client.post(URL, _data(cc, grid="410102001001999"))

    content = response.content.decode()
    assert response.status_code == 400
    assert "位置：二维码中的网格已不存在，请在地图上点选问题位置。" in content
    assert not Case.objects.exists()


def test_without_pin_photo_or_grid_the_place_is_still_required(cc, client):
    response = client.post(URL, _data(cc))

    assert response.status_code == 400
    assert "请在地图上点选问题位置" in response.content.decode()
    assert not Case.objects.exists()


def test_the_pin_answer_names_the_grid(cc, client):
    lng, lat = GRID_A_POINT
    answer = client.get("/s/report/where/", {"lng": lng, "lat": lat}).json()
    assert answer["found"] and answer["area"]["grid"] == "百花社区第一网格"


@pytest.mark.parametrize("tiles, shown", [("", True), ("https://tiles.example.cn/{z}/{x}/{y}.png", False)])
def test_it_says_when_no_base_map_is_configured(cc, client, settings, tiles, shown):
    settings.MAP_TILE_URL = tiles
    content = client.get(URL).content.decode()
    assert ('id="map-no-tiles"' in content) is shown


# ----- the sticky bar ----------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [URL, "/cases/report/"])
def test_the_submit_bar_comes_in_a_box_that_starts_after_the_map(cc, client, login, url):
    content = login(cc.cast.grid_worker_a).get(url).content.decode()
    after = content.index('class="wg-after-map"')
    assert content.index('id="report-map"') < after < content.index('class="wg-submit"')
    # Every button of the map's controls is a plain button: a tap never submits the form.
    location = content.split('id="field-location"')[1].split('class="wg-after-map"')[0]
    buttons = re.findall(r"<button[^>]*>", location)
    assert buttons and all('type="button"' in button for button in buttons)


# ----- the outlines endpoints --------------------------------------------------------------------

def test_the_public_outlines_are_the_grids_in_the_view(cc, client):
    cast = cc.cast
    response = client.get("/s/report/outlines/", {"bbox": "113.50,34.70,113.55,34.75"})

    body = response.json()
    assert response.status_code == 200 and body["tile_crs"] == "WGS84"
    assert [feature["properties"]["code"] for feature in body["features"]] == [cast.grid_a.code, cast.grid_b.code]
    assert {feature["properties"]["role"] for feature in body["features"]} == {"area"}
    assert set(body["features"][0]["properties"]) == {"code", "name", "level", "role"}


def test_too_many_grids_in_the_view_show_the_communities(cc, client, monkeypatch):
    monkeypatch.setattr(outlines, "OUTLINE_LIMIT", 2)
    body = client.get("/s/report/outlines/", {"bbox": "113.50,34.70,113.70,34.80"}).json()
    codes = [feature["properties"]["code"] for feature in body["features"]]
    assert codes == [cc.cast.community1.code, cc.cast.community2.code]


def test_the_outlines_answer_in_a_fixed_number_of_queries(cc, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        client.get("/s/report/outlines/", {"bbox": "113.50,34.70,113.70,34.80"})


@pytest.mark.parametrize("bbox", ["", "1,2,3", "a,b,c,d"])
def test_a_bad_bbox_answers_400_with_a_message(cc, client, bbox):
    response = client.get("/s/report/outlines/", {"bbox": bbox})
    assert response.status_code == 400
    assert response.json()["error"] == "参数 bbox 应为四个数字：西,南,东,北。"


def test_the_staff_outlines_keep_to_the_users_scope(cc, login, client):
    assert client.get("/cases/report/outlines/", {"bbox": "113.50,34.70,113.70,34.80"}).status_code == 302
    body = login(cc.cast.grid_worker_a).get("/cases/report/outlines/", {"bbox": "113.50,34.70,113.70,34.80"}).json()
    codes = {feature["properties"]["code"] for feature in body["features"]}
    assert cc.cast.grid_a.code in codes and cc.cast.grid_c.code not in codes


# ----- the public grid page ------------------------------------------------------------------------

def test_the_public_grid_page_leads_with_the_report_carrying_the_grid(cc, client):
    grid = cc.cast.grid_a
    TeamMember.objects.create(area=grid, duty=Duty.GRID_LEADER, name="吴网格长", phone="13700000001")
    content = client.get(f"/g/{grid.code}/").content.decode()

    assert f'href="/s/report/?grid={grid.code}"' in content
    assert content.index('id="public-report"') < content.index('id="team"')
