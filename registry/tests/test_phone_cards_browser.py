"""The resident search, the care-tag list and a household's members on a phone (390×844): cards,
not a crushed table.

Each resident is a card with the name, the address (楼栋-单元-房号) and the tags, never the
masked ID number; nothing is wider than the screen. On a desk the table stays.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.tests.phone_tables import assert_labelled, assert_stacked, assert_table_layout
from registry.models import CareTag
from registry.tests.test_pages import ZHANG_ID, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
MASKED_ZHANG = "410" + "*" * 13 + ZHANG_ID[-2:]


def assert_fits_the_screen(page):  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_it_shows_residents_as_cards_on_a_phone_and_a_table_on_a_desk(cast, page, browser_login, artifacts_dir):
    build_world(cast)
    page.set_viewport_size(PHONE)
    browser_login(cast.grid_worker_a)
    page.goto("/registry/")
    cards = page.locator("#resident-cards .resident-card")
    expect(cards).to_have_count(3)
    expect(page.locator("#resident-table")).to_be_hidden()
    zhang = cards.filter(has_text="张三")
    expect(zhang.locator(".resident-address")).to_have_text("百花小区 1号楼-1单元-101")
    expect(zhang.locator(".resident-tags")).to_contain_text("独居老人")
    assert MASKED_ZHANG not in zhang.inner_text() and "****" not in page.locator("#resident-cards").inner_text()
    for box in (card.bounding_box() for card in cards.all()):
        assert box is not None and box["height"] < 160 and box["width"] > 300
    assert_fits_the_screen(page)
    page.screenshot(path=str(artifacts_dir / "registry-search-phone.png"), full_page=True)
    zhang.click()  # the whole card is the link
    expect(page.locator("h1")).to_contain_text("张三")

    page.set_viewport_size(DESK)
    page.goto("/registry/")
    expect(page.locator("#resident-table")).to_be_visible()
    expect(page.locator("#resident-cards")).to_be_hidden()
    expect(page.locator("#resident-table")).to_contain_text(MASKED_ZHANG)


def test_the_care_tag_list_is_cards_on_a_phone(cast, page, browser_login, artifacts_dir):
    build_world(cast)
    tag = CareTag.objects.get(code="living_alone_elderly")
    page.set_viewport_size(PHONE)
    browser_login(cast.grid_worker_a)
    page.goto(f"/registry/?tag={tag.pk}")
    cards = page.locator("#resident-cards .resident-card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("张三")
    expect(cards.first.locator(".resident-tags")).to_contain_text(tag.display_name)
    assert_fits_the_screen(page)
    page.screenshot(path=str(artifacts_dir / "registry-care-tag-list-phone.png"), full_page=True)


def test_the_household_members_are_cards_on_a_phone(cast, page, browser_login, artifacts_dir):
    world = build_world(cast)
    page.set_viewport_size(PHONE)
    browser_login(cast.grid_worker_a)
    page.goto(f"/registry/households/{world.household.pk}/")
    expect(page.locator("#member-table tbody tr")).to_have_count(2)
    assert_stacked(page, "#member-table")
    li = page.locator("#member-table tbody tr", has_text="李四")
    assert_labelled(li.locator("td").nth(1), "与户主关系")
    expect(li.locator("td").nth(1)).to_have_text("配偶")
    assert_labelled(li.locator("td").nth(3), "入住日期")
    page.screenshot(path=str(artifacts_dir / "registry-household-phone.png"), full_page=True)

    page.set_viewport_size(DESK)
    assert_table_layout(page, "#member-table")
