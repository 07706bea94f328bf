"""In a real Chromium: the API documentation works offline under the policy, and the token page
works on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from api.models import AccessToken

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Redoc's bundle always draws its maker's logo from their CDN; the page's img-src refuses it, so
# nothing is fetched from outside (docs/api.md). That one refusal is expected; nothing else.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
LISTEN = """
window.wanggeViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.wanggeViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


def _watch(page: Page) -> list[str]:
    found: list[str] = []
    page.add_init_script(LISTEN)
    page.on("pageerror", lambda error: found.append(f"script error: {error}"))
    page.on("request", lambda request: found.append(f"outside request: {request.url}")
            if not request.url.startswith(("http://localhost", "http://127.0.0.1", "blob:", "data:")) else None)
    return found


def test_swagger_ui_and_redoc_render_offline_without_violations(page: Page) -> None:
    found = _watch(page)
    page.goto("/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Wangge API", timeout=15000)
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    found.extend(page.evaluate("window.wanggeViolations"))
    assert found == [], found
    page.goto("/api/v1/redoc/")
    expect(page.get_by_text("Wangge API").first).to_be_visible(timeout=15000)
    expect(page.get_by_text("Cases in the user's scope, newest first").first).to_be_attached()
    page.wait_for_load_state("networkidle")
    found.extend(page.evaluate("window.wanggeViolations"))
    assert sorted(found) == [f"img-src blocked {REDOC_LOGO}", f"outside request: {REDOC_LOGO}"], found


def test_a_grid_worker_creates_sees_once_and_revokes_a_token_on_a_phone(cast, page: Page, browser_login) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    found = _watch(page)
    browser_login(cast.grid_worker_a)
    page.goto("/api/tokens/")
    page.fill("#id_name", "网格大屏")
    page.check("input[value='cases:read']")
    page.click("#token-form button[type=submit]")
    secret = page.locator("#token-secret-value").inner_text()
    token = AccessToken.objects.get()
    assert secret.startswith(f"wg_{token.prefix}_")
    assert token.scopes == ["cases:read"] and token.user == cast.grid_worker_a
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    page.goto("/api/tokens/")
    expect(page.locator("#token-secret")).to_have_count(0)  # shown once only
    expect(page.locator(f"#token-{token.pk}")).to_contain_text("网格大屏")
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator(f"#token-{token.pk} button").click()
    expect(page.locator(f"#token-{token.pk}")).to_contain_text("已撤销")
    token.refresh_from_db()
    assert token.revoked_at is not None
    found.extend(page.evaluate("window.wanggeViolations"))
    assert found == [], found
