"""The map on the case page: the grid's outline with the pin, also without tiles or coordinates."""

from __future__ import annotations

import json
import re

import pytest

from cases.testing import report

CONFIG = re.compile(r'id="case-map-config" type="application/json">(.*?)</script>', re.S)


def _page(client, user, case) -> str:  # type: ignore[no-untyped-def]
    client.force_login(user)
    response = client.get(f"/cases/{case.number}/")
    assert response.status_code == 200
    return response.content.decode()


def _roles(html: str) -> dict[str, str]:
    found = CONFIG.search(html)
    assert found
    outlines = json.loads(found.group(1))["outlines"]
    return {feature["properties"]["code"]: feature["properties"]["role"] for feature in outlines["features"]}


def test_it_draws_the_grid_outline_with_the_pin(cc, client):  # type: ignore[no-untyped-def]
    cast = cc.cast
    case = report(cc, longitude=113.51, latitude=34.72)
    html = _page(client, cc.dispatcher, case)

    assert _roles(html) == {cast.grid_a.code: "self", cast.grid_b.code: "neighbour", cast.community1.code: "context"}
    assert 'id="case-map"' in html and "位置在：百花社区第一网格" in html
    assert "113.510000, 34.720000 (WGS-84)" in html


def test_a_case_without_coordinates_still_shows_its_grid_on_the_map(cc, client):  # type: ignore[no-untyped-def]
    case = report(cc)
    html = _page(client, cc.dispatcher, case)

    config = json.loads(CONFIG.search(html).group(1))  # type: ignore[union-attr]
    assert config["lng"] is None and config["lat"] is None
    assert _roles(html)[cc.cast.grid_a.code] == "self"
    assert 'id="case-map-no-point"' in html and "上报时没有记录坐标" in html


def test_the_neighbours_keep_to_the_viewers_scope(cc, client):  # type: ignore[no-untyped-def]
    case = report(cc, longitude=113.51, latitude=34.72)
    html = _page(client, cc.cast.grid_worker_a, case)
    # A grid worker of grid A sees only grid A of the community's grids.
    assert cc.cast.grid_b.code not in _roles(html)


@pytest.mark.parametrize("tiles, shown", [("", True), ("https://tiles.example.cn/{z}/{x}/{y}.png", False)])
def test_it_says_when_no_base_map_is_configured(cc, client, settings, tiles, shown):  # type: ignore[no-untyped-def]
    settings.MAP_TILE_URL = tiles
    html = _page(client, cc.dispatcher, report(cc, longitude=113.51, latitude=34.72))
    assert ('id="map-no-tiles"' in html) is shown
