"""On a phone (390×844) in Chromium: a grid worker opens an adopted 楼道公约, collects signatures
door to door through its signature ballot and sees the building's figure grow; the A4 page prints
the text and the figures; a resident reads the convention from the grid's QR page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from participation import conventions
from participation.models import Convention, Vote

from .conftest import make_world
from .test_conventions import adopted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_worker_collects_signatures_on_a_phone(cast, page, browser_login, artifacts_dir):  # type: ignore[no-untyped-def]
    world = make_world(cast)
    convention = adopted(world)
    conventions.convention_publish(actor=world.reviewer, convention=convention)
    conventions.convention_open_signatures(actor=world.reviewer, convention=convention)
    convention = Convention.objects.get(pk=convention.pk)
    page.set_viewport_size(PHONE)
    browser_login(cast.grid_worker_a)
    page.goto(f"/participation/conventions/{convention.pk}/")
    expect(page.locator("#convention-state")).to_have_text("已通过")
    expect(page.locator("#signature-total")).to_have_text("0 / 4 户已签署")
    _no_sideways_scroll(page)
    page.click("#collect-signatures")
    for index in range(2):
        page.locator(f"#unit-h{world.households[index].pk}").click()
        page.locator("label", has_text="同意").click()
        page.fill("#id_signer_name", f"户主{index}")
        page.click("#vote-submit")
        expect(page.locator(f"#unit-h{world.households[index].pk} .door-choice")).to_have_text("同意")
    page.goto(f"/participation/conventions/{convention.pk}/")
    expect(page.locator("#signature-total")).to_have_text("2 / 4 户已签署")
    expect(page.locator(".signature-count")).to_have_text("2 / 4 户")
    page.screenshot(path=str(artifacts_dir / "participation-convention-phone.png"), full_page=True)
    assert Vote.objects.filter(ballot=convention.signature_ballot, choice="agree").count() == 2

    page.goto(f"/participation/conventions/{convention.pk}/print/")
    expect(page.locator("#sheet-text")).to_contain_text("楼道内不堆放杂物")
    expect(page.locator("#sheet-signatures")).to_contain_text("3号楼")
    expect(page.locator("#convention-sheet")).not_to_contain_text("户主0")
    _no_sideways_scroll(page)
    page.screenshot(path=str(artifacts_dir / "participation-convention-print.png"), full_page=True)

    page.goto(f"/g/{cast.grid_a.code}/")
    page.locator("#public-conventions a", has_text="3号楼楼道公约").click()
    expect(page.locator("#public-text")).to_contain_text("电动自行车不进楼道")
    expect(page.locator("#signature-total")).to_have_text("2 / 4 户已签署")
    expect(page.locator("body")).not_to_contain_text("户主1")
    _no_sideways_scroll(page)
