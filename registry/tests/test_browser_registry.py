"""The registry in a real Chromium: the building's floor grid, and unmasking with a reason.

Screenshots go to the artifacts directory so a person can look at them.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from audit.models import AccessLogEntry
from registry.models import Building, BuildingUnit, Dwelling
from registry.tests.test_pages import ZHANG_ID, ZHANG_PHONE, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_renders_the_building_floor_grid(cast, page, browser_login, artifacts_dir):
    world = build_world(cast)
    browser_login(cast.grid_worker_a)
    page.goto(f"/registry/buildings/{world.b1.pk}/")
    grid = page.locator("#floor-grid")
    expect(grid).to_be_visible()
    floors = grid.locator("tbody th").all_inner_texts()
    assert floors == [f"{floor}层" for floor in range(6, 0, -1)]
    expect(grid.locator("td.wg-use-rented")).to_have_count(1)
    expect(page.locator("#building-legend")).to_contain_text("出租")
    page.screenshot(path=str(artifacts_dir / "registry-building-grid.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts_dir / "registry-building-grid-phone.png"), full_page=True)
    grid.get_by_role("link", name=re.compile("101")).first.click()
    expect(page.locator("h1")).to_contain_text("101")
    page.get_by_role("link", name=re.compile("户主")).click()
    expect(page.locator("#member-table")).to_contain_text("李四")


def test_it_unmasks_with_a_reason_and_the_access_log_lists_it(cast, page, browser_login, artifacts_dir):
    world = build_world(cast)
    browser_login(world.leader_a)
    page.goto(f"/registry/residents/{world.zhang.pk}/")
    expect(page.locator("#id-number")).to_have_text("410" + "*" * 13 + ZHANG_ID[-2:])
    assert ZHANG_ID not in page.content()
    page.fill("#id_reason", "看")
    page.get_by_role("button", name="查看完整信息").click()
    expect(page.locator("#personal-data")).to_contain_text("查看事由至少需要4个字。")
    page.fill("#id_reason", "入户核实")
    page.get_by_role("button", name="查看完整信息").click()
    expect(page.locator("#id-number")).to_have_text(ZHANG_ID)
    expect(page.locator("#phone")).to_have_text(ZHANG_PHONE)
    assert page.url.endswith(f"/registry/residents/{world.zhang.pk}/")  # swapped in place
    page.screenshot(path=str(artifacts_dir / "registry-unmasked.png"), full_page=True)
    assert AccessLogEntry.objects.filter(reason="入户核实", object_id=str(world.zhang.pk)).count() == 1

    page.context.clear_cookies()
    browser_login(cast.district_admin)
    page.goto("/registry/access-log/")
    table = page.locator("#access-log-table")
    expect(table).to_contain_text("入户核实")
    expect(table).to_contain_text("grid_leader_a")
    expect(table).to_contain_text("张三")
    page.screenshot(path=str(artifacts_dir / "registry-access-log.png"), full_page=True)


def test_it_searches_by_phone_without_the_number_in_the_address(cast, page, browser_login, artifacts_dir):
    world = build_world(cast)
    browser_login(cast.grid_worker_a)
    page.goto("/registry/")
    page.fill("#id_q", ZHANG_PHONE)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#resident-table")).to_contain_text("张三")
    expect(page.locator("#resident-table")).not_to_contain_text("李四")
    assert "qe=" in page.url and ZHANG_PHONE not in page.url
    assert ZHANG_PHONE not in page.content()
    expect(page.locator("#id_q")).to_have_attribute("placeholder", "138****5678")
    page.screenshot(path=str(artifacts_dir / "registry-search-by-phone.png"), full_page=True)
    entry = AccessLogEntry.objects.get()
    assert entry.fields == "lookup:search" and entry.object_id == str(world.zhang.pk)


def test_a_three_unit_floor_grid_fits_a_phone(cast, page, browser_login, artifacts_dir):
    """The floor plan stays a plan (no stacking), but the common 3 单元 × 2 户 building fits 390 px."""
    building = Building.objects.create(
        grid=cast.grid_a, estate="百花小区", name="5号楼", address="百花路5号", floors=2, unit_count=3
    )
    for number in ("1单元", "2单元", "3单元"):
        unit = BuildingUnit.objects.create(building=building, number=number)
        for floor in (1, 2):
            for door in (1, 2):
                Dwelling.objects.create(
                    grid=cast.grid_a, building=building, unit=unit, floor=floor, room=f"{floor}0{door}"
                )
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(cast.grid_worker_a)
    page.goto(f"/registry/buildings/{building.pk}/")
    grid = page.locator("#floor-grid")
    expect(grid.locator("td.wg-cell")).to_have_count(12)
    wrapper = page.locator(".wg-floor-grid-wrap")
    assert wrapper.evaluate("box => box.scrollWidth - box.clientWidth") <= 0
    page.screenshot(path=str(artifacts_dir / "registry-building-grid-three-units-phone.png"), full_page=True)
