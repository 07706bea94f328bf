"""巡查考核 for a street: 100 grids and a year of patrols cost the same queries as 2 grids and a week.

Run with ``make bench BENCH_ARGS="-k compliance -s"`` (on PostgreSQL with ``DATABASE_URL``). The
street gets a 一日双巡 plan (two windows every day) and a 消防安全 campaign; the patrols are
bulk-inserted: first 2 grids × 7 days, then 100 grids × 365 days (about nine windows in ten kept,
a campaign patrol with a check-in now and then, a visit per grid and week). The page is the
street leader's, over the longest period it shows (92 days). The query count must not grow with
the data (asserted); the time is printed and kept in docs/performance.md.
"""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.testing import Cast, make_area
from areas.models import Area, Level
from fieldwork.models import (
    CheckIn,
    CheckInMethod,
    Checklist,
    Patrol,
    PatrolPlan,
    PatrolWindow,
    PlanDays,
    PlanKind,
    PlanTarget,
    TargetKind,
)
from fieldwork.schedule import zone

pytestmark = pytest.mark.django_db

SMALL, LARGE = (2, 7), (100, 365)  # (grids, days)


class Street:
    """The street's plans and grids; ``grow`` adds grids and a longer history of patrols."""

    def __init__(self, cast: Cast) -> None:
        self.cast = cast
        self.today = timezone.localdate()
        self.daily = PatrolPlan.objects.create(area=cast.street1, name="一日双巡", kind=PlanKind.DAILY,
                                               checklist=Checklist.objects.get(code="four-checks"),
                                               days=PlanDays.EVERY_DAY, starts_on=self.today - datetime.timedelta(400))
        self.windows = [
            PatrolWindow.objects.create(plan=self.daily, name="上午巡", starts_at=datetime.time(8),
                                        ends_at=datetime.time(11, 30)),
            PatrolWindow.objects.create(plan=self.daily, name="下午巡", starts_at=datetime.time(14),
                                        ends_at=datetime.time(17, 30)),
        ]
        self.campaign = PatrolPlan.objects.create(
            area=cast.street1, name="消防安全专项", kind=PlanKind.SPECIAL,
            checklist=Checklist.objects.get(code="fire-safety"), starts_on=self.today - datetime.timedelta(60),
            ends_on=self.today + datetime.timedelta(30), target_interval_days=14)
        self.grids: list[Area] = []
        self.days = 0

    def grow(self, grids: int, days: int) -> None:
        while len(self.grids) < grids:
            n = len(self.grids)
            community_code = f"410102001{100 + n // 10:03d}"
            community = Area.objects.filter(code=community_code).first() or make_area(
                community_code, f"社区{n // 10}", Level.COMMUNITY, self.cast.street1, None)
            self.grids.append(make_area(f"{community_code}{n % 10 + 1:03d}", f"网格{n}", Level.GRID, community,
                                        None))
        first = self.today - datetime.timedelta(days=days)
        already = self.today - datetime.timedelta(days=self.days)
        worker = self.cast.grid_worker_a
        patrols = []
        for index, grid in enumerate(self.grids):
            for offset in range(days):
                day = first + datetime.timedelta(days=offset)
                known = index < self._grown_grids and day >= already
                if known:
                    continue
                for number, window in enumerate(self.windows):
                    if (index + offset + number) % 10 == 0:
                        continue  # about one window in ten missed
                    began = datetime.datetime.combine(day, window.starts_at, tzinfo=zone())
                    patrols.append(Patrol(plan=self.daily, window=window, grid=grid, grid_code=grid.code,
                                          worker=worker, day=day, started_at=began,
                                          finished_at=began + datetime.timedelta(hours=2)))
        Patrol.objects.bulk_create(patrols, batch_size=5000)
        self._campaign(self.grids[self._grown_grids:])
        self._grown_grids, self.days = len(self.grids), max(self.days, days)

    _grown_grids = 0

    def _campaign(self, grids: list[Area]) -> None:
        """Two campaign targets per new grid, one checked once."""
        worker = self.cast.grid_worker_a
        day = self.today - datetime.timedelta(days=3)
        for grid in grids:
            targets = PlanTarget.objects.bulk_create([
                PlanTarget(plan=self.campaign, kind=TargetKind.POINT, name=f"{grid.name}消防点{n}", grid=grid,
                           grid_code=grid.code) for n in range(2)])
            patrol = Patrol.objects.create(plan=self.campaign, grid=grid, worker=worker, day=day,
                                           finished_at=timezone.now())
            CheckIn.objects.create(patrol=patrol, target=targets[0], method=CheckInMethod.TAP)


def _page(client: Client, url: str) -> tuple[int, int, float]:
    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        status = client.get(url).status_code
        took = time.perf_counter() - began
    return status, len(queries), took


def test_the_compliance_page_of_a_street(benchmark: Any, cast: Cast) -> None:
    street = Street(cast)
    client = Client()
    client.force_login(cast.street_leader)
    start = street.today - datetime.timedelta(days=91)
    url = f"{reverse('fieldwork:compliance', args=[cast.street1.code])}?start={start}&end={street.today}"

    street.grow(*SMALL)
    client.get(url)  # warm: sessions, permissions, the calendar's first load
    small_status, small_queries, small_time = _page(client, url)
    street.grow(*LARGE)
    large_status, large_queries, large_time = _page(client, url)
    patrols = Patrol.objects.count()
    print(f"\ncompliance page, street leader: {SMALL[0]} grids × {SMALL[1]} days: {small_queries} queries, "
          f"{small_time * 1000:.0f} ms; {LARGE[0]} grids × {LARGE[1]} days ({patrols} patrols): "
          f"{large_queries} queries, {large_time * 1000:.0f} ms")
    assert small_status == large_status == 200
    assert patrols > 60_000
    assert large_queries == small_queries  # the queries do not grow with grids or patrols

    assert benchmark.pedantic(lambda: client.get(url).status_code, rounds=3, iterations=1) == 200
