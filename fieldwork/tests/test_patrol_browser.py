"""A whole campaign patrol on a phone (390 × 844) in a real Chromium: start, tap a target, answer the
checklist with a photo, report the problem in one tap, finish. Screenshots go to the artifacts directory."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from cases.models import Case
from fieldwork.models import Answer, CheckIn, Patrol
from fieldwork.testing import build_field_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_a_grid_worker_does_a_fire_safety_patrol_on_the_phone(cast, page, browser_login, artifacts_dir):
    fc = build_field_cast(cast)
    today = timezone.localdate()
    fc.fire_campaign.starts_on, fc.fire_campaign.ends_on = today - datetime.timedelta(days=1), today + \
        datetime.timedelta(days=30)
    fc.fire_campaign.save()
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(cast.grid_worker_a)
    page.goto("/fieldwork/")
    campaign = page.locator(f"[data-campaign='{fc.fire_campaign.pk}']")
    expect(campaign).to_contain_text("消防安全专项")
    page.screenshot(path=str(artifacts_dir / "fieldwork-today-phone.png"), full_page=True)
    campaign.get_by_role("button", name="开始巡查").click()

    stop = page.locator("[data-stop^='target-']", has_text="百花小区1号楼")
    expect(stop).to_be_visible()
    box = stop.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 300  # a thumb-sized target
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    stop.click()

    items = page.locator("[data-item]")
    expect(items).to_have_count(6)
    items.nth(0).get_by_label("否", exact=True).check()  # 消防通道不畅通: a problem
    items.nth(1).get_by_label("是", exact=True).check()
    items.nth(2).locator("input").fill("4")
    items.nth(3).get_by_label("完好", exact=True).check()
    items.nth(4).get_by_label("否", exact=True).check()
    items.nth(5).locator("input[type=file]").set_input_files(
        files=[{"name": "stairs.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}])
    page.fill("#id_note", "2单元楼道堆满纸箱")
    page.screenshot(path=str(artifacts_dir / "fieldwork-checkin-phone.png"), full_page=True)
    page.get_by_role("button", name="提交签到").click()

    expect(page.locator(".alert-success")).to_contain_text("已签到：百花小区1号楼")
    problem = page.locator("[data-answer]")
    expect(problem).to_contain_text("消防通道、楼道是否畅通")
    problem.get_by_role("button", name="上报事件").click()
    case = Case.objects.get()
    expect(page.locator(".alert-success")).to_contain_text(f"已上报事件 {case.number}。")
    expect(page.locator("[data-answer]")).to_contain_text(case.number)
    page.screenshot(path=str(artifacts_dir / "fieldwork-patrol-phone.png"), full_page=True)

    page.fill("#finish-note", "1号楼消防通道已上报")
    page.get_by_role("button", name="结束巡查").click()
    expect(page.locator(".alert-success")).to_contain_text("巡查已结束。")
    patrol = Patrol.objects.get()
    assert patrol.finished_at is not None and patrol.note == "1号楼消防通道已上报"
    checkin = CheckIn.objects.get()
    assert checkin.photos.count() == 1 and checkin.note == "2单元楼道堆满纸箱"
    assert Answer.objects.get(is_problem=True).case == case and case.building == fc.building1


def test_the_phone_proposes_the_nearest_building_from_its_position(cast, page, browser_login):
    fc = build_field_cast(cast)
    type(fc.building2).objects.filter(pk=fc.building2.pk).update(lng=113.520, lat=34.740)
    patrol = Patrol.objects.create(plan=fc.double_patrol, window=fc.morning, grid=cast.grid_a,
                                   worker=cast.grid_worker_a, day=timezone.localdate())
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"longitude": 113.5199, "latitude": 34.7399, "accuracy": 10})
    browser_login(cast.grid_worker_a)
    page.goto(f"/fieldwork/patrols/{patrol.pk}/")
    page.get_by_role("button", name="按位置推荐").click()
    proposed = page.locator("#nearest-stops a")
    expect(proposed).to_have_text(["百花小区2号楼"])
    proposed.click()
    expect(page.locator("h1")).to_contain_text("百花小区2号楼")
    assert page.url.endswith("?via=location")
