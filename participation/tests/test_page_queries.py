"""A page's queries do not grow with its rows (no per-row queries)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participation import ballots
from participation.models import ThresholdRule, UnitKind
from registry.models import Dwelling, Household

from .conftest import published

pytestmark = pytest.mark.django_db


def count(client, url):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def add_doors(world, number):  # type: ignore[no-untyped-def]
    for index in range(number):
        dwelling = Dwelling.objects.create(grid=world.cast.grid_a, building=world.building, floor=5,
                                           room=f"5{index:02d}", floor_area=Decimal("70"))
        Household.objects.create(grid=world.cast.grid_a, dwelling=dwelling)


@pytest.mark.parametrize("unit_kind", [UnitKind.HOUSEHOLD, UnitKind.DWELLING])
def test_the_ballot_page_costs_the_same_for_more_doors(world, login, unit_kind):
    rule = ThresholdRule.CIVIL_CODE_ORDINARY if unit_kind == UnitKind.DWELLING else ThresholdRule.SHARE
    ballot = ballots.ballot_open(actor=world.reviewer, area=world.cast.community1, question="q",
                                 buildings=[world.building], unit_kind=unit_kind, rule=rule, share=Fraction(2, 3))
    client = login(world.cast.grid_worker_a)
    url = reverse("participation:ballot_detail", args=[ballot.pk])
    before = count(client, url)
    add_doors(world, 5)
    assert count(client, url) == before


def test_the_wish_list_and_the_wall_cost_the_same_for_more_wishes(world, login, client):
    published(world)
    staff = login(world.cast.grid_worker_a)
    wall = reverse("public_participation:wall", args=[world.cast.community1.code])
    listing = reverse("participation:wish_list")
    before = (count(staff, listing), count(client, wall))
    for index in range(3):
        published(world, title=f"心愿{index}")
    assert (count(staff, listing), count(client, wall)) == before
