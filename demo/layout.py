"""Boundaries of the demo street that tile each parent exactly.

The street is drawn on a lattice of cells (about 100 m each) described by a character map:
each character names the grid a cell belongs to. A grid's polygon is the outline of its
cells, a community's the outline of its grids' cells, the street's the outline of all cells.
Every lattice vertex is computed once, so neighbours share exactly the same coordinates:
the children of an area add up to the area with no gap and no overlap, not even a
floating-point sliver. A gentle warp and a little jitter keep the shapes from looking like
a drawing-board rectangle.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from typing import Any

Cell = tuple[int, int]
Vertex = tuple[int, int]

# Corners of the street in WGS-84 (lng, lat): south-west, south-east, north-east, north-west.
# Around 航海西路, 郑州市中原区; the roads that bound it are not quite parallel.
STREET_CORNERS: tuple[tuple[float, float], ...] = (
    (113.60120, 34.72080),
    (113.61850, 34.72160),
    (113.61780, 34.73180),
    (113.60040, 34.73110),
)
DIGITS = 7  # about 1 cm; rounding each shared vertex once keeps neighbours identical


def parse_map(rows: str) -> dict[Cell, str]:
    """Cells of a character map (top line = north) as {(column, row): key}, row 0 in the south."""
    lines = [line.strip() for line in rows.strip().splitlines()]
    if len({len(line) for line in lines}) != 1:
        raise ValueError("Every line of the map must have the same length.")
    height = len(lines)
    return {
        (column, height - 1 - index): key
        for index, line in enumerate(lines)
        for column, key in enumerate(line)
    }


def outline(cells: Iterable[Cell]) -> list[Vertex]:
    """The counter-clockwise outline of a set of cells, as lattice vertices (ring not closed).

    Raises ValueError unless the cells form one piece without holes or corner-only contacts,
    so that the outline is a single simple ring.
    """
    edges: set[tuple[Vertex, Vertex]] = set()
    for column, row in cells:
        corners = [(column, row), (column + 1, row), (column + 1, row + 1), (column, row + 1)]
        for start, end in zip(corners, corners[1:] + corners[:1], strict=True):
            if (end, start) in edges:
                edges.discard((end, start))
            else:
                edges.add((start, end))
    following: dict[Vertex, Vertex] = {}
    for start, end in edges:
        if start in following:
            raise ValueError(f"Cells touch only at a corner near {start}.")
        following[start] = end
    if not following:
        raise ValueError("No cells.")
    first = min(following)
    ring = [first]
    while (vertex := following[ring[-1]]) != first:
        ring.append(vertex)
    if len(ring) != len(following):
        raise ValueError("Cells are not one piece without holes.")
    return ring


class Lattice:
    """Maps lattice vertices (column, row) to rounded WGS-84 coordinates, each computed once."""

    def __init__(self, columns: int, rows: int, seed: int = 2026) -> None:
        self.columns = columns
        self.rows = rows
        self._seed = seed
        self._points: dict[Vertex, tuple[float, float]] = {}

    def point(self, vertex: Vertex) -> tuple[float, float]:
        if vertex not in self._points:
            self._points[vertex] = self._place(vertex)
        return self._points[vertex]

    def _place(self, vertex: Vertex) -> tuple[float, float]:
        column, row = vertex
        x, y = column / self.columns, row / self.rows
        # Streets bend a little: a smooth warp of a quarter cell at most ...
        x += 0.25 / self.columns * math.sin(math.pi * y * 1.5) * math.sin(math.pi * x)
        y += 0.25 / self.rows * math.sin(math.pi * x * 2.0) * math.sin(math.pi * y)
        # ... and inner corners are not surveyed on a ruler.
        if 0 < column < self.columns and 0 < row < self.rows:
            jitter = random.Random(f"{self._seed}:{column}:{row}")
            x += jitter.uniform(-0.08, 0.08) / self.columns
            y += jitter.uniform(-0.08, 0.08) / self.rows
        (sw_lng, sw_lat), (se_lng, se_lat), (ne_lng, ne_lat), (nw_lng, nw_lat) = STREET_CORNERS
        lng = (1 - x) * (1 - y) * sw_lng + x * (1 - y) * se_lng + x * y * ne_lng + (1 - x) * y * nw_lng
        lat = (1 - x) * (1 - y) * sw_lat + x * (1 - y) * se_lat + x * y * ne_lat + (1 - x) * y * nw_lat
        return round(lng, DIGITS), round(lat, DIGITS)

    def polygon(self, cells: Iterable[Cell]) -> dict[str, Any]:
        """A GeoJSON Polygon (exterior ring counter-clockwise, closed) outlining the cells."""
        ring = [list(self.point(vertex)) for vertex in outline(cells)]
        ring.append(list(ring[0]))
        return {"type": "Polygon", "coordinates": [ring]}
