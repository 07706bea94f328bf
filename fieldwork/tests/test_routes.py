"""Routes (巡查轨迹): recorded only with consent while active, drawn on the grid's map only for the
网格长 and 督导员 (404 to everyone else), purged after the retention period."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.testing import make_user
from fieldwork.models import Patrol, RoutePoint
from fieldwork.routes import purge_route_points

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 7)


@pytest.fixture
def walked(fc):
    """A finished campaign patrol of grid A on DAY with three route points."""
    patrol = Patrol.objects.create(
        plan=fc.fire_campaign,
        grid=fc.cast.grid_a,
        worker=fc.cast.grid_worker_a,
        day=DAY,
        location_consent=True,
        finished_at=timezone.now(),
    )
    for step in range(3):
        RoutePoint.objects.create(patrol=patrol, lng=113.51 + step / 1000, lat=34.72, at=timezone.now())
    return patrol


def route_page(client, user, grid, patrol=None):
    client.force_login(user)
    query = f"?day={DAY.isoformat()}" + (f"&patrol={patrol.pk}" if patrol else "")
    return client.get(reverse("fieldwork:route_map", args=[grid.code]) + query)


def map_data(response):
    html = response.content.decode()
    start = html.index('<script id="route-map-data" type="application/json">') + len(
        '<script id="route-map-data" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_the_grid_leader_and_the_supervisor_see_the_route_on_the_grids_map(client, fc, walked):
    for user in (fc.grid_leader, fc.supervisor):
        response = route_page(client, user, fc.cast.grid_a, walked)
        assert response.status_code == 200
        data = map_data(response)
        [line] = data["routes"]["features"]
        assert line["properties"]["patrol"] == walked.pk
        rounded = [[round(lng, 6), round(lat, 6)] for lng, lat in line["geometry"]["coordinates"]]
        assert rounded == [[113.51, 34.72], [113.511, 34.72], [113.512, 34.72]]
        assert [
            feature["properties"]["code"]
            for feature in data["outlines"]["features"]
            if feature["properties"]["role"] == "self"
        ] == [fc.cast.grid_a.code]


@pytest.mark.parametrize("who", ["worker", "community_staff", "street_leader", "building_head", "handler"])
def test_nobody_else_sees_a_route_not_even_the_worker(client, fc, walked, who):
    users = {
        "worker": fc.cast.grid_worker_a,
        "community_staff": make_user("community_staff1", "community_staff", fc.cast.community1),
        "street_leader": fc.cast.street_leader,
        "building_head": fc.building_head,
        "handler": make_user("property_handler", "property_handler", fc.cast.street1),
    }
    user = users[who]
    assert route_page(client, user, fc.cast.grid_a).status_code == 404
    assert client.get(reverse("fieldwork:route", args=[walked.pk])).status_code == 404
    page = client.get(reverse("fieldwork:patrol", args=[walked.pk]))
    assert b"route-link" not in page.content and b"113.51" not in page.content


def test_a_leader_of_another_grid_does_not_see_it(client, fc, walked):
    other_leader = make_user("grid_leader_b", "grid_leader", fc.cast.grid_b)
    assert route_page(client, other_leader, fc.cast.grid_a).status_code == 404


def test_the_patrol_page_links_the_leader_to_the_map(client, fc, walked):
    client.force_login(fc.grid_leader)
    page = client.get(reverse("fieldwork:patrol", args=[walked.pk])).content.decode()
    assert reverse("fieldwork:route_map", args=[fc.cast.grid_a.code]) in page


def test_the_consenting_workers_page_sends_points_at_the_configured_interval(client, fc, settings):
    settings.FIELDWORK_ROUTE_TRACKING = True
    settings.FIELDWORK_ROUTE_INTERVAL_SECONDS = 30
    patrol = Patrol.objects.create(
        plan=fc.fire_campaign,
        grid=fc.cast.grid_a,
        worker=fc.cast.grid_worker_a,
        day=timezone.localdate(),
        location_consent=True,
    )
    client.force_login(fc.cast.grid_worker_a)
    page = client.get(reverse("fieldwork:patrol", args=[patrol.pk])).content.decode()
    assert 'id="route-tracking"' in page and 'data-interval="30"' in page
    Patrol.objects.filter(pk=patrol.pk).update(location_consent=False)
    assert 'id="route-tracking"' not in client.get(reverse("fieldwork:patrol", args=[patrol.pk])).content.decode()


def test_points_older_than_the_retention_are_purged(fc, walked, settings):
    settings.FIELDWORK_ROUTE_RETENTION_DAYS = 30
    now = timezone.now()
    old = RoutePoint.objects.create(patrol=walked, lng=113.5, lat=34.7, at=now - datetime.timedelta(days=31))
    assert purge_route_points(now) == 1
    assert not RoutePoint.objects.filter(pk=old.pk).exists() and RoutePoint.objects.count() == 3
    assert purge_route_points(now) == 0


def test_the_command_purges_with_its_own_days(fc, walked, capsys):
    RoutePoint.objects.update(at=timezone.now() - datetime.timedelta(days=8))
    call_command("purge_route_points", "--days", "7")
    assert not RoutePoint.objects.exists()
    assert "3" in capsys.readouterr().out
