"""Without signal on a phone (390 × 844) in a real Chromium: start a patrol, lose the connection, check
in with a photo and record a visit (both kept on the phone and listed as waiting), get the
connection back and see both saved exactly once and the waiting list empty. The same for a case
report (上报事件 with a photo) and one the server refuses, which stays with its reason.

The service worker is registered and controls the pages: with the context offline, the check-in
form and the visit form open from its cache. The queue itself lives in the page's script
(IndexedDB), so it would keep and send the records even without a service worker."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from cases.models import Case, CaseAttachment, Category
from fieldwork.models import CheckIn, FieldPhoto, Patrol, SyncedRecord, Visit
from fieldwork.testing import build_field_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Sending the queue is a real round trip per record through the server (photos re-encoded in a child
# process): on a busy machine it takes longer than Playwright's default 5 s.
SYNC_WAIT = 20_000


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 90)).save(buffer, "JPEG")
    return buffer.getvalue()


def wait_until_ready(page) -> None:  # type: ignore[no-untyped-def]
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "1")


def test_a_check_in_and_a_visit_made_offline_are_synced_once(cast, page, browser_login, artifacts_dir):
    fc = build_field_cast(cast)
    today = timezone.localdate()
    fc.fire_campaign.starts_on, fc.fire_campaign.ends_on = today - datetime.timedelta(days=1), today
    fc.fire_campaign.save()
    last = Visit.objects.create(
        grid=cast.grid_a,
        building=fc.building1,
        resident=fc.alone,
        recorded_by=cast.grid_worker_a,
        visited_at=timezone.now() - datetime.timedelta(days=10),
    )  # due again this week
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(cast.grid_worker_a)
    page.goto("/fieldwork/visits/")  # the visit forms of the people due go into the cache
    wait_until_ready(page)
    page.goto("/fieldwork/")
    wait_until_ready(page)
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    page.locator(f"[data-campaign='{fc.fire_campaign.pk}']").get_by_role("button", name="开始巡查").click()
    expect(page.locator("[data-stop^='target-']", has_text="百花小区1号楼")).to_be_visible()
    wait_until_ready(page)  # the check-in forms of the patrol's targets are cached

    page.context.set_offline(True)
    page.locator("[data-stop^='target-']", has_text="百花小区1号楼").click()
    items = page.locator("[data-item]")
    expect(items).to_have_count(6)
    items.nth(0).get_by_label("否", exact=True).check()
    items.nth(1).get_by_label("是", exact=True).check()
    items.nth(2).locator("input").fill("4")
    items.nth(3).get_by_label("完好", exact=True).check()
    items.nth(4).get_by_label("否", exact=True).check()
    items.nth(5).locator("input[type=file]").set_input_files(
        files=[{"name": "stairs.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    page.fill("#id_note", "地下室楼道堆物")
    page.get_by_role("button", name="提交签到").click()
    queue = page.locator("#offline-queue")
    expect(queue).to_contain_text("没有网络：已保存在手机上，联网后自动发送。")
    expect(queue.locator("[data-offline-record]")).to_have_count(1)
    expect(queue).to_contain_text("签到：百花小区1号楼")

    page.get_by_role("link", name="返回").click()  # the patrol page from the cache: the target is marked
    expect(page.locator("[data-stop^='target-']", has_text="百花小区1号楼")).to_contain_text("等待发送")
    page.goto(f"/fieldwork/visits/new/{fc.alone.pk}/")  # from the service worker's cache
    expect(page.locator("h1")).to_contain_text("王桂娟")
    page.get_by_label("电话").check()
    page.fill("#id_opinions", "希望楼道装扶手")
    page.get_by_role("button", name="保存走访").click()
    waiting = page.locator("#offline-queue [data-offline-record][data-state='waiting']")
    expect(waiting).to_have_count(2)
    expect(page.locator("#offline-queue")).to_contain_text("走访：王桂娟")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts_dir / "fieldwork-offline-queue-phone.png"), full_page=True)
    assert CheckIn.objects.count() == 0 and Visit.objects.count() == 1  # nothing reached the server

    page.context.set_offline(False)  # the online event sends the queue
    expect(page.locator("#offline-queue [data-offline-record]")).to_have_count(0, timeout=SYNC_WAIT)
    expect(page.locator("#offline-status")).to_contain_text("已发送的离线记录：2", timeout=SYNC_WAIT)
    page.reload()  # a page load sends whatever is waiting: nothing is left to send twice
    wait_until_ready(page)
    expect(page.locator("#offline-queue [data-offline-record]")).to_have_count(0)

    checkin = CheckIn.objects.get()
    assert checkin.patrol == Patrol.objects.get() and checkin.label == "百花小区1号楼"
    assert checkin.note == "地下室楼道堆物" and FieldPhoto.objects.filter(checkin=checkin).count() == 1
    visit = Visit.objects.exclude(pk=last.pk).get()
    assert visit.resident == fc.alone and visit.method == "phone" and visit.opinions == "希望楼道装扶手"
    assert SyncedRecord.objects.count() == 2


def test_refused_records_stay_with_their_reason_until_edited_or_discarded(cast, page, browser_login):
    fc = build_field_cast(cast)
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(cast.grid_worker_a)
    page.goto(f"/fieldwork/visits/new/{fc.alone.pk}/")
    wait_until_ready(page)
    page.context.set_offline(True)
    for count, opinions in enumerate(("第一次", "第二次"), start=1):  # nobody met, no date to come back: refused
        page.get_by_label("未见到（没敲开门）").check()
        page.fill("#id_opinions", opinions)
        page.get_by_role("button", name="保存走访").click()
        # As a worker would: the next visit is entered once the form, kept, has emptied itself.
        expect(page.locator("#offline-queue [data-offline-record]")).to_have_count(count)
    page.context.set_offline(False)
    refused = page.locator("#offline-queue [data-offline-record][data-state='refused']")
    expect(refused).to_have_count(2, timeout=SYNC_WAIT)  # each record's answer comes back in turn
    expect(refused.first).to_contain_text("被退回：再次走访日期：未见到本人时请填写再次走访日期。")
    page.reload()
    wait_until_ready(page)
    expect(refused).to_have_count(2)  # kept on the phone until the worker decides

    page.on("dialog", lambda dialog: dialog.accept())
    refused.first.get_by_role("button", name="删除").click()
    expect(refused).to_have_count(1)
    refused.first.get_by_role("link", name="修改").click()
    expect(page.locator("#offline-status")).to_contain_text("正在修改一条被退回的离线记录")
    expect(page.locator("#id_opinions")).to_have_value("第二次")
    page.fill("#id_retry_on", (timezone.localdate() + datetime.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="保存走访").click()
    expect(page.locator("#offline-queue [data-offline-record]")).to_have_count(0, timeout=SYNC_WAIT)
    visit = Visit.objects.get()
    assert visit.opinions == "第二次" and visit.met is False and visit.retry_on is not None
    assert SyncedRecord.objects.count() == 1


def test_a_case_report_made_offline_is_sent_once_and_a_refused_one_says_why(cast, page, browser_login, artifacts_dir):
    build_field_cast(cast)
    clutter = Category.objects.get(code="stairwell-clutter")
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(cast.grid_worker_a)
    page.goto("/fieldwork/report/")  # opened once with signal: the page and its scripts are cached
    wait_until_ready(page)
    page.goto("/fieldwork/")  # the today page links the report form for the cache
    wait_until_ready(page)
    assert page.evaluate("navigator.serviceWorker.controller !== null")

    page.context.set_offline(True)
    page.locator("#report-case").click()  # from the service worker's cache
    form = page.locator("#report-form[data-offline='case']")
    expect(form).to_be_visible()
    queued = page.locator("#offline-queue [data-offline-record]")
    page.select_option("#id_category", str(clutter.pk))
    page.fill("#id_description", "地下室楼道堆放纸箱，堵住通道")
    page.select_option("#id_grid", str(cast.grid_a.pk))
    page.fill("#id_address", "1号楼地下室")
    page.set_input_files("#id_photos", files=[{"name": "boxes.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}])
    page.get_by_role("button", name="提交上报").click()
    expect(page.locator("#offline-queue")).to_contain_text("没有网络：已保存在手机上，联网后自动发送。")
    # As a worker would: the next report is entered once the form, kept, has emptied itself.
    expect(queued).to_have_count(1)
    expect(page.locator("#id_description")).to_have_value("")
    expect(page.locator("[data-photo-list='id_photos']")).to_have_text("")
    page.select_option("#id_category", str(clutter.pk))  # no description: the server will refuse it
    page.select_option("#id_grid", str(cast.grid_a.pk))
    page.get_by_role("button", name="提交上报").click()
    expect(queued).to_have_count(2)
    expect(page.locator("#offline-queue [data-state='waiting']")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts_dir / "fieldwork-offline-case-report-phone.png"), full_page=True)
    assert Case.objects.count() == 0  # nothing reached the server

    page.context.set_offline(False)  # the online event sends the queue
    refused = page.locator("#offline-queue [data-offline-record][data-state='refused']")
    expect(refused).to_have_count(1, timeout=SYNC_WAIT)
    expect(queued).to_have_count(1, timeout=SYNC_WAIT)
    expect(refused).to_contain_text("被退回：问题描述：请填写问题描述。")
    page.reload()  # a page load sends whatever is waiting: nothing is sent twice
    wait_until_ready(page)
    expect(refused).to_have_count(1)

    case = Case.objects.get()
    assert case.category == clutter and case.description == "地下室楼道堆放纸箱，堵住通道"
    assert case.grid == cast.grid_a and case.reporter == cast.grid_worker_a and case.address == "1号楼地下室"
    assert CaseAttachment.objects.filter(case=case).count() == 1
    assert SyncedRecord.objects.get().object_id == case.pk
