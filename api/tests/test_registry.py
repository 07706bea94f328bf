"""Residents through the API: masked exactly as on the pages; unmasking is its own endpoint
with a reason, and writes the access log."""

from __future__ import annotations

import pytest

from audit.models import AccessLogEntry
from registry.pii import masked_resident
from registry.tests.test_pages import ZHANG_ID, ZHANG_PHONE, World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast) -> World:
    return build_world(cast)


def test_a_resident_is_masked_as_on_the_pages(world, api):
    response = api(world.leader_a).get(f"/api/v1/residents/{world.zhang.pk}/")
    assert response.status_code == 200
    body = response.json()
    masked = masked_resident(world.zhang)
    assert (body["document"], body["phone"], body["birth_year"]) == (masked.document, masked.phone, 1950)
    assert ZHANG_ID not in response.content.decode() and ZHANG_PHONE not in response.content.decode()
    assert "1950-01-01" not in response.content.decode()
    assert not AccessLogEntry.objects.exists()


def test_unmasking_needs_a_reason_and_is_logged(world, api):
    client = api(world.leader_a)
    url = f"/api/v1/residents/{world.zhang.pk}/unmask/"
    refused = client.post(url, {"reason": "看"}, content_type="application/json")
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["reason"]
    assert not AccessLogEntry.objects.exists()
    response = client.post(url, {"reason": "入户核实"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"id_number": ZHANG_ID, "phone": ZHANG_PHONE, "birth_date": "1950-01-01"}
    assert response["Cache-Control"] == "no-store"
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.reason, entry.object_id) == (world.leader_a, "入户核实", str(world.zhang.pk))
    assert entry.request_id == response["X-Request-Id"]


def test_unmasking_without_the_permission_is_403_and_logs_nothing(world, api):
    response = api(world.cast.grid_worker_a).post(f"/api/v1/residents/{world.zhang.pk}/unmask/",
                                                  {"reason": "入户核实"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"] == "您没有查看该居民完整证件号码和电话的权限。"
    assert not AccessLogEntry.objects.exists()


def test_a_resident_outside_scope_or_token_scope_is_404(world, api):
    assert api(world.cast.other_street_leader).get(f"/api/v1/residents/{world.zhang.pk}/").status_code == 404
    no_registry = api(world.leader_a, ["cases:read"])
    assert no_registry.get(f"/api/v1/residents/{world.zhang.pk}/").status_code == 404
    assert no_registry.post(f"/api/v1/residents/{world.zhang.pk}/unmask/", {"reason": "入户核实"},
                            content_type="application/json").status_code == 404
    assert not AccessLogEntry.objects.exists()
