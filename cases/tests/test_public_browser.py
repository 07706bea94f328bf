"""The whole journey in a real Chromium: a resident reports on the public page (photo + map pin)
and gets the tracking code; the street's dispatcher accepts and dispatches it, the property
company's handler signs and feeds back with a photo, the grid worker verifies, the dispatcher
closes it — each on the case page — and the resident rates it by the code.

Screenshots go to the artifacts directory so a person can look at them.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case, Outcome, Rating, Status
from cases.testing import build_case_cast
from cases.tests.intake_files import GRID_A_POINT, jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _click_map_at(page, lng: float, lat: float) -> None:  # type: ignore[no-untyped-def]
    expect(page.locator("#report-map")).to_have_attribute("data-state", "ready")
    x, y = page.evaluate(
        "([lat, lng]) => { const p = window.wanggeReportMap.latLngToContainerPoint([lat, lng]); return [p.x, p.y]; }",
        [lat, lng],
    )
    page.locator("#report-map").click(position={"x": x, "y": y})


def _staff(page, browser_login, user, number: str):  # type: ignore[no-untyped-def]
    """Log in as ``user`` on a desktop screen and open the case page."""
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_login(user)
    page.goto(f"/cases/{number}/")
    expect(page.locator("h1")).to_contain_text(number)


def _dialog(page, verb: str):  # type: ignore[no-untyped-def]
    page.click(f"#do-{verb}")
    dialog = page.locator(f"#action-{verb}")
    expect(dialog).to_be_visible()
    return dialog


def _confirm(page, dialog, done: str) -> None:  # type: ignore[no-untyped-def]
    dialog.get_by_role("button", name=re.compile("确认")).click()
    expect(page.locator(".alert-success")).to_contain_text(f"“{done}”已完成。")


def _handle_in_the_browser(page, browser_login, case: Case, cc, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """受理 → 派遣 → 签收 → 反馈 (with a photo) → 核查 → 结案, each by its person on the case page."""
    number = str(case.number)
    _staff(page, browser_login, cc.dispatcher, number)
    _confirm(page, _dialog(page, "accept"), "受理")
    dispatch = _dialog(page, "dispatch")
    dispatch.locator("select[name='dispatch-lead']").select_option(str(cc.property_company.pk))
    dispatch.locator("textarea[name='dispatch-comment']").fill("请物业当天清理。")
    _confirm(page, dispatch, "派遣")

    _staff(page, browser_login, cc.property_handler, number)
    page.click("#do-sign")
    expect(page.locator(".alert-success")).to_contain_text("“签收”已完成。")
    feedback = _dialog(page, "feedback")
    feedback.locator("textarea[name='feedback-comment']").fill("楼道杂物已全部清走，3楼住户有意见。")
    expect(feedback).to_contain_text("仅工作人员可见")
    feedback.locator("textarea[name='feedback-reply']").fill("楼道杂物已全部清走。")
    after = tmp_path / "after.jpg"
    after.write_bytes(jpeg_bytes(size=(320, 240)))
    feedback.locator("input[name='feedback-after_photos']").set_input_files(str(after))
    _confirm(page, feedback, "反馈办理结果")

    _staff(page, browser_login, cc.cast.grid_worker_a, number)
    verify = _dialog(page, "verify")
    verify.get_by_label(re.compile("通过：问题已解决")).check()
    verify.locator("textarea[name='verify-comment']").fill("现场核查通过。")
    _confirm(page, verify, "核查")

    _staff(page, browser_login, cc.dispatcher, number)
    page.once("dialog", lambda question: question.accept())  # 确定结案吗？
    close = _dialog(page, "close")
    close.locator("select[name='close-outcome']").select_option(Outcome.RESOLVED)
    close.locator("textarea[name='close-note']").fill("已清理完毕。")
    _confirm(page, close, "结案")
    expect(page.locator("#case-header [data-status]")).to_have_text("已结案")


def test_a_resident_reports_tracks_and_rates(cast, page, browser_login, artifacts_dir, tmp_path):
    cc = build_case_cast(cast)
    page.set_viewport_size(PHONE)
    page.goto("/s/report/")
    expect(page.locator("h1")).to_have_text("随手拍")

    # The category's extra questions come in by htmx.
    page.select_option("#id_category", label="违章搭建")
    expect(page.locator("#id_attr_area")).to_be_visible()
    page.select_option("#id_category", label="楼道堆物")
    expect(page.locator("#id_attr_area")).to_have_count(0)

    page.fill("#id_description", "5号楼1单元楼道堆满纸箱和旧家具，晚上看不清路。")
    page.set_input_files("#id_photos", files=[{"name": "楼道.jpg", "mimeType": "image/jpeg",
                                                "buffer": jpeg_bytes(size=(640, 480))}])
    expect(page.locator("[data-photo-list='id_photos']")).to_have_text("楼道.jpg")
    _click_map_at(page, *GRID_A_POINT)
    expect(page.locator("#location-status")).to_contain_text("位于 百花社区 · 百花社区第一网格")
    page.fill("#id_address", "5号楼1单元")
    page.fill("#id_reporter_name", "王先生")
    page.fill("#id_reporter_phone", "13912345678")
    page.screenshot(path=str(artifacts_dir / "cases-public-report.png"), full_page=True)
    page.click("#report-submit")

    expect(page.locator("#report-done")).to_be_visible()
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{10}", code)
    page.screenshot(path=str(artifacts_dir / "cases-public-done.png"), full_page=True)
    case = Case.objects.get(tracking_code=code)
    assert case.grid == cast.grid_a and case.reporter_phone == "13912345678"
    assert case.longitude == pytest.approx(GRID_A_POINT[0], abs=1e-3)  # a click is a pixel wide
    assert case.attachments.count() == 1

    page.click("#track-link")
    expect(page.locator("#case-status")).to_have_text("待受理")

    _handle_in_the_browser(page, browser_login, case, cc, tmp_path)
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.lead_organisation == cc.property_company

    # Later, on another visit: the code typed in by hand, in lower case with a space.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    page.goto("/s/track/")
    page.fill("#id_code", f"{code[:5].lower()} {code[5:].lower()}")
    page.click("#lookup-form button[type=submit]")
    expect(page.locator("#case-status")).to_have_text("已结案")
    timeline = page.locator("#public-timeline")
    for text in ("提交反映", "已受理", "交由百花物业办理。", "楼道杂物已全部清走。", "核查通过。", "已办结", "已解决"):
        expect(timeline).to_contain_text(text)
    for internal in ("3楼住户有意见", "请物业当天清理。", "现场核查通过。", "已清理完毕。"):
        expect(timeline).not_to_contain_text(internal)
    expect(timeline.locator("img.wg-thumb")).to_have_count(2)  # the report photo and the after photo
    page.screenshot(path=str(artifacts_dir / "cases-public-track-closed.png"), full_page=True)

    page.check("#rate-form input[value=satisfied]")
    page.fill("#id_rate-comment", "处理得很快，谢谢！")
    page.click("#rate-form button[type=submit]")
    expect(page.get_by_role("alert")).to_contain_text("感谢您的评价。")
    expect(page.locator("#my-rating")).to_contain_text("满意")
    page.screenshot(path=str(artifacts_dir / "cases-public-rated.png"), full_page=True)
    case.refresh_from_db()
    assert case.rating == Rating.SATISFIED and case.rating_comment == "处理得很快，谢谢！"
