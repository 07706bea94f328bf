"""The change log page /audit/: scope, filters, pagination and the before/after diff."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import TeamMember
from areas.models import GridTag
from audit.models import ChangeLogEntry
from core.request_context import acting_as

pytestmark = pytest.mark.django_db

URL = "/audit/"


def shown(response):
    return [row.entry for row in response.context["rows"]]


def add_team(cast, count, area=None):
    with acting_as(cast.district_admin, "seed-team"):
        for number in range(count):
            TeamMember.objects.create(area=area or cast.grid_a, duty="building_head", name=f"楼栋长{number:02d}")


def test_a_street_leader_sees_the_changes_of_their_street_only(cast, login):
    response = login(cast.street_leader).get(URL)
    assert response.status_code == 200
    entries = shown(response)
    assert entries
    assert all(entry.area_code.startswith("410102001") for entry in entries)
    page = response.content.decode()
    assert cast.grid_a.name in page
    assert cast.grid_c.name not in page


def test_the_next_streets_leader_sees_their_street_and_not_ours(cast, login):
    page = login(cast.other_street_leader).get(URL).content.decode()
    assert cast.grid_c.name in page
    assert cast.grid_a.name not in page


def test_a_superuser_also_sees_changes_without_an_area(cast, login):
    GridTag.objects.create(code="volunteer", name="志愿型")
    response = login(cast.superuser).get(URL, {"area_code": ""})
    assert "志愿型" in response.content.decode()


def test_users_without_the_audit_permission_are_refused(cast, login, client):
    assert login(cast.grid_worker_a).get(URL).status_code == 403
    client.logout()
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_filters_by_area_code_prefix(cast, login):
    response = login(cast.district_admin).get(URL, {"area_code": cast.grid_b.code})
    entries = shown(response)
    assert entries
    assert {entry.area_code for entry in entries} == {cast.grid_b.code}


def test_it_filters_by_action_and_object_type(cast, login):
    add_team(cast, 2)
    TeamMember.objects.filter(name="楼栋长00").get().delete()
    team_type = ContentType.objects.get_for_model(TeamMember)
    response = login(cast.district_admin).get(URL, {"action": "delete", "object_type": team_type.pk})
    entries = shown(response)
    assert [(entry.action, entry.object_repr) for entry in entries] == [("delete", "楼栋长 楼栋长00")]


def test_it_filters_by_object_id_and_request_id(cast, login):
    add_team(cast, 3)
    member = TeamMember.objects.get(name="楼栋长01")
    client = login(cast.district_admin)
    by_object = shown(client.get(URL, {"object_id": member.pk, "object_type": ContentType.objects.get_for_model(
        TeamMember).pk}))
    assert [entry.object_repr for entry in by_object] == ["楼栋长 楼栋长01"]
    by_request = shown(client.get(URL, {"request_id": "seed-team"}))
    assert len(by_request) == 3


def test_it_filters_by_user(cast, login):
    add_team(cast, 2)
    client = login(cast.district_admin)
    entries = shown(client.get(URL, {"user": "district_admin"}))
    assert len(entries) == 2
    assert {entry.user_id for entry in entries} == {cast.district_admin.pk}
    assert shown(client.get(URL, {"user": "nobody"})) == []


def test_it_filters_by_date_range(cast, login):
    client = login(cast.district_admin)
    today = timezone.localdate()
    yesterday, tomorrow = today - datetime.timedelta(days=1), today + datetime.timedelta(days=1)
    total = ChangeLogEntry.objects.visible_to(cast.district_admin).count()
    assert client.get(URL, {"date_from": today, "date_to": today}).context["page"].paginator.count == total
    assert shown(client.get(URL, {"date_to": yesterday})) == []
    assert shown(client.get(URL, {"date_from": tomorrow})) == []


def test_it_explains_an_invalid_filter(cast, login):
    response = login(cast.district_admin).get(URL, {"area_code": "41ab"})
    assert shown(response) == []
    assert "区域编码只能由数字组成" in response.content.decode()


def test_each_row_shows_the_before_and_after_of_changed_fields(cast, login):
    add_team(cast, 1)
    member = TeamMember.objects.get()
    member.phone = "13800000009"
    member.save()
    response = login(cast.district_admin).get(URL, {"action": "update", "object_id": member.pk})
    page = response.content.decode()
    row = response.context["rows"][0]
    assert [change.label for change in row.changes] == ["联系电话"]
    assert "<details>" in page
    assert "联系电话" in page
    assert "13800000009" in page


def test_it_pages_fifty_rows_at_a_time_without_extra_queries(cast, login, django_assert_max_num_queries):
    add_team(cast, 60)
    client = login(cast.district_admin)
    total = ChangeLogEntry.objects.visible_to(cast.district_admin).count()
    # One query per related model the page names (here the areas), plus the scope they are read through.
    with django_assert_max_num_queries(10):
        first = client.get(URL)
    assert len(first.context["rows"]) == 50
    with django_assert_max_num_queries(10):
        second = client.get(URL, {"page": 2})
    assert len(second.context["rows"]) == min(50, total - 50)
    assert {entry.pk for entry in shown(first)}.isdisjoint({entry.pk for entry in shown(second)})


def test_the_page_links_keep_the_filters(cast, login):
    add_team(cast, 60)
    page = login(cast.district_admin).get(URL, {"request_id": "seed-team"}).content.decode()
    assert "request_id=seed-team&amp;page=2" in page
