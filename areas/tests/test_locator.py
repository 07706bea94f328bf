"""The locator: innermost active grid at a point, the border rule, holes, staleness of the index."""

import datetime

import pytest
from django.utils import timezone

from accounts.testing import box, make_area
from areas.geo import from_wgs84
from areas.locator import Locator, locate
from areas.models import Area, Level

pytestmark = pytest.mark.django_db

IN_GRID_A = (34.72, 113.51)  # (lat, lng)
ON_A_B_BORDER = (34.72, 113.525)


def test_it_finds_the_grid_and_its_parents(cast):
    result = locate(*IN_GRID_A)

    assert result.found and result.message == ""
    assert (result.area.code, result.area.level) == (cast.grid_a.code, Level.GRID)
    assert result.grid == result.area and result.microgrid is None
    assert (result.community.name, result.street.name) == ("百花社区", "林山寨街道")
    assert [place.code for place in result.parents] == [cast.street1.code, cast.community1.code]


def test_a_point_outside_every_grid_gets_a_clear_answer(cast):
    result = locate(34.90, 113.51)

    assert not result.found and result.area is None and result.grid is None
    assert result.message == "该位置不在任何网格内。"


def test_a_point_in_a_community_without_grids_is_outside_every_grid(cast):
    assert not locate(34.78, 113.55).found  # in street 1, no community or grid drawn there


def test_a_point_on_a_shared_border_goes_to_the_lowest_code(cast):
    result = locate(*ON_A_B_BORDER)

    assert result.area.code == cast.grid_a.code  # …001 before …002, whichever was drawn first


def test_the_border_rule_does_not_depend_on_the_order_of_creation(cast):
    late = make_area("410102002001002", "协作路二网格", Level.GRID, cast.community2, (113.60, 34.70, 113.62, 34.75))
    cast.grid_c.set_boundary(box(113.62, 34.70, 113.65, 34.75))
    cast.grid_c.save()

    assert locate(34.72, 113.62).area.code == cast.grid_c.code  # 001 < 002
    assert locate(34.72, 113.61).area.code == late.code


def test_a_corner_shared_by_three_micro_grids_goes_to_the_lowest_code(cast):
    corner = make_area("410102001001001001", "微网格甲", Level.MICROGRID, cast.grid_a, (113.51, 34.71, 113.52, 34.72))
    make_area("410102001001001002", "微网格乙", Level.MICROGRID, cast.grid_a, (113.50, 34.72, 113.51, 34.73))
    make_area("410102001001001003", "微网格丙", Level.MICROGRID, cast.grid_a, (113.50, 34.71, 113.51, 34.72))

    assert locate(*IN_GRID_A).area.code == corner.code


def test_a_point_in_a_hole_is_not_in_the_grid(cast):
    ring = box(113.60, 34.70, 113.65, 34.75)["coordinates"][0]
    hole = box(113.62, 34.72, 113.63, 34.73)["coordinates"][0]
    cast.grid_c.set_boundary({"type": "Polygon", "coordinates": [ring, hole]})
    cast.grid_c.save()

    assert not locate(34.725, 113.625).found
    assert locate(34.725, 113.61).area.code == cast.grid_c.code
    assert locate(34.72, 113.625).area.code == cast.grid_c.code  # on the hole's edge: still the grid


def test_a_micro_grid_is_preferred_over_its_grid(cast):
    building = make_area("410102001001001001", "1号楼", Level.MICROGRID, cast.grid_a, (113.50, 34.70, 113.52, 34.73))

    result = locate(*IN_GRID_A)

    assert result.area.code == building.code
    assert (result.microgrid.code, result.grid.code, result.community.code) == (
        building.code, cast.grid_a.code, cast.community1.code,
    )
    assert [place.code for place in result.parents] == [cast.street1.code, cast.community1.code, cast.grid_a.code]
    assert locate(34.74, 113.51).area.code == cast.grid_a.code  # outside the micro-grid


def test_retired_areas_are_ignored(cast):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    make_area("410102001001001001", "已撤销微网格", Level.MICROGRID, cast.grid_a, (113.50, 34.70, 113.52, 34.73),
              ended_on=yesterday)
    assert locate(*IN_GRID_A).area.code == cast.grid_a.code

    cast.grid_a.ended_on = yesterday
    cast.grid_a.save()
    assert not locate(*IN_GRID_A).found
    assert locate(*ON_A_B_BORDER).area.code == cast.grid_b.code


def test_an_area_retiring_tomorrow_still_counts(cast):
    cast.grid_a.ended_on = timezone.localdate() + datetime.timedelta(days=1)
    cast.grid_a.save()

    assert locate(*IN_GRID_A).area.code == cast.grid_a.code


def test_the_index_is_rebuilt_after_a_boundary_changes(cast):
    assert locate(34.72, 113.53).area.code == cast.grid_b.code

    cast.grid_a.set_boundary(box(113.50, 34.70, 113.535, 34.75))
    cast.grid_a.save()
    cast.grid_b.set_boundary(box(113.535, 34.70, 113.55, 34.75))
    cast.grid_b.save()

    assert locate(34.72, 113.53).area.code == cast.grid_a.code


def test_changes_made_by_another_process_are_seen_after_the_check_interval(cast):
    patient, eager = Locator(check_seconds=3600), Locator(check_seconds=0)
    assert patient.locate(34.72, 113.53).area.code == eager.locate(34.72, 113.53).area.code == cast.grid_b.code

    # Another process: no signal reaches this one, only the database changes.
    Area.objects.filter(pk=cast.grid_b.pk).update(ended_on=timezone.localdate(), updated_at=timezone.now())

    assert patient.locate(34.72, 113.53).found  # still the old index: checked at most once an hour
    assert not eager.locate(34.72, 113.53).found


def test_a_saved_change_invalidates_the_index_of_this_process_at_once(cast):
    locator = Locator(check_seconds=3600)
    assert locator.locate(34.72, 113.53).found
    locator.invalidate()
    Area.objects.filter(pk=cast.grid_b.pk).update(ended_on=timezone.localdate(), updated_at=timezone.now())

    assert not locator.locate(34.72, 113.53).found


def test_it_reads_gcj02_and_bd09_coordinates(cast):
    for system in ("GCJ02", "BD09"):
        lng, lat = from_wgs84(113.524, 34.72, system)
        assert lng > 113.525  # as WGS-84 it would lie in grid B

        result = locate(lat, lng, system)

        assert result.area.code == cast.grid_a.code
        assert (result.lng, result.lat) == pytest.approx((113.524, 34.72), abs=1e-7)


def test_it_only_answers_with_areas_the_user_may_see(cast):
    assert locate(*IN_GRID_A, user=cast.grid_worker_a).area.code == cast.grid_a.code
    assert not locate(34.72, 113.54, user=cast.grid_worker_a).found
    assert locate(*ON_A_B_BORDER, user=cast.grid_worker_b).area.code == cast.grid_b.code  # A is not theirs
    assert not locate(*IN_GRID_A, user=cast.other_street_leader).found
    assert not locate(*IN_GRID_A, user=cast.outsider).found


@pytest.mark.parametrize(("lat", "lng", "system"), [(91, 113.5, "WGS84"), (34.7, 181, "WGS84"),
                                                    (float("nan"), 113.5, "WGS84"), (34.7, 113.5, "mercator")])
def test_it_refuses_impossible_input(cast, lat, lng, system):
    with pytest.raises(ValueError):
        locate(lat, lng, system)
