"""The fieldwork tables on a phone (390 × 844) in a real Chromium: the 民情日志, the 各网格整改进度
and the 巡查考核's 专项巡查进度 and 走访覆盖 are stacks of cards, one line "label value" per column,
no column squeezed to a character or behind a sideways scroll; on a desk they are tables again.

Screenshots go to the artifacts directory so a person can look at them.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.tests.phone_tables import DESK, PHONE, assert_labelled, assert_stacked, assert_table_layout
from fieldwork.diary import diary_add
from fieldwork.models import DiaryTag
from fieldwork.testing import build_field_cast
from fieldwork.tests.test_rectification_browser import sent_rectification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_diary_is_a_stack_of_days_on_a_phone(cast, page, browser_login, artifacts_dir):
    build_field_cast(cast)
    worker = cast.grid_worker_a
    today = timezone.localdate()
    what = "帮王大爷代办高龄补贴\n顺带登记了家里的燃气表"
    diary_add(
        actor=worker,
        grid=cast.grid_a,
        day=today,
        what=what,
        place="社区服务站",
        people="王大爷",
        handling="已提交民政所",
        result="已提交",
        tags=[DiaryTag.NEED],
    )
    diary_add(actor=worker, grid=cast.grid_a, day=today, what="楼道灯不亮", place="百花小区3号楼")
    page.set_viewport_size(PHONE)
    browser_login(worker)
    page.goto(f"/fieldwork/diary/{worker.pk}/{today.year}/{today.month}/")
    rows = page.locator("#diary-table tbody tr")
    expect(rows).to_have_count(2)
    assert_stacked(page, "#diary-table")
    first = rows.filter(has_text="王大爷代办")
    what = first.locator("td").nth(3)
    assert_labelled(what, "事由")
    expect(what).to_contain_text("顺带登记了家里的燃气表")  # the second line stays in the value's column
    assert what.evaluate("cell => cell.getClientRects()[0].height") > 40
    assert_labelled(first.locator("td").nth(4), "处理情况")
    page.screenshot(path=str(artifacts_dir / "fieldwork-diary-phone.png"), full_page=True)

    page.set_viewport_size(DESK)
    assert_table_layout(page, "#diary-table")


def test_the_progress_by_grid_is_a_card_per_grid_on_a_phone(cast, page, browser_login, artifacts_dir):
    sent_rectification(cast)
    page.set_viewport_size(PHONE)
    browser_login(cast.grid_worker_a)
    page.goto("/fieldwork/rectification/")
    expect(page.locator(f"#grid-rectification tr[data-grid='{cast.grid_a.code}']")).to_have_count(1)
    assert_stacked(page, "#grid-rectification")
    row = page.locator(f"#grid-rectification tr[data-grid='{cast.grid_a.code}']")
    assert_labelled(row.locator("td").nth(3), "未完成")
    expect(row.locator("td").nth(3)).to_have_text("2")
    page.screenshot(path=str(artifacts_dir / "fieldwork-rectification-progress-phone.png"), full_page=True)

    page.set_viewport_size(DESK)
    assert_table_layout(page, "#grid-rectification")


def test_the_grid_leaders_compliance_figures_are_cards_on_a_phone(cast, page, browser_login, artifacts_dir):
    fc = build_field_cast(cast)
    page.set_viewport_size(PHONE)
    browser_login(fc.grid_leader)
    page.goto(f"/fieldwork/compliance/{cast.grid_a.code}/")
    expect(page.locator("#campaign-figures tr[data-campaign]")).to_have_count(1)
    for table in ("#campaign-figures", "#visit-coverage"):
        assert_stacked(page, table)
    campaign = page.locator("#campaign-figures tr[data-campaign]")
    expect(campaign.locator("td").first).to_contain_text("消防安全专项")
    assert_labelled(campaign.locator("td").nth(3), "待检查")
    grid = page.locator(f"#visit-coverage tr[data-grid='{cast.grid_a.code}']")
    assert_labelled(grid.locator("td").nth(6), "见面率")
    page.screenshot(path=str(artifacts_dir / "fieldwork-compliance-phone.png"), full_page=True)

    page.set_viewport_size(DESK)
    for table in ("#campaign-figures", "#visit-coverage"):
        assert_table_layout(page, table)
