"""A missed patrol reaches the 网格长's phone: the unread badge, then the message in the inbox
(390 × 844, a real Chromium)."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from cases.models import Notification
from fieldwork.missed import notify_missed_patrols
from fieldwork.testing import at, build_field_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MONDAY = datetime.date(2026, 12, 7)


def test_the_grid_leader_reads_a_missed_patrol_on_the_phone(cast, page, browser_login, artifacts_dir):
    fc = build_field_cast(cast)
    notify_missed_patrols(at(MONDAY, 18), days=1)  # grid A kept neither window of Monday
    message = Notification.objects.get(user=fc.grid_leader, title="漏巡：百花社区第一网格 12-07 下午巡")
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(fc.grid_leader)
    page.goto("/")
    expect(page.locator("#inbox-unread-phone")).to_have_text("2")  # the morning and the afternoon
    page.click("#inbox-link-phone")
    item = page.locator(f"#notification-{message.pk}")
    expect(item).to_contain_text("漏巡：百花社区第一网格 12-07 下午巡")
    assert item.get_attribute("data-unread") == "1"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts_dir / "fieldwork-missed-inbox.png"), full_page=True)
