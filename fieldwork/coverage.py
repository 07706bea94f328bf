"""见面率 and visit coverage (走访覆盖) per grid over a year, from a fixed number of grouped queries.

* **户数** — households of the grid with at least one current member (as ``registry.coverage``).
* **已走访户数** — those with a visit this year, to the household itself or to one of its current
  members; **入户覆盖率** = 已走访户数 / 户数.
* **走访人次** (入户走访人次, the year-end figure) — the visits recorded this year, every method
  (a phone care call counts, as the documents say); **见面人次** — those at which the person was met
  (a door that did not open is a visit, not a meeting); **见面率** = 见面人次 / 走访人次.

Grids group by the first 15 characters of ``grid_code``, so a micro-grid's records count for its grid.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Substr

from areas.models import Area
from fieldwork.models import Visit
from fieldwork.schedule import zone
from registry.models import Household, HouseholdMember

GRID_CODE_LENGTH = 15
FIRST_YEAR, LAST_YEAR = 1900, 2100


@dataclass
class VisitCoverage:
    grid: Area
    households: int = 0
    visited_households: int = 0
    visits: int = 0
    met: int = 0

    @property
    def household_rate(self) -> int | None:
        return round(100 * self.visited_households / self.households) if self.households else None

    @property
    def met_rate(self) -> int | None:
        return round(100 * self.met / self.visits) if self.visits else None


def _year_bounds(year: int, until: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.datetime(year, 1, 1, tzinfo=zone())
    end = datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time(), zone())
    return start, end


def visit_coverage(grids: Iterable[Area], prefix: str, year: int, until: datetime.date) -> list[VisitCoverage]:
    """Coverage of each grid (all under ``prefix``) from 1 January of ``year`` to ``until``: three queries."""
    rows = {grid.code: VisitCoverage(grid) for grid in grids}
    if not (FIRST_YEAR <= year <= LAST_YEAR and FIRST_YEAR <= until.year <= LAST_YEAR):
        return list(rows.values())  # a period at the ends of the calendar has nothing to count
    start, end = _year_bounds(year, until)
    current = HouseholdMember.objects.current()
    visits = Visit.objects.filter(visited_at__gte=start, visited_at__lt=end)
    households = (
        Household.objects.filter(grid_code__startswith=prefix)
        .filter(Exists(current.filter(household=OuterRef("pk"))))
        .annotate(grid_key=Substr("grid_code", 1, GRID_CODE_LENGTH))
    )
    visited = Exists(visits.filter(household=OuterRef("pk"))) | Exists(
        visits.filter(resident__stays__household=OuterRef("pk"), resident__stays__moved_out_on__isnull=True)
    )
    for key, total in households.order_by().values("grid_key").annotate(n=Count("pk")).values_list("grid_key", "n"):
        if key in rows:
            rows[key].households = total
    for key, total in (
        households.filter(visited).order_by().values("grid_key").annotate(n=Count("pk")).values_list("grid_key", "n")
    ):
        if key in rows:
            rows[key].visited_households = total
    counted = (
        visits.filter(grid_code__startswith=prefix)
        .annotate(grid_key=Substr("grid_code", 1, GRID_CODE_LENGTH))
        .order_by()
        .values("grid_key")
        .annotate(n=Count("pk"), met=Count("pk", filter=Q(met=True)))
    )
    for row in counted:
        if row["grid_key"] in rows:
            rows[row["grid_key"]].visits, rows[row["grid_key"]].met = row["n"], row["met"]
    return list(rows.values())
