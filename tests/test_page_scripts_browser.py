"""The behaviour that moved out of inline handlers into static/wangge/wangge.js, in a real Chromium:
confirmations before a form is sent, refused htmx answers swapped in with their errors, the
cancel button of the registry forms, and the print button."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases import transitions as t
from cases.models import Channel, Status
from cases.testing import build_case_cast
from cases.workflow import REPORTER
from registry.models import Building

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_resident_is_asked_before_a_report_is_withdrawn(cast, page):
    cc = build_case_cast(cast)
    case = t.case_report(actor=REPORTER, category=cc.category("t-clutter"), description="5号楼楼道堆物。",
                         channel=Channel.RESIDENT, grid=cast.grid_a, reporter_phone="13912345678")
    page.goto(reverse("public_cases:track", args=[case.tracking_code]))
    page.locator("#cancel-section summary").click()
    page.fill("#cancel-form textarea, #cancel-form input[type=text]", "物业已经清理了。")

    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.locator("#cancel-form button[type=submit]").click()
    expect(page.locator("#cancel-form")).to_be_visible()
    assert questions == ["确定撤销这条反映吗？撤销后不再办理。"]
    case.refresh_from_db()
    assert case.status == Status.REPORTED

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#cancel-form button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("您的反映已撤销。")
    case.refresh_from_db()
    assert case.status == Status.CANCELLED


def test_a_refused_calendar_edit_shows_its_error_in_place(cast, page, browser_login):
    browser_login(cast.district_admin)
    page.goto(reverse("cases:calendar", args=[2026]) + "?day=2026-10-12")
    name = page.locator("#id_name")
    name.evaluate("input => input.removeAttribute('maxlength')")  # as if an older form or another client sent it
    name.fill("国" * 61)

    page.locator("#save-name").click()

    expect(page.locator("#day-form .invalid-feedback")).to_have_text("名称最多 60 个字。")
    expect(page).to_have_url(reverse("cases:calendar", args=[2026]) + "?day=2026-10-12", ignore_case=False)


def test_the_cancel_button_of_a_registry_form_goes_back(cast, page, browser_login):
    building = Building.objects.create(grid=cast.grid_a, estate="百花小区", name="1号楼", address="百花路1号", floors=6)
    browser_login(cast.grid_worker_a)
    page.goto(reverse("registry:building", args=[building.pk]))
    page.goto(reverse("registry:building_edit", args=[building.pk]))

    page.get_by_role("button", name="取消").click()

    page.wait_for_url(f"**{reverse('registry:building', args=[building.pk])}")


def test_the_print_button_prints(cast, page, browser_login):
    browser_login(cast.grid_worker_a)
    page.goto(reverse("areas:card", args=[cast.grid_a.code]))
    page.evaluate("window.print = () => { window.wanggePrinted = true; }")

    page.locator(".print-button").click()

    assert page.evaluate("window.wanggePrinted") is True
