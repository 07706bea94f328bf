"""The 网格长 opens the day's routes: Leaflet draws the grid's outline and the route (no tiles needed)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fieldwork.models import Patrol, RoutePoint
from fieldwork.testing import build_field_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_grid_leader_sees_the_route_drawn_on_the_map(cast, page, browser_login, artifacts_dir):
    fc = build_field_cast(cast)
    day = datetime.date(2026, 12, 7)
    patrol = Patrol.objects.create(
        plan=fc.fire_campaign,
        grid=cast.grid_a,
        worker=cast.grid_worker_a,
        day=day,
        location_consent=True,
        finished_at=timezone.now(),
    )
    for step in range(4):
        RoutePoint.objects.create(patrol=patrol, lng=113.505 + step / 200, lat=34.72 + step / 400)
    missing: list[str] = []
    page.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)
    browser_login(fc.grid_leader)
    page.goto(f"/fieldwork/routes/{cast.grid_a.code}/?day=2026-12-07&patrol={patrol.pk}")
    board = page.locator("#route-map")
    expect(board).to_have_attribute("data-state", "ready")
    expect(board).to_have_attribute("data-routes", "1")
    assert board.locator("path.leaflet-interactive").count() >= 1
    page.screenshot(path=str(artifacts_dir / "fieldwork-routes.png"), full_page=True)
    assert missing == []
