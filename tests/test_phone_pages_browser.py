"""Every page a phone user opens, at 390 × 844 in a real Chromium: nothing behind a sideways scroll.

The pages are the scope matrix's (``tests/test_scope_matrix.py``): each GET pattern that answers
an HTML page to the role for grid A's objects, as the grid worker, the 网格长, the 楼栋长, the
handlers of the property company and of a department, and an anonymous resident. A page passes when the document is no
wider than the screen and no scrolling box (a ``.table-responsive``) hides content past its
right edge. The pages that are desk work by design are in ``DESK``, each with its reason.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accounts.testing import PASSWORD
from core.tests.phone_tables import PHONE
from tests.test_scope_matrix import KWARGS, ROUTES, TABLE, expected
from tests.world import build_world

# PostgreSQL only: on SQLite the live server's threads share one in-memory connection, and the
# panels a page loads side by side (an area's figures and coverage) deadlock on it.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]

PHONE_ROLES = ("anonymous", "grid_worker", "grid_leader", "building_head", "property_handler", "department_handler")
DESK = {
    "cases:stats": "statistics: a figures table per dimension, read on a desk (it scrolls in its card)",
    "cases:ledger": "台账: the register's columns as the office files them, read on a desk",
    "cases:dispute_ledger": "矛盾纠纷台账: the same",
    "api:schema": "the OpenAPI schema, for programs",
    "api:swagger": "Swagger UI, the API's reader for developers",
    "api:redoc": "Redoc, the same",
    "areas:board": "公示牌: an A4 sheet to print and hang up (794 px)",
    "areas:card": "网格服务卡: an A4 sheet of cards to print (794 px)",
}

# What a phone cannot see: the page wider than the screen, or a scrolling box (its id or its
# table's) whose content runs past its right edge, and by how many pixels.
HIDDEN = """() => {
  const found = [];
  const page = document.documentElement.scrollWidth;
  if (page > window.innerWidth + 1) found.push(`the page is ${page} px wide`);
  for (const box of document.querySelectorAll('body *')) {
    const style = getComputedStyle(box);
    if (!['auto', 'scroll'].includes(style.overflowX) || box.offsetParent === null) continue;
    const over = box.scrollWidth - box.clientWidth;
    if (over > 2) {
      const named = box.id || (box.querySelector('[id]') || box.closest('[id]') || {}).id || box.className;
      found.push(`${named}: ${over} px past its edge`);
    }
  }
  return found;
}"""


def _paths(world: Any) -> dict[str, str]:
    """The path of each GET pattern for grid A's objects (each kind of object made once: the
    matrix's factories make a new one on every call)."""
    site, made = world.sites["in"], {}
    paths = {}
    for name, entry in sorted(TABLE.items()):
        if entry.method != "get" or name in DESK or name not in ROUTES:
            continue
        if entry.kind and entry.kind not in made:
            made[entry.kind] = KWARGS[entry.kind](site)
        paths[name] = reverse(name, kwargs=made[entry.kind] if entry.kind else {})
    return paths


def _sign_in(page: Any, user: Any) -> None:
    page.goto("/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


def test_no_phone_page_hides_anything_behind_a_sideways_scroll(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    users, paths = world.users(), _paths(world)
    hidden, seen = [], 0
    for role in PHONE_ROLES:
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
        page = context.new_page()
        if users[role] is not None:
            _sign_in(page, users[role])
        for name, path in paths.items():
            if expected(TABLE[name], role, "in") != 200:
                continue
            answer = page.request.get(path, max_redirects=0)
            if answer.status != 200 or "text/html" not in answer.headers.get("content-type", ""):
                continue  # a file, an image, a feed, or a redirect: nothing to lay out
            page.goto(path)
            # The panels a page loads after it (htmx) are measured too, once they are in.
            page.wait_for_function("() => !document.querySelector('.htmx-request')")
            seen += 1
            hidden += [f"{role} {name} ({path}): {problem}" for problem in page.evaluate(HIDDEN)]
        context.close()
    print(f"{seen} pages looked at")
    assert seen > 60, f"only {seen} pages were looked at"
    assert not hidden, "\n".join(hidden)
