"""The workbench and the home page on a phone (390×844) in a real Chromium: cases as cards that
read in lines, nothing wider than the screen; the desk keeps its table; the home page's lines
lead to their tabs. Screenshots go to the artifacts directory.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Status
from cases.testing import advance, build_case_cast, report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LONG = "3号楼2单元楼道堆放大量纸箱、旧家具和电动车电池，占用消防通道，居民多次反映无人处理，存在严重火灾隐患。" * 2


def page_width(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_the_workbench_shows_cards_on_a_phone_and_the_table_on_a_desk(cast, page, browser_login, artifacts_dir):  # type: ignore[no-untyped-def]
    cc = build_case_cast(cast)
    late = report(cc, description=LONG, address="百花小区3号楼2单元东侧消防通道入口处（靠近自行车棚）",
                  now=timezone.now() - datetime.timedelta(days=3))
    cases = [late] + [report(cc, description=f"{n}号楼门口电动车乱停放。") for n in range(1, 6)]
    browser_login(cc.dispatcher)
    page.set_viewport_size(PHONE)
    page.goto("/cases/")
    expect(page.locator("#queue-reported")).to_have_attribute("aria-current", "page")
    cards = page.locator("#case-cards [data-card]")
    expect(cards).to_have_count(len(cases))
    expect(page.locator("#case-table")).to_be_hidden()
    card = page.locator(f'[data-card="{late.number}"]')
    expect(card.locator('[data-field="category"]')).to_have_text(late.category.display_name)
    expect(card.locator('[data-field="place"]')).to_contain_text("百花小区3号楼2单元")
    expect(card.locator('[data-field="description"]')).to_contain_text("3号楼2单元楼道堆放大量纸箱")
    expect(card.locator("[data-status]")).to_have_text("待受理")
    expect(card.locator("[data-lamp]")).to_have_attribute("data-lamp", "red")
    expect(card.locator("[data-overdue-days]")).to_contain_text("超期")
    expect(card.locator('[data-field="reported"]')).to_contain_text("网格员上报")
    for index in range(len(cases)):
        box = cards.nth(index).bounding_box()
        assert box and box["height"] < 160, box  # four short lines, not a column of characters
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert page_width(page) <= PHONE["width"]
    page.screenshot(path=str(artifacts_dir / "workbench-phone.png"), full_page=True)

    card.click()  # the whole card is the link
    page.wait_for_url(f"**/cases/{late.number}/")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/cases/")
    expect(page.locator("#case-table")).to_be_visible()
    expect(page.locator("#case-cards")).to_be_hidden()
    expect(page.locator("#case-table tbody tr")).to_have_count(len(cases))
    expect(page.locator(f'#case-table tr[data-case="{late.number}"] [data-overdue-days]')).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "workbench-desk.png"), full_page=True)


def test_the_search_box_finds_a_case_on_a_phone(cast, page, browser_login):  # type: ignore[no-untyped-def]
    cc = build_case_cast(cast)
    wanted = report(cc, description="5号楼东侧路灯不亮。")
    report(cc)
    browser_login(cc.dispatcher)
    page.set_viewport_size(PHONE)
    page.goto("/cases/")
    page.fill("#case-search-q", "路灯")
    page.locator("#case-search").get_by_role("button", name="查询").click()
    expect(page.locator("#case-cards [data-card]")).to_have_count(1)
    expect(page.locator(f'[data-card="{wanted.number}"]')).to_be_visible()
    expect(page.locator("#queue-all")).to_have_attribute("aria-current", "page")
    assert page_width(page) <= PHONE["width"]


def test_the_home_page_lists_the_work_and_leads_to_the_tab(cast, page, browser_login, artifacts_dir):  # type: ignore[no-untyped-def]
    cc = build_case_cast(cast)
    advance(report(cc), Status.PENDING_VERIFY, cc)
    report(cc)
    browser_login(cast.grid_worker_a)
    page.set_viewport_size(PHONE)
    page.goto("/")
    lines = page.locator("#work-list [data-work]")
    expect(lines.first).to_have_attribute("data-work", "cases:to_verify")
    expect(page.locator('[data-work="cases:to_verify"] [data-count]')).to_have_text("1")
    expect(page.locator('[data-work="cases:my_reports"] [data-count]')).to_have_text("2")
    for index in range(lines.count()):
        box = lines.nth(index).bounding_box()
        assert box and box["height"] >= 44 and box["width"] >= PHONE["width"] - 40, box  # a thumb's target
    expect(page.locator("#home-area")).to_be_visible()
    assert page_width(page) <= PHONE["width"]
    page.screenshot(path=str(artifacts_dir / "home-phone.png"), full_page=True)
    page.locator('[data-work="cases:to_verify"]').click()
    page.wait_for_url(re.compile(r"/cases/\?queue=to_verify$"))
    expect(page.locator("#queue-to_verify")).to_have_attribute("aria-current", "page")
    expect(page.locator("#case-cards [data-card]")).to_have_count(1)


def test_a_leader_lands_on_overdue_and_the_street_page_shows_the_case_figures(cast, page, browser_login, artifacts_dir):  # type: ignore[no-untyped-def]
    cc = build_case_cast(cast)
    report(cc, now=timezone.now() - datetime.timedelta(days=3))
    browser_login(cast.street_leader)
    page.set_viewport_size(PHONE)
    page.goto("/")
    expect(page.locator("#work-list [data-work]").first).to_have_attribute("data-work", "cases:overdue")
    expect(page.locator('[data-work="cases:overdue"] [data-count]')).to_have_text("1")
    page.goto("/cases/")
    expect(page.locator("#queue-overdue")).to_have_attribute("aria-current", "page")
    page.goto(f"/areas/{cast.street1.code}/")
    expect(page.locator("#case-figure-open .value")).to_contain_text("1")
    expect(page.locator("#case-figure-overdue .value")).to_contain_text("1")
    expect(page.locator("#case-figure-completion")).to_contain_text("办结 0 ÷ 受理 0")
    assert page_width(page) <= PHONE["width"]
    page.screenshot(path=str(artifacts_dir / "street-page-phone.png"), full_page=True)


def test_a_phone_pages_through_a_long_queue_by_cursor(cast, page, browser_login, artifacts_dir):  # type: ignore[no-untyped-def]
    cc = build_case_cast(cast)
    cases = [report(cc, description=f"{n}号楼门口电动车乱停放。") for n in range(53)]
    browser_login(cc.dispatcher)
    page.set_viewport_size(PHONE)
    page.goto("/cases/?queue=reported")
    cards = page.locator("#case-cards [data-card]")
    expect(cards).to_have_count(50)
    expect(page.locator("#result-count")).to_have_text("共 53 条")
    expect(page.locator("#page-previous")).to_have_count(0)
    following = page.locator("#page-next")
    box = following.bounding_box()
    assert box and box["height"] >= 40 and box["x"] + box["width"] <= PHONE["width"], box  # a thumb's target
    first = set(cards.evaluate_all("cards => cards.map(card => card.dataset.card)"))
    report(cc, description="翻页时新上报的事件。")  # arrives while the first page is read
    following.click()
    expect(cards).to_have_count(4)  # the three left, and the new one (its deadline is the latest)
    second = set(cards.evaluate_all("cards => cards.map(card => card.dataset.card)"))
    assert not first & second and first | second >= {case.number for case in cases}
    expect(page.locator("#page-next")).to_have_count(0)
    assert page_width(page) <= PHONE["width"]
    page.screenshot(path=str(artifacts_dir / "workbench-phone-page-2.png"), full_page=True)
    page.locator("#page-previous").click()
    expect(cards).to_have_count(50)
    assert set(cards.evaluate_all("cards => cards.map(card => card.dataset.card)")) == first
