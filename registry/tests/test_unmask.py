"""查看完整信息: unmasking needs the permission and a reason, and writes an access-log row."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.testing import Cast, make_user
from audit.models import AccessLogEntry
from registry.tests.test_pages import ZHANG_ID, ZHANG_PHONE, World, assert_masked, build_world


@pytest.fixture
def world(cast: Cast) -> World:
    return build_world(cast)


def unmask(client, world: World, reason: str = "入户核实", **headers: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("registry:resident_unmask", args=[world.zhang.pk]), {"reason": reason},
                       HTTP_HX_REQUEST="true", **headers)


def test_it_shows_the_clear_values_once_and_logs_who_whose_why(world, login):
    client = login(world.leader_a)
    page = client.get(reverse("registry:resident", args=[world.zhang.pk])).content.decode()
    assert "查看完整信息" in page
    assert_masked(page)
    response = unmask(client, world)
    content = response.content.decode()
    assert response.status_code == 200
    assert ZHANG_ID in content and ZHANG_PHONE in content and "1950-01-01" in content
    assert response["Cache-Control"] == "no-store"
    entry = AccessLogEntry.objects.get()
    assert entry.user == world.leader_a and entry.object_id == str(world.zhang.pk)
    assert entry.reason == "入户核实" and entry.fields == "id_number,phone,birth_date"
    assert entry.request_id == response["X-Request-Id"]
    assert entry.area_code == world.cast.grid_a.code
    assert_masked(client.get(reverse("registry:resident", args=[world.zhang.pk])).content.decode())


def test_it_answers_a_full_page_without_htmx(world, login):
    response = login(world.leader_a).post(reverse("registry:resident_unmask", args=[world.zhang.pk]),
                                          {"reason": "入户核实登记"})
    assert response.status_code == 200 and "<html" in response.content.decode()
    assert ZHANG_ID in response.content.decode()


@pytest.mark.parametrize("reason", ["", "核实", "  看 "])
def test_it_asks_for_a_reason_of_four_characters(world, login, reason):
    response = unmask(login(world.leader_a), world, reason)
    content = response.content.decode()
    assert "查看事由" in content
    assert ("查看事由至少需要4个字。" in content) or ("请填写查看事由。" in content)
    assert_masked(content)
    assert not AccessLogEntry.objects.exists()


def test_it_refuses_without_the_permission_and_writes_no_row(world, login):
    client = login(world.cast.grid_worker_a)
    assert "查看完整信息" not in client.get(reverse("registry:resident", args=[world.zhang.pk])).content.decode()
    response = unmask(client, world)
    assert response.status_code == 403
    assert "您没有查看该居民完整证件号码和电话的权限。" in response.content.decode()
    assert_masked(response.content.decode())
    assert not AccessLogEntry.objects.exists()


def test_it_answers_404_outside_scope(world, login):
    assert unmask(login(world.cast.other_street_leader), world).status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_it_lets_a_street_leader_and_community_staff_unmask_in_their_area(world, login):
    staff = make_user("staff", "community_staff", world.cast.community1)
    assert unmask(login(world.cast.street_leader), world).status_code == 200
    assert unmask(login(staff), world).status_code == 200
    assert AccessLogEntry.objects.count() == 2


def test_it_lists_unmaskings_on_the_access_log_page_in_scope(world, login):
    unmask(login(world.leader_a), world, "入户核实")
    admin = login(world.cast.district_admin)
    response = admin.get(reverse("registry:access_log"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "入户核实" in content and "grid_leader_a" in content and "张三" in content
    assert_masked(content)
    assert "入户核实" not in admin.get(reverse("registry:access_log"), {"user": "nobody"}).content.decode()
    other = login(world.cast.other_district_admin).get(reverse("registry:access_log")).content.decode()
    assert "入户核实" not in other
    assert login(world.cast.grid_worker_a).get(reverse("registry:access_log")).status_code == 403
