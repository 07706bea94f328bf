"""随手拍 from the QR code of a grid, on a phone (390 × 844) in a real Chromium, without tiles.

The public grid page leads with 随手拍; the report form it opens is framed on the grid's outline,
names the grid in large type and follows the pin; a tap on the map never submits the form, and
the sticky 提交 bar never covers the map. The staff report map and the case page draw outlines.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import Duty, TeamMember
from cases.testing import build_case_cast, report
from cases.tests.intake_files import GRID_A_POINT, GRID_B_POINT, jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
OUTLINES = "#report-map .leaflet-overlay-pane path"


def _big_team(grid) -> None:  # type: ignore[no-untyped-def]
    for number in range(17):
        TeamMember.objects.create(area=grid, duty=Duty.BUILDING_HEAD, name=f"楼长{number}",
                                  phone=f"137000000{number:02d}")


def _point_on_map(page, lng: float, lat: float) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    return page.evaluate(  # type: ignore[no-any-return]
        "([lat, lng]) => { const p = window.wanggeReportMap.latLngToContainerPoint([lat, lng]); return [p.x, p.y]; }",
        [lat, lng],
    )


def _overlap(first: dict, second: dict) -> bool:  # type: ignore[type-arg]
    return not (first["x"] + first["width"] <= second["x"] or second["x"] + second["width"] <= first["x"]
                or first["y"] + first["height"] <= second["y"] or second["y"] + second["height"] <= first["y"])


def test_the_qr_page_leads_to_a_report_framed_on_its_grid(cast, page, artifacts_dir):
    build_case_cast(cast)
    grid = cast.grid_a
    _big_team(grid)
    page.set_viewport_size(PHONE)
    page.goto(f"/g/{grid.code}/")

    link = page.locator("#public-report-link")
    box = link.bounding_box()
    assert box and box["y"] + box["height"] <= PHONE["height"]  # in the first screen, before the team
    page.screenshot(path=str(artifacts_dir / "public-grid-phone.png"))
    link.click()
    page.wait_for_url(f"**/s/report/?grid={grid.code}")

    expect(page.locator("#report-map")).to_have_attribute("data-state", "ready")
    expect(page.locator("#place-grid-name")).to_have_text("百花社区第一网格")
    size = page.locator("#place-grid-name").evaluate("element => parseFloat(getComputedStyle(element).fontSize)")
    assert size >= 20  # large type, readable at a glance
    expect(page.locator("#map-no-tiles")).to_be_visible()
    # Without tiles the outlines are what there is to see: the grid, grid B beside it, the community.
    expect(page.locator("#report-map")).to_have_attribute("data-outlines-focus", "3")
    assert page.locator(OUTLINES).count() >= 3
    labels = page.locator("#report-map .leaflet-tooltip").all_inner_texts()
    assert "百花社区第一网格" in labels and "百花社区第二网格" in labels
    # Framed on the grid: its outline fills most of the map's width.
    map_box = page.locator("#report-map").bounding_box()
    grid_box = page.locator(f"{OUTLINES}.wg-outline-self").bounding_box()
    assert map_box and grid_box and grid_box["height"] >= map_box["height"] * 0.6

    # The pin in the neighbouring grid: the large name follows the locator.
    x, y = _point_on_map(page, *GRID_B_POINT)
    page.locator("#report-map").click(position={"x": x, "y": y})
    expect(page.locator("#place-grid-name")).to_have_text("百花社区第二网格")
    x, y = _point_on_map(page, *GRID_A_POINT)
    page.locator("#report-map").click(position={"x": x, "y": y})
    expect(page.locator("#place-grid-name")).to_have_text("百花社区第一网格")
    page.click("#clear-location")
    expect(page.locator("#place-grid-name")).to_have_text("百花社区第一网格")
    page.screenshot(path=str(artifacts_dir / "public-report-from-qr-phone.png"), full_page=True)


def test_a_tap_on_the_map_never_submits_and_the_bar_never_covers_the_map(cast, page, artifacts_dir):
    build_case_cast(cast)
    page.set_viewport_size(PHONE)
    page.goto(f"/s/report/?grid={cast.grid_a.code}")
    expect(page.locator("#report-map")).to_have_attribute("data-state", "ready")
    page.fill("#id_description", "楼道堆满纸箱。")
    page.set_input_files("#id_photos", files=[{"name": "楼道.jpg", "mimeType": "image/jpeg",
                                                "buffer": jpeg_bytes(size=(320, 240))}])
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)

    submit, area = page.locator("#report-submit"), page.locator("#report-map")
    # The map at the bottom of the screen, in the middle, at the top: the bar is never on it.
    for block in ("end", "center", "start"):
        area.evaluate(f"element => element.scrollIntoView({{block: '{block}', behavior: 'instant'}})")
        map_box, bar_box = area.bounding_box(), submit.bounding_box()
        assert map_box and bar_box
        assert not _overlap(map_box, bar_box), block

    # A tap low on the map, where a bar pinned to the bottom of the screen would be.
    area.evaluate("element => element.scrollIntoView({block: 'end', behavior: 'instant'})")
    map_box = area.bounding_box()
    assert map_box
    page.mouse.click(map_box["x"] + map_box["width"] / 2, map_box["y"] + map_box["height"] - 12)
    expect(page.locator("#report-map .leaflet-marker-icon")).to_have_count(1)
    page.wait_for_timeout(300)  # a submission would have started by now
    assert posts == [] and "/s/report/?grid=" in page.url
    assert page.locator("#id_photos").evaluate("input => input.files.length") == 1
    expect(page.locator("[data-photo-list='id_photos']")).to_have_text("楼道.jpg")
    page.screenshot(path=str(artifacts_dir / "public-report-map-tap-phone.png"))


def test_the_staff_report_map_draws_the_grids_without_tiles(cast, page, browser_login):
    build_case_cast(cast)
    browser_login(cast.grid_worker_a)
    page.set_viewport_size(PHONE)
    page.goto("/cases/report/")
    expect(page.locator("#report-map")).to_have_attribute("data-state", "ready")
    expect(page.locator("#report-map")).to_have_attribute("data-outlines-area", "1")  # grid A, the worker's grid
    assert page.locator(OUTLINES).count() == 1
    expect(page.locator("#map-no-tiles")).to_be_visible()


def test_the_case_page_shows_the_grid_outline_and_the_pin(cast, page, browser_login, artifacts_dir):
    cc = build_case_cast(cast)
    case = report(cc, longitude=GRID_A_POINT[0], latitude=GRID_A_POINT[1])
    browser_login(cc.dispatcher)
    page.set_viewport_size(PHONE)
    page.goto(f"/cases/{case.number}/")
    expect(page.locator("#case-map")).to_have_attribute("data-state", "ready")
    expect(page.locator("#case-map")).to_have_attribute("data-outlines-focus", "3")
    assert page.locator("#case-map path.wg-outline-self").count() == 1
    assert page.locator("#case-map path.wg-case-pin").count() == 1
    expect(page.locator("#case-map-grid")).to_have_text("位置在：百花社区第一网格")
    page.locator("#map-card").screenshot(path=str(artifacts_dir / "case-page-map-phone.png"))
