"""The 物业 handler works through a 整改清单 on a phone (390 × 844) in a real Chromium."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import RoutingRule
from fieldwork.models import PhotoStage
from fieldwork.rectification import rectification_create_from_patrol, rectification_send
from fieldwork.testing import build_field_cast, build_rectify_cast
from fieldwork.tests.test_patrol_browser import jpeg_bytes
from fieldwork.tests.test_rectification import checked

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sent_rectification(cast):  # type: ignore[no-untyped-def]
    """(field cast, rectify cast, list): a patrol's two problems in grid A made into a 整改清单 for
    the property company, due in three days, and sent."""
    fc = build_field_cast(cast)
    rc = build_rectify_cast(fc)
    patrol, _answers = checked(fc, fc.building1, i0="no", i1="no")
    RoutingRule.objects.filter(category__code="facility-damage").update(organisation=rc.property_company)
    rectification = rectification_create_from_patrol(
        patrol=patrol, actor=fc.grid_leader, deadline=timezone.localdate() + datetime.timedelta(days=3)
    ).lists[0]
    rectification_send(rectification=rectification, actor=fc.grid_leader)
    return fc, rc, rectification


def test_the_property_handler_fixes_the_items_on_the_phone(cast, page, browser_login, artifacts_dir):
    _fc, rc, rectification = sent_rectification(cast)
    first, last = list(rectification.items.order_by("position"))

    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(rc.property_handler)
    page.goto("/fieldwork/rectification/")
    card = page.locator(f"[data-rectification='{rectification.pk}']")
    expect(card).to_contain_text("未完成 2")
    card.click()
    expect(page.locator("#rectification-progress")).to_contain_text("已完成 0")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    item = page.locator(f"[data-item='{first.pk}']")
    button = item.get_by_role("button", name="整改完成")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 300
    item.locator("input[type=file]").set_input_files(
        files=[{"name": "after.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    item.locator("textarea").fill("纸箱已清走")
    page.screenshot(path=str(artifacts_dir / "rectification-phone.png"), full_page=True)
    button.click()
    expect(page.locator(".alert-success")).to_contain_text("已标记整改完成")
    expect(page.locator(f"[data-item='{first.pk}']")).to_have_attribute("data-state", "done")
    expect(page.locator(f"[data-item='{first.pk}']")).to_contain_text("纸箱已清走")
    expect(page.locator(f"[data-item='{last.pk}']")).to_have_attribute("data-state", "open")
    expect(page.locator("#rectification-progress")).to_contain_text("已完成 1")
    first.refresh_from_db()
    assert first.done_by == rc.property_handler and first.photos.filter(stage=PhotoStage.AFTER).count() == 1
