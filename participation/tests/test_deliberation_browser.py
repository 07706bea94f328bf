"""On a phone (390×844) in Chromium: a resident puts a proposal from the grid's QR page; an invitee
signs in to a meeting with the meeting's QR code, once, and the worker's page shows it."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from areas.templatetags.area_tags import qr_svg
from participation import meetings
from participation.models import Invitation, MeetingKind, Proposal, ProposalSource
from registry.models import HouseholdMember, Relation

from .conftest import make_world, proposal_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _fits(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    box = page.locator(selector).bounding_box()
    assert box is not None and box["width"] <= PHONE["width"] and box["height"] >= 40  # a thumb's target


def test_a_resident_puts_a_proposal_on_a_phone(cast, page, artifacts_dir):
    page.set_viewport_size(PHONE)
    page.goto(f"/g/{cast.grid_a.code}/")
    page.click("#proposal-link")
    page.fill("#id_title", "3号楼旁安装电动车充电桩")
    page.fill("#id_details", "电动车都在楼道里充电，太危险了。")
    page.fill("#id_name", "李先生")
    page.fill("#id_phone", "13800138000")
    _fits(page, "#propose-submit")
    page.click("#propose-submit")
    expect(page.locator("#proposed")).to_contain_text("建议已提交")
    page.screenshot(path=str(artifacts_dir / "deliberation-propose-phone.png"), full_page=True)
    proposal = Proposal.objects.get()
    assert (proposal.title, proposal.source, proposal.area_id) == ("3号楼旁安装电动车充电桩", ProposalSource.RESIDENT,
                                                                   cast.grid_a.pk)


def test_an_invitee_signs_in_by_the_meetings_qr_on_a_phone(cast, page, browser_login, artifacts_dir):
    world = make_world(cast)
    world.grandma.phone = "13800138000"
    world.grandma.save()
    HouseholdMember.objects.create(household=world.households[0], resident=world.grandma, relation=Relation.HEAD)
    meeting = meetings.meeting_open(actor=cast.grid_worker_a, area=cast.grid_a, kind=MeetingKind.RENEWAL,
                                    title="3号楼微更新协商会", place="3号楼前", held_on=datetime.date(2026, 12, 3))
    meetings.meeting_invite(actor=cast.grid_worker_a, meeting=meeting, buildings=[world.building])
    page.set_viewport_size(PHONE)
    browser_login(cast.grid_worker_a)
    page.goto(f"/participation/meetings/{meeting.pk}/")
    url = page.locator("#sign-in-url").inner_text()
    drawn = re.findall(r' d="([^"]+)"', page.locator("#sign-in-qr").inner_html())
    assert drawn and drawn == re.findall(r' d="([^"]+)"', str(qr_svg(url)))  # the QR encodes the sign-in link
    page.context.clear_cookies()  # the invitee's own phone: no account
    page.goto(url)
    page.locator("#id_invitation").select_option(label="王*兰")
    page.fill("#id_phone_last4", "8000")
    _fits(page, "#sign-in-submit")
    page.click("#sign-in-submit")
    expect(page.locator("#signed-in")).to_contain_text("签到成功")
    page.screenshot(path=str(artifacts_dir / "deliberation-sign-in-phone.png"), full_page=True)
    page.goto(url)  # once per invitee: the name is gone from the list, a second sign-in is refused
    expect(page.locator("#id_invitation option")).to_have_count(1)
    page.fill("#id_name", "王秀兰")
    page.fill("#id_phone_last4", "8000")
    page.click("#sign-in-submit")
    expect(page.locator("#sign-in-refused")).to_contain_text("已签到")
    assert Invitation.objects.filter(signed_in_at__isnull=False).count() == 1
    browser_login(cast.grid_worker_a)
    page.goto(f"/participation/meetings/{meeting.pk}/")
    expect(page.locator("#invitations")).to_contain_text("已签到")


def test_the_community_records_a_stage_meeting_on_a_phone(cast, page, browser_login, artifacts_dir):
    world = make_world(cast)
    proposal = proposal_at(world)
    page.set_viewport_size(PHONE)
    browser_login(world.reviewer)
    page.goto(f"/participation/proposals/{proposal.pk}/")
    expect(page.locator("#proposal-state")).to_have_text("网格党支部审议")
    form = page.locator("#action-decide")
    form.locator("#id_place").fill("网格党支部活动室")
    form.locator("#id_minutes").fill("支部审议同意提交党员服务区初议。")
    form.locator("label", has_text="通过").first.click()
    page.screenshot(path=str(artifacts_dir / "deliberation-decide-phone.png"), full_page=True)
    box = form.locator("button[type=submit]").bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    form.locator("button[type=submit]").click()
    expect(page.locator("#proposal-state")).to_have_text("党员服务区初议")
    expect(page.locator(".stage-meeting")).to_contain_text("支部审议同意提交党员服务区初议。")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
