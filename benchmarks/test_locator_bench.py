"""Locator speed: one lookup in a street of 1,000 grids and 1,000 micro-grids, and an index rebuild.

Run with ``make bench``. The tree is synthetic: 20 communities of 50 grids each, every grid
with one micro-grid in its south-west quarter; points are spread evenly over the street.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

from accounts.testing import box
from areas.locator import Locator
from areas.models import Area, GridKind, Level

COMMUNITIES, GRIDS_PER_COMMUNITY = 20, 50
WEST, SOUTH, SIDE = 113.50, 34.70, 0.02  # each community a 0.02° square, 5 across and 4 down


def _area(code: str, name: str, level: Level, parent: Area | None, bounds: tuple[float, float, float, float]) -> Area:
    area = Area(code=code, name=name, level=level, parent=parent)
    if area.is_grid:
        area.grid_kind = GridKind.COMPREHENSIVE
    area.set_boundary(box(*bounds))
    return area


def _street_of_grids() -> None:
    district = _area("410102000000", "中原区", Level.DISTRICT, None, (WEST, SOUTH, WEST + 5 * SIDE, SOUTH + 4 * SIDE))
    district.save()
    street = _area("410102001000", "林山寨街道", Level.STREET, district, _bounds(district))
    street.save()
    communities = [
        _area(f"410102001{c + 1:03d}", f"第{c + 1}社区", Level.COMMUNITY, street, _community_bounds(c))
        for c in range(COMMUNITIES)
    ]
    Area.objects.bulk_create(communities)
    grids, bounds_of = [], {}
    for c, community in enumerate(Area.objects.filter(level=Level.COMMUNITY).order_by("code")):
        west, south, _east, _north = _community_bounds(c)
        for g in range(GRIDS_PER_COMMUNITY):
            width, height = SIDE / 10, SIDE / 5
            bounds = (west + (g % 10) * width, south + (g // 10) * height)
            grid_bounds = (bounds[0], bounds[1], bounds[0] + width, bounds[1] + height)
            code = f"{community.code}{g + 1:03d}"
            bounds_of[code] = grid_bounds
            grids.append(_area(code, f"{community.name}第{g + 1}网格", Level.GRID, community, grid_bounds))
    Area.objects.bulk_create(grids)
    micro = []
    for grid in Area.objects.filter(level=Level.GRID):
        west, south, east, north = bounds_of[grid.code]
        quarter = (west, south, (west + east) / 2, (south + north) / 2)
        micro.append(_area(f"{grid.code}001", f"{grid.name}1号楼", Level.MICROGRID, grid, quarter))
    Area.objects.bulk_create(micro)


def _bounds(area: Area) -> tuple[float, float, float, float]:
    assert area.min_lng is not None and area.min_lat is not None
    assert area.max_lng is not None and area.max_lat is not None
    return (area.min_lng, area.min_lat, area.max_lng, area.max_lat)


def _community_bounds(index: int) -> tuple[float, float, float, float]:
    west, south = WEST + (index % 5) * SIDE, SOUTH + (index // 5) * SIDE
    return (west, south, west + SIDE, south + SIDE)


@pytest.fixture
def street(db: None) -> None:
    _street_of_grids()


def test_locate_one_point(street: None, benchmark: Any) -> None:
    locator = Locator(check_seconds=60)
    generator = random.Random(2026)
    points = itertools.cycle(
        [(SOUTH + generator.random() * 4 * SIDE, WEST + generator.random() * 5 * SIDE) for _ in range(1000)]
    )
    locator.index()

    result = benchmark(lambda: locator.locate(*next(points)))

    assert result.found
    assert len(locator.index().places) == 2 * COMMUNITIES * GRIDS_PER_COMMUNITY


def test_rebuild_the_index(street: None, benchmark: Any) -> None:
    index = benchmark.pedantic(lambda: Locator().index(), rounds=5, iterations=1)

    assert len(index.places) == 2 * COMMUNITIES * GRIDS_PER_COMMUNITY
