"""Cases through the API: the list (filters, cursor pages, query count), one case with its
timeline and ETag, and scope — the same answers the pages give."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cases.models import Case
from cases.testing import advance, report

pytestmark = pytest.mark.django_db


def _numbers(response):
    return [row["number"] for row in response.json()["results"]]


def test_it_lists_the_cases_in_scope_newest_first(cc, api):
    first, second = report(cc), report(cc, category="t-building")
    response = api(cc.dispatcher).get("/api/v1/cases/")
    assert response.status_code == 200
    assert _numbers(response) == [second.number, first.number]
    row = response.json()["results"][0]
    assert row["category"]["code"] == "t-building"
    assert row["grid"]["code"] == cc.cast.grid_a.code
    assert row["status"] == "reported"
    assert row["reported_at"].endswith("+08:00")


def test_other_streets_see_nothing_and_outsiders_are_refused_as_on_the_workbench(cc, api):
    case = report(cc)
    assert _numbers(api(cc.other_street_dispatcher).get("/api/v1/cases/")) == []
    response = api(cc.cast.outsider).get("/api/v1/cases/")
    assert response.status_code == 403
    assert response.json()["detail"] == "您没有查看事件的权限。"
    assert api(cc.cast.outsider).get(f"/api/v1/cases/{case.number}/").status_code == 404


def test_a_handler_sees_only_the_cases_of_their_unit(cc, api):
    dispatched = advance(report(cc), "dispatched", cc)
    report(cc)
    assert _numbers(api(cc.property_handler).get("/api/v1/cases/")) == [dispatched.number]


def test_it_filters_like_the_workbench(cc, api):
    report(cc)
    building = report(cc, category="t-building")
    response = api(cc.dispatcher).get("/api/v1/cases/", {"category": cc.category("t-building").pk})
    assert _numbers(response) == [building.number]
    response = api(cc.dispatcher).get("/api/v1/cases/", {"area": cc.cast.grid_b.code})
    assert _numbers(response) == []


@pytest.mark.parametrize("params, name", [
    ({"status": "nonsense"}, "status"),
    ({"date_from": "2026-13-01"}, "date_from"),
    ({"area": "410103001000"}, "area"),  # another street: not offered, as on the page
    ({"page_size": "0"}, "page_size"),
    ({"page_size": "abc"}, "page_size"),
    ({"cursor": "%%%"}, "cursor"),
    ({"cursor": "WzFd"}, "cursor"),  # valid base64, not our key
    ({"crs": "mercator"}, "crs"),
])
def test_a_bad_filter_is_a_400_naming_the_parameter(cc, api, params, name):
    response = api(cc.dispatcher).get("/api/v1/cases/", params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == [name]
    assert name in body["detail"]


def test_the_cursor_is_stable_while_cases_are_reported(cc, api):
    cases = [report(cc) for _ in range(5)]
    client = api(cc.dispatcher)
    page = client.get("/api/v1/cases/", {"page_size": 2}).json()
    seen = [row["number"] for row in page["results"]]
    report(cc)  # a newer case arrives between pages
    report(cc)
    while page["next"]:
        page = client.get(page["next"]).json()
        seen.extend(row["number"] for row in page["results"])
    assert seen == [case.number for case in reversed(cases)]


def test_the_cursor_orders_cases_reported_at_the_same_moment(cc, api):
    cases = [report(cc) for _ in range(3)]
    Case.objects.update(reported_at=timezone.now() - datetime.timedelta(hours=1))
    client = api(cc.dispatcher)
    page = client.get("/api/v1/cases/", {"page_size": 1}).json()
    seen = [row["number"] for row in page["results"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        seen.extend(row["number"] for row in page["results"])
    assert seen == sorted((case.number for case in cases), reverse=True)


def test_the_query_count_does_not_depend_on_the_page_size(cc, api, django_assert_num_queries):
    for _ in range(6):
        advance(report(cc), "dispatched", cc)
    client = api(cc.dispatcher)
    client.get("/api/v1/cases/")  # warm the caches of the first request
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (1, 6):
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get("/api/v1/cases/", {"page_size": size}).json()["results"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_case_shows_its_timeline_and_etag(cc, api):
    case = advance(report(cc), "pending_dispatch", cc)
    response = api(cc.dispatcher).get(f"/api/v1/cases/{case.number}/")
    assert response.status_code == 200
    body = response.json()
    assert [entry["verb"] for entry in body["timeline"]] == ["report", "accept"]
    assert body["timeline"][1]["to_status"] == "pending_dispatch"
    assert "dispatch" in body["allowed_actions"]
    assert response["ETag"] == f'"{case.pk}-{case.version}"'


@pytest.mark.parametrize("who", ["grid_worker_b", "outsider", "other_street_dispatcher"])
def test_a_case_outside_scope_is_404(cc, api, who):
    case = report(cc)
    user = getattr(cc, who, None) or getattr(cc.cast, who)
    response = api(user).get(f"/api/v1/cases/{case.number}/")
    assert response.status_code == 404
    assert response.json() == {"status": 404, "code": "not_found", "detail": response.json()["detail"]}


def test_it_gives_positions_in_the_asked_coordinate_system(cc, api):
    case = report(cc, longitude=113.51, latitude=34.72)
    client = api(cc.dispatcher)
    wgs = client.get(f"/api/v1/cases/{case.number}/").json()["location"]
    gcj = client.get(f"/api/v1/cases/{case.number}/", {"crs": "GCJ-02"}).json()["location"]
    assert wgs == {"type": "Point", "coordinates": [113.51, 34.72]}
    assert gcj["coordinates"] != wgs["coordinates"]
    assert abs(gcj["coordinates"][0] - 113.51) < 0.01


def test_it_echoes_the_request_id(cc, api):
    response = api(cc.dispatcher).get("/api/v1/cases/")
    assert len(response["X-Request-Id"]) >= 8


def test_the_session_works_for_the_pages_scripts(cc, client):
    case = report(cc)
    client.force_login(cc.dispatcher)
    assert client.get(f"/api/v1/cases/{case.number}/").status_code == 200
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.force_login(cc.dispatcher)
    response = csrf_client.post(f"/api/v1/cases/{case.number}/accept/", {}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    case.refresh_from_db()
    assert case.status == "reported"
