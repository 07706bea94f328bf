"""Every page works under the Content-Security-Policy: no inline script or style, no eval.

A real Chromium visits the main pages of each audience (staff, residents, the admin) and waits
until their scripts have drawn maps and charts and htmx has loaded its fragments. The browser
reports each refused script, style or image as a ``securitypolicyviolation`` event and a
console error, and an unknown Permissions-Policy feature as a console error too: there must be none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from playwright.sync_api import ConsoleMessage, Page, expect

from accounts.testing import Cast
from cases.models import Case, Channel, Status
from cases.testing import CaseCast, advance, build_case_cast, report
from cases.tests.intake_files import GRID_A_POINT
from cases.tests.stats_factory import make_row
from cases.workflow import REPORTER
from registry.models import Resident
from registry.tests.test_pages import ZHANG_ID, ZHANG_PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any page script, outside the page's policy (Playwright injects it).
LISTEN = """
window.wanggeViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.wanggeViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""


@dataclass
class Complaints:
    """What the browser said on each page: console errors and warnings, policy violations, script errors."""

    found: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.add_init_script(LISTEN)
        page.on("console", lambda message: self.hear(page, message))
        page.on("pageerror", lambda error: self.found.append(f"{page.url}: script error: {error}"))
        page.on("dialog", lambda dialog: dialog.dismiss())

    def hear(self, page: Page, message: ConsoleMessage) -> None:
        # The browser asks every page for /favicon.ico, which Wangge does not have: not a policy matter.
        if message.type in ("error", "warning") and not message.location.get("url", "").endswith("/favicon.ico"):
            self.found.append(f"{page.url}: console {message.type}: {message.text}")

    def collect(self, page: Page) -> None:
        page.wait_for_load_state("networkidle")
        for violation in page.evaluate("window.wanggeViolations || []"):
            self.found.append(f"{page.url}: {violation}")


def visit(page: Page, complaints: Complaints, path: str, ready: str | None = None) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "geolocation=(self)" in response.headers["permissions-policy"]
    if ready:
        expect(page.locator(ready).first).to_be_visible()
    complaints.collect(page)


def staff_cases(cc: CaseCast) -> tuple[Case, Case]:
    """A case with a point on the map, handled to 待核查, and a dispute."""
    x, y = GRID_A_POINT
    located = advance(report(cc, longitude=x, latitude=y), Status.PENDING_VERIFY, cc)
    dispute = report(cc, category="t-dispute", description="楼上漏水引发邻里纠纷。")
    return located, dispute


def statistics_rows(cast: Cast, cc: CaseCast) -> None:
    clutter = cc.category("t-clutter")
    for day, grid in ((2, cast.grid_a), (3, cast.grid_b), (9, cast.grid_b)):
        make_row(cast, clutter, grid=grid, reported=f"2026-03-{day:02d} 09:00", hours=day)


def test_the_staff_pages_keep_to_the_policy(cast, page, browser_login):
    cc = build_case_cast(cast)
    located, dispute = staff_cases(cc)
    statistics_rows(cast, cc)
    resident = Resident(grid=cast.grid_a, name="张三", id_number=ZHANG_ID, phone=ZHANG_PHONE, gender="M")
    resident.save()
    complaints = Complaints()
    complaints.watch(page)

    visit(page, complaints, "/login/")
    browser_login(cast.superuser)
    complaints.collect(page)
    for path, ready in [
        ("/", None),
        (f"/areas/{cast.community1.code}/", "#area-map[data-state=ready]"),
        (f"/areas/{cast.grid_a.code}/", "#area-map[data-state=ready]"),
        (f"/areas/{cast.grid_a.code}/board/", "#board-qr svg"),
        (f"/areas/{cast.grid_a.code}/card/", "#card-page .card-qr svg"),
        ("/areas/import/", None),
        (reverse("cases:workbench"), None),
        (reverse("cases:spot_checks"), None),
        (reverse("cases:case", args=[located.number]), ".case-map[data-state=ready]"),
        (reverse("cases:dispute", args=[dispute.number]), None),
        (reverse("cases:stats"), '[data-chart="category"][data-state=ready]'),
        (reverse("cases:ledger"), None),
        (reverse("cases:inbox"), None),
        (reverse("cases:calendar_current"), None),
        (reverse("registry:search") + "?q=张", None),
        (reverse("registry:resident", args=[resident.pk]), None),
        (reverse("registry:resident_edit", args=[resident.pk]), None),
        (reverse("registry:import"), None),
        (reverse("registry:coverage", args=[cast.grid_a.code]), None),
        (reverse("audit:changelog"), None),
        ("/admin/", None),
        ("/admin/areas/area/", None),
        (f"/admin/areas/area/{cast.grid_a.pk}/change/", None),
    ]:
        visit(page, complaints, path, ready)

    # Scripts that run on a click: a dialog of the case page, a day of the calendar (htmx).
    visit(page, complaints, reverse("cases:case", args=[located.number]), ".case-map[data-state=ready]")
    page.locator("#do-verify").click()
    expect(page.locator("#action-verify")).to_be_visible()
    complaints.collect(page)
    visit(page, complaints, reverse("cases:calendar_current"))
    page.locator(".wg-month td a").first.click()
    expect(page.locator("#day-form")).to_be_visible()
    complaints.collect(page)

    assert complaints.found == []


def test_the_report_form_keeps_to_the_policy(cast, page, browser_login):
    build_case_cast(cast)
    complaints = Complaints()
    complaints.watch(page)
    browser_login(cast.grid_worker_a)

    visit(page, complaints, reverse("cases:report"), "#report-map[data-state=ready]")
    page.locator("#report-map").click()
    expect(page.locator("#report-map .leaflet-marker-icon")).to_be_visible()
    complaints.collect(page)

    assert complaints.found == []


def test_the_public_pages_keep_to_the_policy(cast, page):
    cc = build_case_cast(cast)
    x, y = GRID_A_POINT
    case = report(cc, actor=REPORTER, channel=Channel.RESIDENT, longitude=x, latitude=y, reporter_name="刘女士",
                  reporter_phone="13900001234")
    complaints = Complaints()
    complaints.watch(page)

    visit(page, complaints, reverse("public_cases:report"), "#report-map[data-state=ready]")
    visit(page, complaints, reverse("public_cases:track_lookup"))
    visit(page, complaints, reverse("public_cases:track", args=[case.tracking_code]))
    visit(page, complaints, f"/g/{cast.grid_a.code}/")

    assert complaints.found == []
