"""记录微心愿 from a visit record: pre-filled, the visit kept as the source, listed on the visit page."""

import pytest
from django.urls import reverse

from fieldwork.models import Visit
from participation.models import Wish

pytestmark = pytest.mark.django_db


def visit_of(world, **extra):  # type: ignore[no-untyped-def]
    fields = {"grid": world.cast.grid_a, "resident": world.grandma, "recorded_by": world.cast.grid_worker_a,
              "findings": "想要一台收音机", **extra}
    return Visit.objects.create(**fields)


def test_the_visit_page_offers_to_record_a_wish_and_lists_it(world, login):
    visit = visit_of(world)
    client = login(world.cast.grid_worker_a)
    page = client.get(reverse("fieldwork:visit", args=[visit.pk])).content.decode()
    new = reverse("participation:wish_new") + f"?visit={visit.pk}"
    assert "记录微心愿" in page and new in page
    form = client.get(new).content.decode()
    assert 'id="wish-visit"' in form and f'<option value="{world.grandma.pk}" selected>' in form
    response = client.post(new, {"area": world.cast.grid_a.pk, "resident": world.grandma.pk,
                                 "care_tag": world.tag.pk, "title": "一台收音机", "estimated_value": "80"})
    assert response.status_code == 302
    wish = Wish.objects.get()
    assert wish.source_visit == visit and wish.resident == world.grandma
    assert wish.events.get().verb == "record"
    page = client.get(reverse("fieldwork:visit", args=[visit.pk])).content.decode()
    assert "一台收音机" in page and reverse("participation:wish_detail", args=[wish.pk]) in page
    detail = client.get(reverse("participation:wish_detail", args=[wish.pk])).content.decode()
    assert 'id="wish-source-visit"' in detail


def test_a_household_visit_gives_the_household_as_beneficiary(world, login):
    visit = visit_of(world, resident=None, household=world.households[1])
    client = login(world.cast.grid_worker_a)
    response = client.post(reverse("participation:wish_new") + f"?visit={visit.pk}", {
        "area": world.cast.grid_a.pk, "care_tag": world.tag.pk, "title": "助浴", "estimated_value": "50"})
    assert response.status_code == 302
    wish = Wish.objects.get()
    assert (wish.household, wish.resident, wish.source_visit) == (world.households[1], None, visit)


def test_a_visit_out_of_scope_is_404(world, login):
    visit = visit_of(world)
    response = login(world.cast.grid_worker_b).get(reverse("participation:wish_new") + f"?visit={visit.pk}")
    assert response.status_code == 404
    assert login(world.cast.grid_worker_a).get(reverse("participation:wish_new") + "?visit=x").status_code == 404
