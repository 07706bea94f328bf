"""The area pages in a real Chromium: log in, read the map, walk down the tree, print the board.

Screenshots and PDFs go to the artifacts directory (kept by CI) so a person can look at them.
"""

from __future__ import annotations

import re

import pytest

from accounts.models import Duty, TeamMember
from areas.models import Area, GridTag

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAP_PATHS = "#area-map .leaflet-overlay-pane path"
CHILD_POLYGONS = "#area-map .leaflet-overlay-pane path.leaflet-interactive"


def staff_grid_a(cast):  # type: ignore[no-untyped-def]
    grid = cast.grid_a
    grid.address = "东至桐柏路，西至百花路，南至建设路，北至中原路"
    grid.save()
    grid.tags.add(GridTag.objects.create(code="volunteer", name="志愿型"))
    for duty, name, phone in [
        (Duty.GRID_LEADER, "吴网格长", "13700000001"),
        (Duty.FULLTIME_WORKER, "周网格员", "13700000002"),
        (Duty.BUILDING_HEAD, "李楼长", "13700000005"),
        (Duty.POLICE_OFFICER, "钱民警", "13700000006"),
    ]:
        TeamMember.objects.create(area=grid, duty=duty, name=name, phone=phone)
    return grid


def wait_for_map(page):  # type: ignore[no-untyped-def]
    page.wait_for_selector("#area-map[data-state=ready]")


def pdf_page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_it_walks_from_the_street_map_down_to_a_grid(cast, page, browser_login, artifacts_dir):
    staff_grid_a(cast)
    browser_login(cast.street_leader)  # lands on 我的待办, the street one tap away
    page.goto(f"/areas/{cast.street1.code}/")
    wait_for_map(page)
    assert page.locator(CHILD_POLYGONS).count() == 1  # 百花社区
    assert page.locator(MAP_PATHS).count() == 2  # and the street's own outline

    page.locator(CHILD_POLYGONS).first.click()
    page.wait_for_url(f"**/areas/{cast.community1.code}/")
    wait_for_map(page)
    assert page.locator(CHILD_POLYGONS).count() == 2
    labels = page.locator("#area-map .leaflet-tooltip").all_inner_texts()
    assert sorted(labels) == ["第一网格", "第二网格"]  # the community's name is on screen already
    page.locator("#area-map").screenshot(path=str(artifacts_dir / "area-map.png"))
    page.screenshot(path=str(artifacts_dir / "community-page.png"), full_page=True)

    page.locator(CHILD_POLYGONS).first.click()
    page.wait_for_url(f"**/areas/{cast.grid_a.code}/")
    team = page.locator("#team")
    assert team.locator("td.member-name").all_inner_texts() == ["吴网格长", "周网格员", "李楼长", "钱民警"]
    assert "137 0000 0001" in team.inner_text()
    wait_for_map(page)
    assert page.locator(MAP_PATHS).count() == 1  # no children: the grid's own polygon
    page.screenshot(path=str(artifacts_dir / "grid-page.png"), full_page=True)


def test_it_shows_a_name_with_markup_as_text_on_the_map_and_runs_no_script(cast, page, browser_login):
    # Stored before names were checked (or written around the checks): the map must still be safe.
    planted = '<img src=x onerror="window.wanggePlanted = 1">'
    Area.objects.filter(pk=cast.grid_a.pk).update(name=planted)
    browser_login(cast.superuser)

    page.goto(f"/areas/{cast.community1.code}/")
    wait_for_map(page)
    page.wait_for_load_state("networkidle")

    labels = page.locator("#area-map .leaflet-tooltip")
    assert sorted(labels.all_inner_texts()) == [planted, "第二网格"]
    assert labels.locator("img").count() == 0
    assert page.evaluate("window.wanggePlanted") is None


def test_it_prints_the_board_on_one_a4_sheet(cast, page, browser_login, artifacts_dir):
    grid = staff_grid_a(cast)
    browser_login(cast.grid_worker_a)
    page.goto(f"/areas/{grid.code}/board/")
    assert page.locator(".print-button").is_visible()

    page.emulate_media(media="print")
    assert page.locator(".print-button").is_hidden()
    assert page.locator("#board-qr svg").is_visible()
    box = page.locator("#board-qr svg").bounding_box()
    assert box and box["width"] > 80  # about 30 mm: scannable from a step away
    assert page.locator(".board-team-table td.col-name").all_inner_texts() == ["吴网格长", "周网格员", "钱民警"]
    assert page.locator(".board-head-name").all_inner_texts() == ["李楼长"]
    page.screenshot(path=str(artifacts_dir / "board-print.png"), full_page=True)
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (artifacts_dir / "board.pdf").write_bytes(pdf)
    assert pdf_page_count(pdf) == 1


def test_it_prints_ten_contact_cards_on_one_a4_sheet(cast, page, browser_login, artifacts_dir):
    grid = staff_grid_a(cast)
    browser_login(cast.grid_worker_a)
    page.goto(f"/areas/{grid.code}/card/")
    page.emulate_media(media="print")
    assert page.locator(".print-toolbar").is_hidden()
    cards = page.locator("#card-page .card-sheet")
    assert cards.count() == 10
    sheet = page.locator("#card-page").bounding_box()
    assert sheet and round(sheet["width"] / sheet["height"], 2) == round(210 / 296, 2)
    for index in range(10):
        card = cards.nth(index)
        assert card.locator(".card-qr svg").is_visible()
        box = card.bounding_box()
        assert box and round(box["width"] / box["height"], 2) == round(85.6 / 54, 2)
        # Every card lies wholly on the one A4 sheet.
        assert box["x"] >= sheet["x"] and box["y"] >= sheet["y"]
        assert box["x"] + box["width"] <= sheet["x"] + sheet["width"] + 0.5
        assert box["y"] + box["height"] <= sheet["y"] + sheet["height"] + 0.5
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (artifacts_dir / "card.pdf").write_bytes(pdf)
    assert pdf_page_count(pdf) == 1
    assert page.locator("#card-page .card-sheet .card-grid-name").all_inner_texts() == [grid.name] * 10
    page.emulate_media(media="screen")
    page.screenshot(path=str(artifacts_dir / "card-preview.png"))


@pytest.mark.parametrize("sheet", ["board", "card"])
def test_the_print_views_warn_on_screen_only_when_public_base_url_is_unset(
    cast, page, browser_login, settings, sheet
):
    grid = staff_grid_a(cast)
    settings.PUBLIC_BASE_URL = ""
    browser_login(cast.grid_worker_a)
    page.goto(f"/areas/{grid.code}/{sheet}/")
    warning = page.locator("#public-base-warning")
    assert warning.is_visible()
    assert "PUBLIC_BASE_URL" in warning.inner_text() and f"/g/{grid.code}/" in warning.inner_text()
    page.emulate_media(media="print")
    assert warning.is_hidden()  # a note for whoever prints, never on the paper

    settings.PUBLIC_BASE_URL = "https://wangge.example.cn"
    page.emulate_media(media="screen")
    page.goto(f"/areas/{grid.code}/{sheet}/")
    assert page.locator("#public-base-warning").count() == 0
