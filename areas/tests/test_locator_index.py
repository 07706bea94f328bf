"""The locator's bucket index answers exactly as a plain STRtree query with the border rule
(innermost level, then lowest code) would: random points, corners and points on shared edges of
jittered quadrilaterals, triangles, a polygon with a hole, a multipolygon and a many-cornered
polygon (tested by GEOS, not in Python)."""

from __future__ import annotations

import itertools
import math
import random

import shapely

from areas.locator import PlaceSummary, _Buckets, _shape
from areas.models import Level

SIZE, CELL = 12, 0.01


def _corner(i: int, j: int) -> tuple[float, float]:
    jitter = random.Random(f"{i}:{j}")
    inner = 0 < i < SIZE and 0 < j < SIZE
    dx, dy = (jitter.uniform(-0.3, 0.3) * CELL if inner else 0.0 for _ in range(2))
    return (113.5 + i * CELL + dx, 34.7 + j * CELL + dy)


def _polygons() -> list[tuple[PlaceSummary, shapely.Geometry]]:
    polygons: list[tuple[PlaceSummary, shapely.Geometry]] = []
    for i in range(SIZE):
        for j in range(SIZE):
            ring = [_corner(i, j), _corner(i + 1, j), _corner(i + 1, j + 1), _corner(i, j + 1)]
            if (i + j) % 5 == 0:  # two triangles instead of one quadrilateral
                polygons.append((PlaceSummary(f"g{i:02d}{j:02d}a", "", Level.GRID), shapely.Polygon(ring[:3])))
                polygons.append((PlaceSummary(f"g{i:02d}{j:02d}b", "", Level.GRID),
                                 shapely.Polygon([ring[0], ring[2], ring[3]])))
            else:
                polygons.append((PlaceSummary(f"g{i:02d}{j:02d}", "", Level.GRID), shapely.Polygon(ring)))
    x, y = _corner(3, 3)
    outer = [(x, y), (x + 2 * CELL, y), (x + 2 * CELL, y + 2 * CELL), (x, y + 2 * CELL)]
    hole = [(x + 0.5 * CELL, y + 0.5 * CELL), (x + 1.5 * CELL, y + 0.5 * CELL), (x + 1.5 * CELL, y + 1.5 * CELL),
            (x + 0.5 * CELL, y + 1.5 * CELL)]
    polygons.append((PlaceSummary("m-hole", "", Level.MICROGRID), shapely.Polygon(outer, [hole])))
    x, y = _corner(7, 2)
    polygons.append((PlaceSummary("m-multi", "", Level.MICROGRID), shapely.MultiPolygon([
        shapely.box(x, y, x + 0.5 * CELL, y + 0.5 * CELL), shapely.box(x + CELL, y, x + 1.5 * CELL, y + CELL)])))
    x, y = _corner(9, 9)
    circle = [(x + CELL * math.cos(a / 40 * math.tau), y + CELL * math.sin(a / 40 * math.tau)) for a in range(40)]
    polygons.append((PlaceSummary("m-circle", "", Level.MICROGRID), shapely.Polygon(circle)))
    polygons.append((PlaceSummary("m-box", "", Level.MICROGRID), shapely.box(*_corner(5, 5), *_corner(6, 6))))
    return polygons


def _points(polygons: list[tuple[PlaceSummary, shapely.Geometry]]) -> list[tuple[float, float]]:
    generator = random.Random(7)
    points = [(113.49 + generator.random() * (SIZE + 2) * CELL, 34.69 + generator.random() * (SIZE + 2) * CELL)
              for _ in range(3000)]
    for _place, polygon in polygons:
        for part in getattr(polygon, "geoms", [polygon]):
            for ring in [part.exterior, *part.interiors]:
                coords = list(ring.coords)
                points.extend(coords)  # corners
                points.extend(((x1 + x2) / 2, (y1 + y2) / 2) for (x1, y1), (x2, y2) in itertools.pairwise(coords))
    return points


def test_the_bucket_index_agrees_with_the_reference_query() -> None:
    polygons = _polygons()
    for _place, polygon in polygons:
        shapely.prepare(polygon)
    buckets = _Buckets([_shape(place, polygon) for place, polygon in polygons])
    tree = shapely.STRtree([polygon for _place, polygon in polygons])
    found = 0
    for x, y in _points(polygons):
        hits = [polygons[i][0] for i in tree.query(shapely.Point(x, y), predicate="intersects").tolist()]
        expected = min(hits, key=lambda place: (-place.level, place.code)) if hits else None
        chosen = next((shape.place for shape in buckets.candidates(x, y) if shape.covers(x, y)), None)
        assert chosen == expected, (x, y)
        found += chosen is not None
    assert found > 3000


def test_an_empty_index_finds_nothing() -> None:
    assert _Buckets([]).candidates(113.5, 34.7) == ()
