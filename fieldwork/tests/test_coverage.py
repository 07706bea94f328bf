"""见面率 and visit coverage per grid: known answers on hand-built visits; shown on the compliance page."""

import datetime

import pytest
from django.urls import reverse

from fieldwork.coverage import visit_coverage
from fieldwork.models import Visit, VisitMethod
from fieldwork.testing import at
from registry.models import HouseholdMember

pytestmark = pytest.mark.django_db

UNTIL = datetime.date(2026, 12, 9)


def visit(fc, grid, when, *, resident=None, household=None, met=True, method=VisitMethod.HOME):
    return Visit.objects.create(
        grid=grid,
        resident=resident,
        household=household,
        visited_at=when,
        met=met,
        recorded_by=fc.cast.grid_worker_a,
        method=method,
        retry_on=None if met else when.date() + datetime.timedelta(days=3),
    )


@pytest.fixture
def visited(fc):
    """Grid A: 3 households (王桂娟, 曲秀英, 徐阿姨); grid B: 1 (邢瑜璇).

    2026: 王桂娟 met once and once not (two visits, one household); 徐阿姨's household visited as a
    household by phone, met; 邢瑜璇 not met. 2025: 曲秀英 met (another year: not counted).
    """
    grid_a, grid_b = fc.cast.grid_a, fc.cast.grid_b
    visit(fc, grid_a, at(datetime.date(2026, 3, 2), 10), resident=fc.alone)
    visit(fc, grid_a, at(datetime.date(2026, 4, 6), 10), resident=fc.alone, met=False)
    household = HouseholdMember.objects.get(resident=fc.neighbour).household
    visit(fc, grid_a, at(datetime.date(2026, 5, 11), 10), household=household, method=VisitMethod.PHONE)
    visit(fc, grid_b, at(datetime.date(2026, 6, 1), 10), resident=fc.resident_b, met=False)
    visit(fc, grid_a, at(datetime.date(2025, 12, 30), 10), resident=fc.watched)
    return fc


def test_coverage_and_meeting_rate_per_grid(visited):
    fc = visited
    rows = {
        row.grid.code: row
        for row in visit_coverage([fc.cast.grid_a, fc.cast.grid_b], fc.cast.community1.code[:12], 2026, UNTIL)
    }
    a, b = rows[fc.cast.grid_a.code], rows[fc.cast.grid_b.code]
    assert (a.households, a.visited_households, a.household_rate, a.visits, a.met, a.met_rate) == (3, 2, 67, 3, 2, 67)
    assert (b.households, b.visited_households, b.household_rate, b.visits, b.met, b.met_rate) == (1, 1, 100, 1, 0, 0)


def test_a_resident_who_moved_out_no_longer_makes_their_old_household_visited(visited):
    fc = visited
    HouseholdMember.objects.filter(resident=fc.alone).update(moved_out_on=datetime.date(2026, 6, 1))
    rows = {row.grid.code: row for row in visit_coverage([fc.cast.grid_a], fc.cast.grid_a.code, 2026, UNTIL)}
    # The household has no current member left: it is no longer a household, and no longer visited.
    assert (rows[fc.cast.grid_a.code].households, rows[fc.cast.grid_a.code].visited_households) == (2, 1)


def test_visits_after_the_end_of_the_period_do_not_count(visited):
    fc = visited
    rows = visit_coverage([fc.cast.grid_a], fc.cast.grid_a.code, 2026, datetime.date(2026, 3, 31))
    assert (rows[0].visited_households, rows[0].visits, rows[0].met) == (1, 1, 1)


def test_the_compliance_page_shows_coverage_per_grid(client, visited):
    fc = visited
    client.force_login(fc.grid_leader)
    page = client.get(
        reverse("fieldwork:compliance", args=[fc.cast.grid_a.code]), {"start": "2026-12-01", "end": "2026-12-09"}
    ).content.decode()
    table = page[page.index('id="visit-coverage"') :]
    start = table.index(f'data-grid="{fc.cast.grid_a.code}"')
    row = table[start : table.index("</tr>", start)]
    cells = [cell.split(">")[-1] for cell in row.split("</td>")[:-1]]
    assert cells[1:] == ["3", "2", "67%", "3", "2", "67%"]
