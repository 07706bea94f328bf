"""The working-day calendar in a real Chromium: an administrator picks a day and, after confirming,
turns the make-up Saturday into a day off; cancelling the confirmation changes nothing.
"""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from cases.holidays import seed_holidays
from cases.models import CalendarDay

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_toggles_a_day_after_confirming(cast, page, browser_login, artifacts_dir):  # type: ignore[no-untyped-def]
    seed_holidays([2026])
    browser_login(cast.district_admin)
    page.goto("/cases/calendar/2026/")
    expect(page.locator("#day-2026-10-10")).to_have_attribute("data-kind", "makeup")

    page.locator("#day-2026-10-10 a").click()
    expect(page.locator("#selected-day")).to_contain_text("2026-10-10")
    expect(page).to_have_url(re.compile(r"/cases/calendar/2026/\?day=2026-10-10$"))

    # Cancelling the confirmation sends nothing.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("#make-day-off")
    page.wait_for_timeout(300)
    assert CalendarDay.objects.get(date=datetime.date(2026, 10, 10)).is_workday

    page.fill("#id_name", "")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#make-day-off")
    expect(page.locator("#calendar-notice")).to_contain_text("已把 2026-10-10 设为放假。")
    expect(page.locator("#day-2026-10-10")).to_have_attribute("data-kind", "rest")
    expect(page.locator("#make-workday")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "cases-calendar-2026.png"), full_page=True)
    assert not CalendarDay.objects.get(date=datetime.date(2026, 10, 10)).is_workday


def test_a_reader_sees_the_year_without_edit_controls(cast, page, browser_login):  # type: ignore[no-untyped-def]
    seed_holidays([2026])
    browser_login(cast.grid_worker_a)
    page.goto("/cases/calendar/2026/")
    expect(page.locator("#day-2026-10-01")).to_have_attribute("data-kind", "holiday")
    expect(page.locator("#day-panel")).to_have_count(0)
    page.click("#next-year")
    expect(page.locator("h1")).to_contain_text("2027")
