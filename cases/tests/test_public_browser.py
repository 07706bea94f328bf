"""The whole journey in a real Chromium: a resident reports on the public page (photo + map pin),
gets the tracking code, the case goes through its life, and the resident rates it by the code.

Screenshots go to the artifacts directory so a person can look at them.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases import transitions as t
from cases.models import Case, Outcome, Rating, Status
from cases.testing import build_case_cast, tiny_photo
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


def _handle(case: Case, cc) -> Case:  # type: ignore[no-untyped-def]
    """The staff side, through the transitions: accept, dispatch, sign, feed back with photos, verify, close."""
    case = t.case_accept(case=case, actor=cc.dispatcher)
    case = t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company, comment="请物业当天清理。")
    case = t.case_sign(case=case, actor=cc.property_handler)
    case = t.case_feedback(case=case, actor=cc.property_handler, comment="楼道杂物已全部清走。",
                           before_photos=[tiny_photo()], after_photos=[tiny_photo()])
    case = t.case_verify(case=case, actor=cc.cast.grid_worker_a, passed=True, comment="现场核查通过。")
    return t.case_close(case=case, actor=cc.dispatcher, outcome=Outcome.RESOLVED, note="已清理完毕。")


def test_a_resident_reports_tracks_and_rates(cast, page, artifacts_dir):
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

    case = _handle(case, cc)
    assert case.status == Status.CLOSED

    # Later, on another visit: the code typed in by hand, in lower case with a space.
    page.context.clear_cookies()
    page.goto("/s/track/")
    page.fill("#id_code", f"{code[:5].lower()} {code[5:].lower()}")
    page.click("#lookup-form button[type=submit]")
    expect(page.locator("#case-status")).to_have_text("已结案")
    timeline = page.locator("#public-timeline")
    for text in ("提交反映", "已受理", "交由百花物业办理。", "楼道杂物已全部清走。", "核查通过。", "已办结", "已解决"):
        expect(timeline).to_contain_text(text)
    expect(timeline.locator("img.wg-thumb")).to_have_count(3)  # the report photo, before and after
    page.screenshot(path=str(artifacts_dir / "cases-public-track-closed.png"), full_page=True)

    page.check("#rate-form input[value=satisfied]")
    page.fill("#id_rate-comment", "处理得很快，谢谢！")
    page.click("#rate-form button[type=submit]")
    expect(page.get_by_role("alert")).to_contain_text("感谢您的评价。")
    expect(page.locator("#my-rating")).to_contain_text("满意")
    page.screenshot(path=str(artifacts_dir / "cases-public-rated.png"), full_page=True)
    case.refresh_from_db()
    assert case.rating == Rating.SATISFIED and case.rating_comment == "处理得很快，谢谢！"
