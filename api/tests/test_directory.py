"""Organisations, a grid's team and the resident search through the API: the same scope and
masking as the pages; an exact-number search is a logged, limited lookup."""

from __future__ import annotations

import pytest

from accounts.models import Duty, Organisation, OrganisationKind, TeamMember
from accounts.testing import make_user
from audit.models import AccessLogEntry
from registry.pii import masked_resident
from registry.tests.test_pages import LI_PHONE, ZHANG_ID, ZHANG_PHONE, World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast) -> World:
    return build_world(cast)


def test_organisations_are_those_managed_in_the_users_areas(cc, api):
    other = Organisation.objects.create(name="建设路物业", kind=OrganisationKind.PROPERTY,
                                        home_area=cc.cast.street2)
    client = api(cc.dispatcher)
    body = client.get("/api/v1/organisations/").json()
    names = [row["name"] for row in body["results"]]
    assert cc.property_company.name in names and cc.enforcement.name in names
    assert other.name not in names
    assert names == sorted(names)
    properties = client.get("/api/v1/organisations/", {"kind": "property"}).json()["results"]
    assert {row["kind"] for row in properties} == {"property"}
    assert properties[0]["kind_label"] == "物业公司"


def test_organisations_page_by_cursor_and_refuse_bad_filters(cc, api):
    for index in range(3):
        Organisation.objects.create(name=f"单位{index}", kind=OrganisationKind.OTHER, home_area=cc.cast.street1)
    client = api(cc.dispatcher)
    first = client.get("/api/v1/organisations/", {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    seen = [row["id"] for row in first["results"]]
    url = first["next"]
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == Organisation.objects.filter(home_area=cc.cast.street1).count()
    bad = client.get("/api/v1/organisations/", {"kind": "bank", "area": "999"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"kind", "area"}


def test_a_grids_team_in_board_order_and_out_of_scope_is_404(cast, api):
    TeamMember.objects.create(area=cast.grid_a, duty=Duty.SUPERVISOR, name="赵督导", phone="13700000009")
    TeamMember.objects.create(area=cast.grid_a, duty=Duty.GRID_LEADER, name="王网格长", phone="13700000001")
    TeamMember.objects.create(area=cast.grid_c, duty=Duty.GRID_LEADER, name="外街道", phone="13700000002")
    client = api(cast.grid_worker_a, ["areas:read"])
    body = client.get(f"/api/v1/areas/{cast.grid_a.code}/team/").json()
    assert [m["name"] for m in body["members"]] == ["王网格长", "赵督导"]
    assert body["members"][0]["duty_label"] == "网格长" and body["members"][0]["phone"] == "13700000001"
    assert client.get(f"/api/v1/areas/{cast.grid_c.code}/team/").status_code == 404


def test_resident_search_rows_are_masked_and_scoped(world, api):
    client = api(world.leader_a)
    body = client.get("/api/v1/residents/", {"q": "张"}).json()
    assert [row["name"] for row in body["results"]] == ["张三"]
    row = body["results"][0]
    masked = masked_resident(world.zhang)
    assert (row["document"], row["phone"]) == (masked.document, masked.phone)
    assert ZHANG_ID not in str(body) and ZHANG_PHONE not in str(body)
    names = {row["name"] for row in client.get("/api/v1/residents/").json()["results"]}
    assert names == {"张三", "李四", "赵六"}  # 王五 lives in another street's grid
    assert not AccessLogEntry.objects.exists()  # a name search reveals nothing to log


def test_an_exact_number_search_is_a_logged_lookup(world, api):
    client = api(world.leader_a)
    body = client.get("/api/v1/residents/", {"number": LI_PHONE}).json()
    assert [row["name"] for row in body["results"]] == ["李四"]
    entry = AccessLogEntry.objects.get()
    assert entry.user == world.leader_a and LI_PHONE not in str(entry.__dict__)
    partial = client.get("/api/v1/residents/", {"number": "7850"})
    assert partial.status_code == 400 and list(partial.json()["errors"]) == ["number"]
    assert AccessLogEntry.objects.count() == 1


def test_the_lookup_limit_applies_to_the_api(world, api, settings):
    settings.REGISTRY_IDENTIFIER_LOOKUPS_PER_HOUR = 1
    client = api(world.leader_a)
    assert client.get("/api/v1/residents/", {"number": LI_PHONE}).status_code == 200
    refused = client.get("/api/v1/residents/", {"number": ZHANG_PHONE})
    assert refused.status_code == 429 and "每人每小时最多1次" in refused.json()["detail"]


def test_resident_search_needs_the_registry_scope_and_permission(world, api):
    assert api(world.leader_a, ["cases:read"]).get("/api/v1/residents/").status_code == 404
    handler = make_user("handler_x", "property_handler", world.cast.street1)
    assert api(handler).get("/api/v1/residents/").status_code == 403
