"""On a phone (390 × 844) in a real Chromium: the resident asks to cancel a dispatched case on
the tracking page and the desk decides; the 网格长 spot-checks a self-handled case from the
自办抽查 sample and flags it. Nothing is wider than the screen.

Screenshots go to the artifacts directory so a person can look at them.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases import transitions as t
from cases.models import Case, Channel, Status
from cases.testing import advance, build_case_cast
from cases.workflow import REPORTER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _fits_the_screen(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_resident_asks_to_cancel_and_the_desk_agrees(cast, page, browser_login, artifacts_dir):
    cc = build_case_cast(cast)
    case = t.case_report(actor=REPORTER, category=cc.category("t-clutter"), description="5号楼楼道堆物。",
                         channel=Channel.RESIDENT, grid=cast.grid_a, reporter_phone="13912345678")
    case = advance(case, Status.DISPATCHED, cc)
    page.set_viewport_size(PHONE)
    page.goto(f"/s/track/{case.tracking_code}/")
    expect(page.locator("#cancel-section")).to_have_count(0)
    page.locator("#request-cancel-section summary").click()
    page.fill("#id_request_cancel-reason", "已经自己清理了。")
    page.click("#request-cancel-form button[type=submit]")
    expect(page.get_by_role("alert").first).to_contain_text("撤销申请已提交")
    expect(page.locator("#cancel-requested")).to_be_visible()
    _fits_the_screen(page)
    page.screenshot(path=str(artifacts_dir / "cases-public-cancel-requested.png"), full_page=True)

    page.context.clear_cookies()
    browser_login(cc.dispatcher)
    page.goto(f"/cases/{case.number}/")
    expect(page.locator("#cancel-request")).to_contain_text("已经自己清理了。")
    page.click("#do-decide_cancel")
    dialog = page.locator("#action-decide_cancel")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#pending-cancel")).to_contain_text("已经自己清理了。")
    dialog.get_by_label("同意撤销").check()
    dialog.locator("textarea[name='decide_cancel-reply']").fill("已按您的意见撤销。")
    _fits_the_screen(page)
    dialog.get_by_role("button", name=re.compile("确认")).click()
    expect(page.locator(".alert-success")).to_contain_text("“审批撤销申请”已完成。")
    assert Case.objects.get(pk=case.pk).status == Status.CANCELLED


def test_the_grid_leader_flags_a_case_from_the_sample(cast, page, browser_login, artifacts_dir):
    cc = build_case_cast(cast)
    case = t.case_report_resolved(actor=cast.grid_worker_a, category=cc.category("t-clutter"),
                                  description="楼道堆放纸箱。", note="当场清理。", grid=cast.grid_a)
    t.case_verify(case=case, actor=cc.community_staff, passed=True)
    page.set_viewport_size(PHONE)
    browser_login(cc.grid_leader)
    page.goto("/cases/")
    page.click("#spot-checks-link")
    expect(page.locator("#spot-check-sample")).to_contain_text(str(case.number))
    _fits_the_screen(page)
    page.screenshot(path=str(artifacts_dir / "cases-spot-checks.png"), full_page=True)
    page.locator(f"#spot-check-sample a:has-text('{case.number}')").click()
    page.click("#do-spot_check")
    dialog = page.locator("#action-spot_check")
    expect(dialog).to_be_visible()
    dialog.get_by_label("有问题，标记").check()
    dialog.locator("textarea[name='spot_check-note']").fill("照片不是本楼道。")
    dialog.get_by_role("button", name=re.compile("确认")).click()
    expect(page.locator(".alert-success")).to_contain_text("“抽查”已完成。")
    expect(page.locator("#spot-check")).to_contain_text("抽查有问题")
    _fits_the_screen(page)
    assert Case.objects.get(pk=case.pk).spot_check_flagged is True
