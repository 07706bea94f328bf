"""上报市平台 on a phone: the district dispatcher dispatches to the platform's unit in the case
page's dialog (390×844) while the platform is down, and reads the hand-off panel: state, error."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from api.models import HandoffState, UpstreamHandoff
from api.tests.handoff_helpers import at_district_desk, free_port, make_platform

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_the_district_dispatcher_hands_off_and_sees_the_panel_on_a_phone(cc, page, browser_login, artifacts_dir):  # type: ignore[no-untyped-def]
    desk = make_platform(cc, f"http://127.0.0.1:{free_port()}/open311/v2/")  # nothing listens there
    case = at_district_desk(cc, desk)
    page.set_viewport_size(PHONE)
    browser_login(desk.district_dispatcher)
    page.goto(f"/cases/{case.number}/")
    expect(page.locator("#city-handoff")).to_have_count(0)
    page.on("dialog", lambda question: question.accept())
    page.click("#do-dispatch")
    dialog = page.locator("#action-dispatch")
    dialog.locator("select[name='dispatch-lead']").select_option(str(desk.platform.organisation_id))
    dialog.locator("textarea[name='dispatch-comment']").fill("超出区级职权，上报市平台。")
    dialog.get_by_role("button", name=re.compile("确认")).click()

    panel = page.locator("#city-handoff")
    expect(panel).to_contain_text("上报市平台")
    expect(panel).to_contain_text("市平台")
    expect(panel.locator(".badge")).to_have_text("待发送")
    expect(panel.locator(".last-error")).to_contain_text("Connection refused")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    panel.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "api-city-handoff-panel-phone.png"), full_page=True)
    assert UpstreamHandoff.objects.get(case=case).state == HandoffState.PENDING
