"""Open311 speed: ``GET /open311/v2/requests.json`` (page 50) at 20,000 and 200,000 cases, and an
Open311 POST without media next to the 随手拍 form it must not cost more than. Run with
``make bench`` (on PostgreSQL for the figures of issue 12: ``DATABASE_URL=postgres://…``).

``BENCH_OPEN311_CASES`` (comma-separated) chooses the sizes; by default 20,000 and 200,000 on
PostgreSQL, 20,000 on SQLite. The cases are bulk-inserted into the test cast's grids over the
last 80 days (inside the feed's default 90-day window), so a page reads the newest of all; on
PostgreSQL the tables are then analysed, as autovacuum would after such a load.
Each list benchmark also asserts that the page costs one query whatever the table's size.
"""

from __future__ import annotations

import datetime
import os
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from api.open311.keys import key_issue
from cases.models import Case, Category, Channel, HandlingLevel, Status

pytestmark = pytest.mark.django_db


def _sizes() -> list[int]:
    default = "20000,200000" if connection.vendor == "postgresql" else "20000"
    return [int(size) for size in os.environ.get("BENCH_OPEN311_CASES", default).split(",") if size.strip()]


def _cases(cast: Any, count: int) -> Category:
    category = Category.objects.create(code="b-lamp", name="路灯", public=True)
    grids = [cast.grid_a, cast.grid_b, cast.grid_c]
    start = timezone.now() - datetime.timedelta(days=80)
    step = datetime.timedelta(days=80) / count
    rows = []
    for n in range(count):
        grid = grids[n % 3]
        reported = start + step * n
        rows.append(
            Case(
                number=f"B{n:09d}",
                tracking_code=f"b{n:09d}",
                category=category,
                channel=Channel.RESIDENT,
                description=f"第{n}号路灯不亮。",
                address=f"百花小区{n % 40}号楼",
                grid=grid,
                grid_code=grid.code,
                community_code=grid.code[:12],
                street_code=grid.code[:9] + "000",
                desk_area=grid,
                level=HandlingLevel.GRID,
                reported_at=reported,
                longitude=113.51,
                latitude=34.72,
                accept_due_at=reported + datetime.timedelta(hours=4),
                status=Status.CLOSED if n % 2 else Status.REPORTED,
                closed_at=reported + datetime.timedelta(hours=30) if n % 2 else None,
            )
        )
        if len(rows) == 5000:
            Case.objects.bulk_create(rows)
            rows = []
    Case.objects.bulk_create(rows)
    if connection.vendor == "postgresql":  # what autovacuum does after a load: the planner needs statistics
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_case, cases_category")
    return category


@pytest.mark.parametrize("count", _sizes())
def test_get_requests_json_page_50(benchmark: Any, cast: Any, count: int) -> None:
    _cases(cast, count)
    client = Client()

    def page() -> int:
        response = client.get("/open311/v2/requests.json?page_size=50&extensions=true")
        assert response.status_code == 200
        return len(response.json())

    with CaptureQueriesContext(connection) as queries:
        assert page() == 50
    assert len(queries) == 1
    assert benchmark.pedantic(page, rounds=5, iterations=1, warmup_rounds=1) == 50


POINT = {"long": "113.51", "lat": "34.72"}


@override_settings(CASES_PUBLIC_REPORTS_PER_IP_HOUR=10_000, CASES_PUBLIC_REPORTS_PER_PHONE_HOUR=10_000)
def test_open311_post_without_media(benchmark: Any, cast: Any) -> None:
    Category.objects.create(code="b-lamp", name="路灯", public=True)
    _key, secret = key_issue(name="bench", actor=cast.superuser)
    client = Client()
    data = {"api_key": secret, "service_code": "b-lamp", "description": "路灯不亮。", "phone": "13912345678", **POINT}

    def post() -> int:
        caches["default"].clear()
        return client.post("/open311/v2/requests.json", data).status_code

    assert benchmark.pedantic(post, rounds=20, iterations=1, warmup_rounds=1) == 200


@override_settings(CASES_PUBLIC_REPORTS_PER_IP_HOUR=10_000, CASES_PUBLIC_REPORTS_PER_PHONE_HOUR=10_000)
def test_public_report_form_without_photos(benchmark: Any, cast: Any) -> None:
    """The 随手拍 form's own POST: what the Open311 intake is measured against."""
    category = Category.objects.create(code="b-lamp", name="路灯", public=True)
    client = Client()
    data = {
        "category": category.pk,
        "description": "路灯不亮。",
        "reporter_phone": "13912345678",
        "longitude": "113.51",
        "latitude": "34.72",
        "system": "WGS84",
    }

    def post() -> int:
        caches["default"].clear()
        return client.post("/s/report/", data).status_code

    assert benchmark.pedantic(post, rounds=20, iterations=1, warmup_rounds=1) == 302
