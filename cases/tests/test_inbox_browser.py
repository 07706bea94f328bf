"""The inbox in a real Chromium: notifications from real actions, marked read in place, opened.

Screenshots go to the artifacts directory so a person can look at them.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.models import Notification
from cases.notifications import TITLES, title_values
from cases.supervision import ladder, run_supervision
from cases.testing import build_case_cast, report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_grid_leader_reads_and_opens_notifications(cast, page, browser_login, artifacts_dir):
    cc = build_case_cast(cast)
    first = report(cc)  # committed at once here, so the grid leader is told straight away
    second = report(cc, description="5号楼东侧路灯不亮。")
    assert second.stage_due_at
    run_supervision(now=second.stage_due_at)  # both overdue: one more message each
    assert Notification.objects.filter(user=cc.grid_leader).count() == 4

    browser_login(cc.grid_leader)
    page.goto("/cases/inbox/")
    expect(page.locator("#inbox-unread")).to_have_text("4")
    unread = page.locator("#inbox-list li.wg-unread")
    expect(unread).to_have_count(4)
    highest = [rung for rung in ladder() if rung.percent <= 100][-1].kind  # 催办 with the default ladder
    expect(page.locator("#inbox-list")).to_contain_text(str(TITLES[highest]) % title_values(second))
    page.screenshot(path=str(artifacts_dir / "inbox.png"), full_page=True)

    unread.first.get_by_role("button", name="标为已读").click()
    expect(page.locator("#inbox-unread")).to_have_text("3")
    expect(page.locator("#inbox-unread-count")).to_contain_text("3 条未读")
    expect(page.locator("#inbox-list li.wg-unread")).to_have_count(3)
    assert page.url.endswith("/cases/inbox/")  # swapped in place

    page.locator("#inbox-list li.wg-unread").filter(has_text=f"新事件待受理：{first.number}").get_by_role(
        "button", name=f"新事件待受理：{first.number}").click()
    page.wait_for_url(f"**/cases/{first.number}/")
    expect(page.locator("#inbox-unread")).to_have_text("2")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/cases/inbox/")
    # On a phone the menu is folded away, but the count stays in sight next to the toggler.
    expect(page.locator("#inbox-unread-phone")).to_be_visible()
    expect(page.locator("#inbox-unread-phone")).to_have_text("2")
    page.get_by_role("button", name="全部标为已读").click()
    expect(page.locator("#inbox-list li.wg-unread")).to_have_count(0)
    expect(page.locator("#inbox-unread")).to_have_count(0)
    expect(page.locator("#inbox-unread-phone")).to_have_text("")
    page.screenshot(path=str(artifacts_dir / "inbox-phone.png"), full_page=True)
