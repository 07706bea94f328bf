"""Areas and categories through the API."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_a_grid_worker_sees_their_grid_only(cast, api):
    codes = [row["code"] for row in api(cast.grid_worker_a).get("/api/v1/areas/").json()["results"]]
    assert codes == [cast.grid_a.code]


def test_a_street_leader_sees_the_street_in_code_order(cast, api):
    rows = api(cast.street_leader).get("/api/v1/areas/").json()["results"]
    codes = [row["code"] for row in rows]
    assert codes == sorted(codes)
    assert cast.grid_a.code in codes and cast.grid_c.code not in codes
    assert cast.other_district.code not in codes
    by_code = {row["code"]: row for row in rows}
    assert by_code[cast.grid_a.code]["parent_code"] == cast.grid_a.parent.code


def test_it_pages_and_filters_the_tree(cast, api):
    client = api(cast.superuser)
    page = client.get("/api/v1/areas/", {"page_size": 2}).json()
    seen = [row["code"] for row in page["results"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        seen.extend(row["code"] for row in page["results"])
    assert seen == sorted(seen) and len(seen) == len(set(seen)) >= 8
    children = client.get("/api/v1/areas/", {"parent": cast.grid_a.parent.code}).json()["results"]
    assert {row["code"] for row in children} == {cast.grid_a.code, cast.grid_b.code}
    response = client.get("/api/v1/areas/", {"level": "99"})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["level"]


def test_an_area_has_its_boundary_as_geojson_in_the_asked_system(cast, api):
    client = api(cast.grid_worker_a)
    body = client.get(f"/api/v1/areas/{cast.grid_a.code}/").json()
    assert body["boundary"]["type"] == "Polygon"
    assert body["boundary"]["coordinates"][0][0] == [113.50, 34.70]
    shifted = client.get(f"/api/v1/areas/{cast.grid_a.code}/", {"crs": "BD09"}).json()["boundary"]
    assert shifted["coordinates"][0][0] != [113.50, 34.70]


def test_an_area_outside_scope_is_404(cast, api):
    assert api(cast.grid_worker_a).get(f"/api/v1/areas/{cast.grid_b.code}/").status_code == 404


def test_categories_come_with_their_extra_questions(cc, api):
    rows = api(cc.dispatcher).get("/api/v1/categories/").json()["results"]
    building = next(row for row in rows if row["code"] == "t-building")
    assert building["attributes"] == [{"code": "area", "label": "搭建面积（平方米）", "kind": "number",
                                       "required": False, "options": []}]
