"""Tree queries: a subtree is one prefix filter; the parent chain is one query; retired areas drop out."""

import datetime

import pytest
from django.utils import timezone

from accounts.testing import make_area
from areas.models import Area, Level

pytestmark = pytest.mark.django_db


def codes(queryset):
    return sorted(queryset.values_list("code", flat=True))


def test_subtree_of_a_street_holds_its_communities_and_grids(cast):
    assert codes(Area.objects.subtree_of(cast.street1)) == [
        cast.street1.code, cast.community1.code, cast.grid_a.code, cast.grid_b.code,
    ]


def test_subtree_of_can_leave_out_the_area_itself(cast):
    assert codes(Area.objects.subtree_of(cast.community1, include_self=False)) == [cast.grid_a.code, cast.grid_b.code]


def test_subtree_of_a_grid_holds_its_micro_grids(cast):
    micro = make_area("410102001001001001", "1号楼微网格", Level.MICROGRID, cast.grid_a, None)
    assert codes(Area.objects.subtree_of(cast.grid_a)) == [cast.grid_a.code, micro.code]
    assert micro.code not in codes(Area.objects.subtree_of(cast.grid_b))


def test_subtree_of_a_district_does_not_reach_into_the_next_district(cast):
    subtree = codes(Area.objects.subtree_of(cast.district))
    assert cast.grid_c.code in subtree
    assert cast.other_district.code not in subtree
    assert cast.other_street.code not in subtree


def test_ancestors_are_the_parent_chain_from_the_top_in_one_query(cast, django_assert_num_queries):
    micro = make_area("410102001001001001", "1号楼微网格", Level.MICROGRID, cast.grid_a, None)
    with django_assert_num_queries(1):
        chain = micro.ancestors()
    assert chain == [cast.district, cast.street1, cast.community1, cast.grid_a]


def test_a_top_level_area_has_no_ancestors(cast):
    assert cast.district.ancestors() == []


def test_active_leaves_out_areas_whose_end_date_has_passed(cast):
    today = timezone.localdate()
    Area.objects.filter(pk=cast.grid_b.pk).update(ended_on=today)
    Area.objects.filter(pk=cast.grid_c.pk).update(ended_on=today + datetime.timedelta(days=30))
    active = codes(Area.objects.active())
    assert cast.grid_a.code in active
    assert cast.grid_b.code not in active
    assert cast.grid_c.code in active


def test_active_answers_for_a_given_day(cast):
    Area.objects.filter(pk=cast.grid_b.pk).update(ended_on=datetime.date(2025, 6, 1))
    assert cast.grid_b.code in codes(Area.objects.active(on=datetime.date(2025, 5, 31)))
    assert cast.grid_b.code not in codes(Area.objects.active(on=datetime.date(2025, 6, 1)))


def test_is_active_follows_the_end_date(cast):
    grid = Area.objects.get(pk=cast.grid_b.pk)
    assert grid.is_active
    grid.ended_on = timezone.localdate()
    assert not grid.is_active
