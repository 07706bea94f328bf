"""Statistics through the API: the statistics page's figures, definitions, scope and filters."""

from __future__ import annotations

import pytest

from cases.models import Rating, RatingSource, Status
from cases.tests.stats_factory import make_category, make_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(cast):
    lamp = make_category("t-lamp", "路灯")
    noise = make_category("t-noise", "噪音扰民")
    return [
        make_row(cast, lamp, hours=10, rating=Rating.SATISFIED, rating_source=RatingSource.CALLBACK),
        make_row(cast, lamp, grid=cast.grid_b, hours=30, rating=Rating.DISSATISFIED, rating_source=RatingSource.SELF),
        make_row(cast, noise, grid=cast.grid_b, status=Status.HANDLING),
        make_row(cast, noise, grid=cast.grid_c, hours=5, rating=Rating.SATISFIED, reported="2026-04-02 09:00"),
    ]


def test_the_figures_are_the_pages(rows, cast, api):
    body = api(cast.street_leader).get("/api/v1/statistics/").json()
    overall = body["overall"]
    # As the page shows the street leader: 受理 3, 办结率 2/3, 满意率 1/2 (the street's cases only).
    assert (overall["accepted"], overall["closed"], overall["rated"], overall["satisfied"]) == (3, 2, 2, 1)
    assert overall["completion_rate"] == pytest.approx(2 / 3) and overall["satisfaction_rate"] == 0.5
    assert (overall["self_rated"], overall["callback_rated"]) == (1, 1)
    assert overall["median_estimated"] is True and 15 < overall["median_hours"] < 25
    tables = {table["key"]: table for table in body["tables"]}
    assert {row["label"] for row in tables["area"]["rows"]} == {"百花社区"}
    assert sum(row["accepted"] for row in tables["category"]["rows"]) == 3


def test_filters_are_the_pages_and_bad_values_are_400(rows, cast, api):
    client = api(cast.street_leader)
    lamp = client.get("/api/v1/statistics/", {"category": rows[0].category_id}).json()
    assert lamp["overall"]["accepted"] == 2
    bad = client.get("/api/v1/statistics/", {"area": cast.other_district.code, "period": "century"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"area", "period"}


def test_another_district_sees_nothing_and_a_worker_may_not_read_statistics(rows, cast, api):
    assert api(cast.other_district_admin).get("/api/v1/statistics/").json()["overall"]["accepted"] == 0
    assert api(cast.grid_worker_a).get("/api/v1/statistics/").status_code == 403
