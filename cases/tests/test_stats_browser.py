"""The statistics page in a real Chromium: the vega-lite charts draw from the page's own data,
the filter narrows the figures, and a ledger downloads. Screenshots go to the artifacts folder."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from cases.models import Channel, Rating, Status
from cases.tests.stats_factory import make_category, make_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build_rows(cast):
    lamp = make_category("t-lamp", "路灯")
    noise = make_category("t-noise", "噪音扰民")
    for day, category, grid in ((2, lamp, cast.grid_a), (3, noise, cast.grid_b), (9, lamp, cast.grid_b),
                                (16, noise, cast.grid_a), (17, lamp, cast.grid_a)):
        make_row(cast, category, grid=grid, reported=f"2026-03-{day:02d} 09:00", hours=day,
                 rating=Rating.SATISFIED if day % 2 else "")
    make_row(cast, noise, status=Status.HANDLING, channel=Channel.HOTLINE, reported="2026-04-01 10:00")


def test_it_draws_the_charts_and_filters_the_figures(cast, page, browser_login, artifacts_dir):
    build_rows(cast)
    browser_login(cast.street_leader)
    page.goto("/cases/stats/?period=week")

    for kind in ("period", "area", "category"):
        chart = page.locator(f'[data-chart="{kind}"]')
        expect(chart).to_have_attribute("data-state", "ready")
        expect(chart.locator("svg").first).to_be_visible()
    expect(page.locator("#headline")).to_contain_text("受理数")
    page.screenshot(path=str(artifacts_dir / "cases-statistics.png"), full_page=True)

    page.select_option("#id_channel", Channel.HOTLINE)
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#headline .headline-value").first).to_have_text("1")
    assert "channel=hotline" in page.url


def test_it_downloads_the_case_ledger_with_the_filter(cast, page, browser_login, artifacts_dir):
    build_rows(cast)
    browser_login(cast.street_leader)
    page.goto(f"/cases/ledger/?area={cast.grid_b.code}")
    expect(page.locator("#ledger-table tbody tr")).to_have_count(2)

    with page.expect_download() as download_info:
        page.click("#ledger-export")
    path = artifacts_dir / "case-ledger.xlsx"
    download_info.value.save_as(path)

    sheet = load_workbook(path).active
    # A title row, a row naming the filters, the header, then the two cases of grid B.
    assert sheet.max_row == 5
    assert {row[4] for row in sheet.iter_rows(min_row=4, values_only=True)} == {"百花社区第二网格"}
