"""The area page's team and sub-area tables on a phone (390×844): cards, not crushed tables."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from areas.tests.test_area_pages import add_team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


def assert_fits_the_screen(page):  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_grids_team_is_a_stack_of_cards_with_call_buttons(cast, page, browser_login, artifacts_dir):
    add_team(cast.grid_a)
    page.set_viewport_size(PHONE)
    browser_login(cast.grid_worker_a)
    page.goto(f"/areas/{cast.grid_a.code}/")
    cards = page.locator("#team-cards .team-card")
    expect(cards).to_have_count(6)  # the member who left yesterday is not on the team
    expect(page.locator("#team .team-table")).to_be_hidden()
    leader = cards.filter(has_text="吴网格长")
    expect(leader.locator(".duty")).to_have_text("网格长")
    expect(leader).to_contain_text("党员")
    call = leader.locator("a.phone")
    expect(call).to_have_attribute("href", "tel:13700000001")
    box = call.bounding_box()
    assert box is not None and box["height"] >= 44  # a thumb's target
    for card_box in (card.bounding_box() for card in cards.all()):
        assert card_box is not None and card_box["height"] < 160
    assert_fits_the_screen(page)
    page.screenshot(path=str(artifacts_dir / "area-team-phone.png"), full_page=True)

    page.set_viewport_size(DESK)
    expect(page.locator("#team .team-table")).to_be_visible()
    expect(page.locator("#team-cards")).to_be_hidden()


def test_a_communitys_sub_areas_are_cards_that_open_the_area(cast, page, browser_login, artifacts_dir):
    add_team(cast.grid_a)
    page.set_viewport_size(PHONE)
    browser_login(cast.street_leader)
    page.goto(f"/areas/{cast.community1.code}/")
    cards = page.locator("#children-cards .child-card")
    expect(cards.first).to_be_visible()
    expect(page.locator("#children-table")).to_be_hidden()
    first = cards.filter(has_text=cast.grid_a.name)
    expect(first).to_contain_text(cast.grid_a.code)
    expect(first).to_contain_text("吴网格长")
    assert_fits_the_screen(page)
    page.screenshot(path=str(artifacts_dir / "area-children-phone.png"), full_page=True)
    first.click()  # the whole card is the link
    page.wait_for_url(f"**/areas/{cast.grid_a.code}/")

    page.set_viewport_size(DESK)
    page.goto(f"/areas/{cast.community1.code}/")
    expect(page.locator("#children-table")).to_be_visible()
    expect(page.locator("#children-cards")).to_be_hidden()
