"""On a phone (390×844) in Chromium: a member of the public claims a wish from the grid's QR page;
a grid worker records door-to-door votes and sees the threshold met."""

from __future__ import annotations

from fractions import Fraction

import pytest
from playwright.sync_api import expect

from participation import ballots
from participation.models import ThresholdRule, Vote, Wish, WishState

from .conftest import make_world, published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_member_of_the_public_claims_a_wish_on_a_phone(cast, page, artifacts_dir):
    world = make_world(cast)
    published(world)
    page.set_viewport_size(PHONE)
    page.goto(f"/g/{cast.grid_a.code}/")
    page.click("#wish-wall-link")
    expect(page.locator(".wall-label")).to_have_text("王奶奶，78岁，独居")
    expect(page.locator("#wall")).not_to_contain_text("王秀兰")
    page.click(".claim-link")
    page.fill("#id_name", "李先生")
    page.fill("#id_phone", "13800138000")
    submit = page.locator("#claim-submit")
    box = submit.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"]
    submit.click()
    expect(page.locator("#claimed")).to_contain_text("认领成功")
    page.screenshot(path=str(artifacts_dir / "participation-claim-phone.png"), full_page=True)
    wish = Wish.objects.get()
    assert wish.state == WishState.CLAIMED and wish.claimant_name == "李先生"


def test_a_worker_records_votes_door_to_door_on_a_phone(cast, page, browser_login, artifacts_dir):
    world = make_world(cast)
    ballot = ballots.ballot_open(actor=world.reviewer, area=cast.community1, question="3号楼安装电动车充电桩",
                                 buildings=[world.building], rule=ThresholdRule.SHARE, share=Fraction(2, 3))
    page.set_viewport_size(PHONE)
    browser_login(cast.grid_worker_a)
    page.goto(f"/participation/ballots/{ballot.pk}/")
    expect(page.locator("#result-verdict")).to_have_text("尚未达到通过条件")
    for index in range(3):
        page.locator(f"#unit-h{world.households[index].pk}").click()
        page.locator("label", has_text="同意").click()
        page.fill("#id_signer_name", f"户主{index}")
        page.click("#vote-submit")
        expect(page.locator(f"#unit-h{world.households[index].pk} .door-choice")).to_have_text("同意")
    expect(page.locator("#result-verdict")).to_have_text("已达到通过条件")
    expect(page.locator(".figure-approval_units")).to_contain_text("3 / 4 = 75.00%")
    page.screenshot(path=str(artifacts_dir / "participation-ballot-phone.png"), full_page=True)
    assert Vote.objects.filter(ballot=ballot, choice="agree").count() == 3
