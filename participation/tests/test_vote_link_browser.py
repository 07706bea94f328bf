"""On a phone (390×844) in Chromium: a worker prints a building's QR slips; a household opens its
link, confirms its phone with the texted code, votes, sees the confirmation and changes its vote."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
from playwright.sync_api import expect

from cases import sms
from participation import ballots
from participation.models import ThresholdRule, Vote, VoteChange, VoteLink

from .conftest import make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _fits(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    box = page.locator(selector).bounding_box()
    assert box is not None and box["width"] <= PHONE["width"] and box["height"] >= 40  # a thumb's target


def test_a_household_votes_by_link(cast, page, browser_login, artifacts_dir, settings):
    settings.CASES_SMS_BACKEND = "cases.sms.MemorySMSBackend"
    sms.outbox.clear()
    world = make_world(cast)
    world.grandma.phone = "13800138000"
    world.grandma.save()
    ballot = ballots.ballot_open(actor=world.reviewer, area=cast.community1, question="3号楼安装电动车充电桩",
                                 buildings=[world.building], rule=ThresholdRule.SHARE, share=Fraction(2, 3))
    page.set_viewport_size(PHONE)
    page.on("dialog", lambda dialog: dialog.accept())
    browser_login(cast.grid_worker_a)
    page.goto(f"/participation/ballots/{ballot.pk}/")
    page.click("#links-link")
    page.locator("#id_building").select_option(str(world.building.pk))
    page.click("#links-submit")
    expect(page.locator(".vote-slip")).to_have_count(4)
    slip = page.locator(f'.vote-slip[data-unit="h{world.households[0].pk}"]')
    assert slip.locator("svg").count() == 1
    url = slip.locator(".vote-slip-url").inner_text()
    assert VoteLink.objects.count() == 4

    page.context.clear_cookies()  # the household's own phone: no account
    page.goto(url)
    expect(page.locator("#link-question")).to_have_text("3号楼安装电动车充电桩")
    page.fill("#id_phone", "138 0013 8000")
    _fits(page, "#link-phone-submit")
    page.click("#link-phone-submit")
    expect(page.locator("#link-code-sent")).to_be_visible()
    assert "13800138000" not in page.content()  # the number is never shown
    code = re.search(r"\d{6}", sms.outbox[-1].message)
    assert code and sms.outbox[-1].phone == "13800138000"
    page.fill("#id_code", code.group(0))
    page.click("#link-code-submit")
    page.locator("#field-choice label", has_text="同意").click()
    _fits(page, "#link-vote-submit")
    page.click("#link-vote-submit")
    expect(page.locator("#link-voted")).to_contain_text("已记录本户的意见：同意")
    page.screenshot(path=str(artifacts_dir / "vote-link-phone.png"), full_page=True)
    vote = Vote.objects.get(ballot=ballot)
    assert (vote.household_id, vote.choice, vote.channel) == (world.households[0].pk, "agree", "link")

    page.click("#link-change")
    expect(page.locator("#link-current")).to_contain_text("同意")
    page.locator("#field-choice label", has_text="反对").click()
    page.click("#link-vote-submit")
    expect(page.locator("#link-voted")).to_contain_text("已记录本户的意见：反对")
    assert Vote.objects.get(ballot=ballot).choice == "against"
    assert list(VoteChange.objects.values_list("previous_choice", "choice", "channel")) == [
        ("", "agree", "link"), ("agree", "against", "link")]
    sms.outbox.clear()
