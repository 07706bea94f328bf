"""A grid by its code from the cache (``areas.grid_cache``): the 随手拍 QR grid without a query."""

import datetime

import pytest
from django.utils import timezone

from areas.grid_cache import grid_by_code
from areas.models import Area

pytestmark = pytest.mark.django_db


def test_it_reads_a_grid_once_then_from_the_cache(cast, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert grid_by_code(cast.grid_a.code) == cast.grid_a
    with django_assert_num_queries(0):
        found = grid_by_code(cast.grid_a.code)
    assert found == cast.grid_a and found.name == cast.grid_a.name


def test_it_answers_grids_only_and_nothing_for_unknown_codes(cast):
    assert grid_by_code(cast.community1.code) is None
    assert grid_by_code("410102001001999") is None
    assert grid_by_code("not a code") is None


def test_a_saved_area_is_read_again(cast):
    assert grid_by_code(cast.grid_a.code).name == "百花社区第一网格"
    grid = Area.objects.get(pk=cast.grid_a.pk)
    grid.name = "百花社区一网格"
    grid.save()
    assert grid_by_code(cast.grid_a.code).name == "百花社区一网格"


def test_a_grid_is_not_answered_from_the_day_it_retires_even_from_the_cache(cast, monkeypatch):
    grid = Area.objects.get(pk=cast.grid_a.pk)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    grid.ended_on = tomorrow
    grid.save()
    assert grid_by_code(grid.code) == grid  # cached, active today
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert grid_by_code(grid.code) is None


def test_a_grid_retired_today_is_not_answered(cast):
    assert grid_by_code(cast.grid_a.code) == cast.grid_a
    grid = Area.objects.get(pk=cast.grid_a.pk)
    grid.ended_on = timezone.localdate()
    grid.save()
    assert grid_by_code(grid.code) is None
