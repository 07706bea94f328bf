"""The case's journey in a real Chromium, through the workbench and the case page's dialogs:
a dispatcher dispatches (from the case page, and in bulk from the workbench), the handler signs
and feeds back with a photo, the grid worker verifies, the dispatcher closes.

Screenshots go to the artifacts directory so a person can look at them.
"""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from cases.models import AttachmentKind, Case, Status
from cases.testing import advance, build_case_cast, report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def photo_file(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "after.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (40, 140, 60)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def switch_user(page, browser_login, user):  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    return browser_login(user)


def open_case_from_queue(page, queue_label: str, number: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/cases/")
    page.locator("#queues").get_by_role("link", name=re.compile(queue_label)).click()
    page.locator("#case-table").get_by_role("link", name=number).click()
    expect(page.locator("h1")).to_contain_text(number)


def test_it_takes_a_case_from_dispatch_to_closure(cast, page, browser_login, artifacts_dir, tmp_path):  # type: ignore[no-untyped-def]
    cc = build_case_cast(cast)
    case = advance(report(cc, longitude=113.51, latitude=34.72), Status.PENDING_DISPATCH, cc)
    other = advance(report(cc, description="5号楼门口电动车乱停放。"), Status.PENDING_DISPATCH, cc)

    # The dispatcher dispatches one case from its page...
    browser_login(cc.dispatcher)
    open_case_from_queue(page, "待派遣", case.number)
    expect(page.locator("#case-map")).to_have_attribute("data-state", "ready")
    page.click("#do-dispatch")
    dialog = page.locator("#action-dispatch")
    expect(dialog).to_be_visible()
    dialog.locator("select[name='dispatch-lead']").select_option(str(cc.property_company.pk))
    dialog.get_by_label(re.compile("林山寨综合执法中队")).check()
    dialog.locator("textarea[name='dispatch-comment']").fill("请两日内清理楼道。")
    page.screenshot(path=str(artifacts_dir / "cases-dispatch-dialog.png"), full_page=True)
    dialog.get_by_role("button", name=re.compile("确认")).click()
    expect(page.locator(".alert-success")).to_contain_text("“派遣”已完成。")
    expect(page.locator("#case-header [data-status]")).to_have_text("待签收")

    # ... and the other in bulk from the workbench.
    page.goto("/cases/?queue=pending_dispatch")
    expect(page.locator("#bulk-dispatch-open")).to_be_disabled()
    page.locator(f"input[name='bulk-cases'][value='{other.pk}']").check()
    expect(page.locator("#bulk-selected-count")).to_have_text("1")
    page.click("#bulk-dispatch-open")
    bulk = page.locator("#bulk-dispatch")
    expect(bulk).to_be_visible()
    bulk.locator("select[name='bulk-lead']").select_option(str(cc.enforcement.pk))
    page.screenshot(path=str(artifacts_dir / "cases-bulk-dispatch.png"), full_page=True)
    bulk.get_by_role("button", name="确认派遣").click()
    expect(page.locator(".alert-success")).to_contain_text(f"已派遣 1 件事件：{other.number}")
    assert Case.objects.get(pk=other.pk).lead_organisation == cc.enforcement

    # The property company's handler signs and feeds back with a photo.
    switch_user(page, browser_login, cc.property_handler)
    open_case_from_queue(page, "待签收", case.number)
    page.click("#do-sign")
    expect(page.locator(".alert-success")).to_contain_text("“签收”已完成。")
    page.click("#do-feedback")
    feedback = page.locator("#action-feedback")
    expect(feedback).to_be_visible()
    feedback.locator("textarea[name='feedback-comment']").fill("楼道杂物已全部清理。")
    feedback.locator("input[name='feedback-after_photos']").set_input_files(str(photo_file(tmp_path)))
    feedback.get_by_role("button", name=re.compile("确认")).click()
    expect(page.locator(".alert-success")).to_contain_text("“反馈办理结果”已完成。")
    expect(page.locator("#case-header [data-status]")).to_have_text("待核查")
    expect(page.locator("#timeline .case-photo")).to_have_count(1)
    assert Case.objects.get(pk=case.pk).attachments.filter(kind=AttachmentKind.AFTER).count() == 1

    # The grid worker verifies on the spot.
    switch_user(page, browser_login, cc.cast.grid_worker_a)
    open_case_from_queue(page, "待核查", case.number)
    page.click("#do-verify")
    verify = page.locator("#action-verify")
    verify.get_by_label(re.compile("通过：问题已解决")).check()
    verify.locator("textarea[name='verify-comment']").fill("现场已清理干净。")
    verify.get_by_role("button", name=re.compile("确认")).click()
    expect(page.locator("#case-header [data-status]")).to_have_text("待结案")

    # The dispatcher closes, confirming the dialog; a first attempt without a note is sent back.
    switch_user(page, browser_login, cc.dispatcher)
    page.goto(f"/cases/{case.number}/")
    page.on("dialog", lambda question: question.accept())
    page.click("#do-close")
    close = page.locator("#action-close")
    close.locator("select[name='close-outcome']").select_option("resolved")
    close.locator("textarea[name='close-note']").evaluate("element => element.removeAttribute('required')")
    close.get_by_role("button", name=re.compile("确认")).click()
    expect(page.locator("#action-close")).to_be_visible()  # the form opens again with its error
    expect(page.locator("#action-close")).to_contain_text("请填写结案说明。")
    page.locator("#action-close textarea[name='close-note']").fill("已解决，反映人认可。")
    page.locator("#action-close").get_by_role("button", name=re.compile("确认")).click()
    expect(page.locator("#case-header [data-status]")).to_have_text("已结案")
    expect(page.locator("#case-outcome")).to_contain_text("已解决")
    page.screenshot(path=str(artifacts_dir / "cases-case-page-closed.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts_dir / "cases-case-page-phone.png"), full_page=True)


def test_it_keeps_a_case_when_the_confirm_dialog_is_dismissed(cast, page, browser_login):  # type: ignore[no-untyped-def]
    cc = build_case_cast(cast)
    case = report(cc)
    browser_login(cc.dispatcher)
    page.goto(f"/cases/{case.number}/")
    page.click("#do-reject")
    page.locator("#action-reject textarea[name='reject-reason']").fill("不属于受理范围。")
    page.once("dialog", lambda question: question.dismiss())
    page.locator("#action-reject").get_by_role("button", name=re.compile("确认")).click()
    expect(page.locator("#action-reject")).to_be_visible()
    assert Case.objects.get(pk=case.pk).status == Status.REPORTED


def test_the_dispatch_dialogs_unit_boxes_are_easy_to_tap_on_a_phone(cast, page, browser_login, artifacts_dir):  # type: ignore[no-untyped-def]
    cc = build_case_cast(cast)
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(cc.dispatcher)
    page.goto(f"/cases/{case.number}/")
    page.click("#do-dispatch")
    dialog = page.locator("#action-dispatch")
    expect(dialog).to_be_visible()
    options = dialog.locator("#id_dispatch-assists label")
    assert options.count() >= 2
    for index in range(options.count()):
        row = options.nth(index).bounding_box()
        box = options.nth(index).locator("input").bounding_box()
        assert row is not None and box is not None
        assert row["height"] >= 44 and row["width"] >= 300, row  # a full-width row a thumb can hit
        assert box["width"] >= 19.5 and box["height"] >= 19.5, box  # 1.25rem, give or take a subpixel
    expect(dialog).to_have_css("opacity", "1")  # faded in
    page.screenshot(path=str(artifacts_dir / "cases-dispatch-dialog-phone.png"))
    # Tapping the row well right of the box (on the unit's name) ticks the box.
    options.filter(has_text="林山寨综合执法中队").click(position={"x": 200, "y": 20})
    expect(dialog.get_by_label(re.compile("林山寨综合执法中队"))).to_be_checked()
