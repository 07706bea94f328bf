"""The case page on a phone (390 × 844) in a real Chromium: 办理时限 and 派遣记录 are stacks of
cards, one line "label value" per column, nothing past the card's edge or behind a sideways
scroll; on a desk they are tables again.

Screenshots go to the artifacts directory so a person can look at them.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.models import Status
from cases.testing import advance, build_case_cast, report
from core.tests.phone_tables import DESK, PHONE, assert_labelled, assert_stacked, assert_table_layout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLES = ("#deadlines table", "#assignments table")


def test_it_stacks_the_deadlines_and_the_units_on_a_phone(cast, page, browser_login, artifacts_dir):
    cc = build_case_cast(cast)
    case = advance(report(cc), Status.HANDLING, cc)  # a lead (signed) and an assisting unit
    page.set_viewport_size(PHONE)
    browser_login(cc.property_handler)
    page.goto(f"/cases/{case.number}/")
    expect(page.locator("#assignments tbody tr[data-assignment]")).to_have_count(2)
    for table in TABLES:
        assert_stacked(page, table)

    signed = page.locator("#assignments tr.assignment-lead td[data-label='签收时间']")
    expect(signed).to_have_text(re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} · "))
    assert_labelled(signed, "签收时间")
    assert_labelled(page.locator("#assignments tr.assignment-assist td").first, "单位")
    running = page.locator("#deadlines tr.table-active")
    expect(running).to_have_count(1)
    assert_labelled(running.locator("th"), "阶段")
    assert running.evaluate("row => parseFloat(getComputedStyle(row).borderLeftWidth)") > 0  # its bar
    page.screenshot(path=str(artifacts_dir / "cases-casepage-phone-tables.png"), full_page=True)

    page.set_viewport_size(DESK)
    for table in TABLES:
        assert_table_layout(page, table)
