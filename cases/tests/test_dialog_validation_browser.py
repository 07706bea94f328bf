"""The dialogs of the case page check their fields in the page's language: an invalid 延长工作日
shows a Chinese message naming the field, and nothing is sent (static/wangge/validity.js)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case, ExtensionRequest, Status
from cases.testing import advance, build_case_cast, report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def message_of(page, selector: str) -> str:  # type: ignore[no-untyped-def]
    return page.locator(selector).evaluate("field => field.validationMessage")


def test_it_checks_the_extension_dialog_in_chinese(cast, page, browser_login, artifacts_dir):  # type: ignore[no-untyped-def]
    cc = build_case_cast(cast)
    case = advance(report(cc), Status.HANDLING, cc)
    browser_login(cc.property_handler)
    page.goto(f"/cases/{case.number}/")
    page.click("#do-request_extension")
    dialog = page.locator("#action-request_extension")
    expect(dialog).to_be_visible()
    days = "#action-request_extension input[name='request_extension-extra_days']"
    reason = "#action-request_extension textarea[name='request_extension-reason']"
    submit = dialog.get_by_role("button", name=re.compile("确认"))

    page.fill(days, "0")
    submit.click()
    assert message_of(page, days) == "延长工作日不能小于 1。"

    page.fill(days, "45")
    submit.click()
    assert message_of(page, days) == "延长工作日不能大于 30。"

    page.fill(days, "")
    submit.click()
    assert message_of(page, days) == "请填写延长工作日。"

    page.fill(days, "3")
    submit.click()
    assert message_of(page, days) == ""
    assert message_of(page, reason) == "请填写延期理由。"
    page.screenshot(path=str(artifacts_dir / "cases-extension-dialog-invalid.png"), full_page=True)
    expect(dialog).to_be_visible()
    assert not ExtensionRequest.objects.exists()

    page.fill(reason, "材料未到。")
    submit.click()
    expect(page.locator(".alert-success")).to_contain_text("申请延期")
    assert ExtensionRequest.objects.get().extra_days == 3
    assert Case.objects.get(pk=case.pk).status == Status.HANDLING


def test_it_checks_in_english_when_the_page_is_english(cast, page, browser_login, live_server):  # type: ignore[no-untyped-def]
    cc = build_case_cast(cast)
    case = advance(report(cc), Status.HANDLING, cc)
    browser_login(cc.property_handler)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"/cases/{case.number}/")
    page.click("#do-request_extension")
    days = "#action-request_extension input[name='request_extension-extra_days']"
    page.fill(days, "0")
    page.locator("#action-request_extension button[type='submit']").click()

    assert message_of(page, days) == "Extra working days must be at least 1."
