"""Statistics page speed at two data sizes: from the rollups (the page) and live (the reference).

Run with ``make bench``. The cases are bulk-inserted into the test cast's grids over two years
(categories, channels, lead units, states, ratings and handling times varied), then the rollups
are rebuilt as after ``generate_city``. The page (``/cases/stats/``, a street leader's view as it
opens) should cost about the same at both sizes; the live figures grow with the cases.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind
from cases import rollups, statistics
from cases.models import Case, Category, Channel, HandlingLevel, Rating, RatingSource, Status
from cases.views.stats import StatisticsForm, area_length

pytestmark = pytest.mark.django_db

SIZES = [2_000, 20_000]
STATES = [Status.CLOSED] * 6 + [Status.HANDLING, Status.REPORTED, Status.MERGED, Status.DISPATCHED]
CHANNELS = [Channel.GRID_WORKER, Channel.HOTLINE, Channel.RESIDENT]


def _cases(cast: Any, count: int) -> None:
    categories = [Category.objects.create(code=f"b-{n}", name=f"类别{n}") for n in range(12)]
    units = [
        Organisation.objects.create(name=f"单位{n}", kind=OrganisationKind.PROPERTY, home_area=cast.street1)
        for n in range(8)
    ]
    grids = [cast.grid_a, cast.grid_b, cast.grid_c]
    start = timezone.now() - datetime.timedelta(days=730)
    step = datetime.timedelta(days=720) / count
    rows = []
    for n in range(count):
        grid, status = grids[n % 3], STATES[n % len(STATES)]
        reported = start + step * n
        closed = status == Status.CLOSED
        rows.append(
            Case(
                category=categories[n % 12],
                channel=CHANNELS[n % 3],
                description="测试事件",
                grid=grid,
                grid_code=grid.code,
                community_code=grid.code[:12],
                street_code=grid.code[:9] + "000",
                desk_area=grid,
                level=HandlingLevel.GRID,
                reported_at=reported,
                status=status,
                accepted_at=None
                if status in (Status.REPORTED, Status.MERGED)
                else reported + datetime.timedelta(hours=1),
                lead_organisation=units[n % 8] if n % 4 else None,
                ever_overdue=n % 9 == 0,
                closed_at=reported + datetime.timedelta(hours=(n * 7) % 300 + 1) if closed else None,
                outcome="resolved" if closed else "",
                rating=[Rating.SATISFIED, Rating.DISSATISFIED, ""][n % 3] if closed else "",
                rating_source=RatingSource.SELF if closed and n % 3 != 2 else "",
            )
        )
    Case.objects.bulk_create(rows, batch_size=2000)
    rollups.rebuild()


@pytest.mark.parametrize("count", SIZES)
def test_the_statistics_page(benchmark: Any, cast: Any, count: int) -> None:
    """The whole page, as a street leader opens it (from the rollups)."""
    _cases(cast, count)
    client = Client()
    client.force_login(cast.street_leader)

    def page() -> int:
        return client.get("/cases/stats/").status_code

    assert benchmark.pedantic(page, rounds=5, iterations=1, warmup_rounds=1) == 200


@pytest.mark.parametrize("count", SIZES)
def test_the_live_figures(benchmark: Any, cast: Any, count: int) -> None:
    """The same figures computed live from the cases (``cases.statistics``, the reference)."""
    _cases(cast, count)
    user = cast.street_leader
    form = StatisticsForm(None, user=user)

    def figures() -> int:
        now = timezone.now()
        cases = Case.objects.visible_to(user)
        statistics.headline(cases, now)
        return len(statistics.tables(cases, area_length=area_length(form, user), period="month", now=now))

    assert benchmark.pedantic(figures, rounds=3, iterations=1) == 5
