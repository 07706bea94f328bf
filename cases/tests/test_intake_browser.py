"""The staff report page in a real Chromium, on a phone: "use my location", a registry link,
and 当场解决 with an after-photo. Screenshots go to the artifacts directory."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.models import AttachmentKind, Case, Status
from cases.testing import build_case_cast
from cases.tests.intake_files import GRID_A_POINT, jpeg_bytes
from registry.models import Building

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_grid_worker_reports_a_problem_solved_on_the_spot(cast, page, browser_login, artifacts_dir):
    build_case_cast(cast)
    building = Building.objects.create(grid=cast.grid_a, estate="百花小区", name="3号楼", address="百花路3号",
                                       floors=6)
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"longitude": GRID_A_POINT[0], "latitude": GRID_A_POINT[1], "accuracy": 10})
    browser_login(cast.grid_worker_a)
    page.goto("/cases/report/")
    page.select_option("#id_category", label="楼道堆物")
    page.fill("#id_description", "3号楼2单元楼道堆放杂物。")
    page.set_input_files("#id_photos", files=[{"name": "before.jpg", "mimeType": "image/jpeg",
                                                "buffer": jpeg_bytes()}])
    expect(page.locator("#report-map")).to_have_attribute("data-state", "ready")
    page.click("#locate-me")
    expect(page.locator("#location-status")).to_contain_text("位于 百花社区 · 百花社区第一网格")
    assert float(page.input_value("#id_longitude")) == pytest.approx(GRID_A_POINT[0])
    assert page.input_value("#id_system") == "WGS84"

    page.fill("#link-search", "3号楼")
    page.locator("#link-results [data-link-kind=building]").click()
    expect(page.locator("#link-chips")).to_contain_text("楼栋：百花小区3号楼")

    expect(page.locator("#resolved-details")).to_be_hidden()
    page.check("#id_resolved")
    page.fill("#id_note", "已联系住户当场清走。")
    page.set_input_files("#id_after_photos", files=[{"name": "after.jpg", "mimeType": "image/jpeg",
                                                      "buffer": jpeg_bytes(gps=None)}])
    page.screenshot(path=str(artifacts_dir / "cases-report-resolved.png"), full_page=True)
    page.click("#report-submit")
    page.wait_for_url(lambda url: "/cases/report/" not in url)
    case = Case.objects.get()
    assert case.status == Status.PENDING_VERIFY and case.building == building and case.grid == cast.grid_a
    assert sorted(case.attachments.values_list("kind", flat=True)) == [AttachmentKind.AFTER, AttachmentKind.REPORT]
    page.screenshot(path=str(artifacts_dir / "cases-report-after.png"), full_page=True)


def test_the_form_keeps_the_pin_and_shows_errors_next_to_the_fields(cast, page, browser_login, artifacts_dir):
    build_case_cast(cast)
    browser_login(cast.grid_worker_a)
    page.goto("/cases/report/")
    expect(page.locator("#report-map")).to_have_attribute("data-state", "ready")
    x, y = page.evaluate(
        "([lat, lng]) => { const p = window.wanggeReportMap.latLngToContainerPoint([lat, lng]); return [p.x, p.y]; }",
        [GRID_A_POINT[1], GRID_A_POINT[0]],
    )
    page.locator("#report-map").click(position={"x": x, "y": y})
    page.click("#report-submit")
    expect(page.locator("#field-category")).to_contain_text("事件类别：请填写事件类别。")
    expect(page.locator("#field-description")).to_contain_text("问题描述：请填写问题描述。")
    expect(page.locator("#report-map .leaflet-marker-icon")).to_have_count(1)
    assert page.input_value("#id_longitude") != ""
    page.screenshot(path=str(artifacts_dir / "cases-report-errors.png"), full_page=True)
    assert not Case.objects.exists()
