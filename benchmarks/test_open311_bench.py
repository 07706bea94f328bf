"""Open311 intake speed (issue 12): an Open311 POST without media next to the 随手拍 form's POST,
which it must not cost more than, in the same run. Run with ``make bench`` (on PostgreSQL for the
figures of the issue: ``DATABASE_URL=postgres://…``).

The two are timed as separate benchmarks (same table, same run) and once more side by side,
alternating request by request so that both see the same machine load
(``test_open311_post_against_the_form``: the medians and their ratio in its ``extra_info``, the
query counts asserted: the Open311 intake may not need more statements than the form).
The lists (``GET /open311/v2/requests.json`` and ``GET /api/v1/cases/``) at 20,000 and 200,000
cases are in ``test_api_bench.py``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from api.open311.keys import key_issue
from cases.models import Case, Category

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("no_report_limits"),
]

POINT = {"long": "113.51", "lat": "34.72"}
SIDE_BY_SIDE_ROUNDS = 20


@pytest.fixture
def no_report_limits() -> Any:
    with override_settings(CASES_PUBLIC_REPORTS_PER_IP_HOUR=10_000, CASES_PUBLIC_REPORTS_PER_PHONE_HOUR=10_000):
        yield


def _open311_post(cast: Any, category: Category) -> Callable[[], int]:
    _key, secret = key_issue(name="bench", actor=cast.superuser)
    client = Client()
    data = {"api_key": secret, "service_code": category.code, "description": "路灯不亮。", "phone": "13912345678",
            **POINT}

    def post() -> int:
        caches["default"].clear()
        return client.post("/open311/v2/requests.json", data).status_code

    return post


def _form_post(category: Category) -> Callable[[], int]:
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

    return post


def _category() -> Category:
    return Category.objects.create(code="b-lamp", name="路灯", public=True)


def test_open311_post_without_media(benchmark: Any, cast: Any) -> None:
    post = _open311_post(cast, _category())
    assert benchmark.pedantic(post, rounds=20, iterations=1, warmup_rounds=1) == 200


def test_public_report_form_without_photos(benchmark: Any, cast: Any) -> None:
    """The 随手拍 form's own POST: what the Open311 intake is measured against."""
    post = _form_post(_category())
    assert benchmark.pedantic(post, rounds=20, iterations=1, warmup_rounds=1) == 302


def test_open311_post_against_the_form(benchmark: Any, cast: Any) -> None:
    """Both intakes alternately under the same load: the benchmark times the Open311 POST; the
    form's median and the ratio go to ``extra_info`` (and are printed with ``-s``)."""
    category = _category()
    open311, form = _open311_post(cast, category), _form_post(category)
    counts = {}
    for name, post, expected in (("open311", open311, 200), ("form", form, 302)):
        assert post() == expected  # warm
        with CaptureQueriesContext(connection) as queries:
            assert post() == expected
        counts[name] = len(queries)
    # Open311 adds only its own two statements: the key's lookup and its record of the request
    # (the form's anonymous POST writes no session since the codes moved to a signed cookie).
    assert counts["open311"] <= counts["form"] + 2, counts
    times: dict[str, list[float]] = {"open311": [], "form": []}

    def pair() -> int:
        for name, post in (("form", form), ("open311", open311)):
            started = time.perf_counter()
            post()
            times[name].append(time.perf_counter() - started)
        return 200

    before = Case.objects.count()
    benchmark.pedantic(pair, rounds=SIDE_BY_SIDE_ROUNDS, iterations=1, warmup_rounds=1)
    assert Case.objects.count() == before + 2 * (SIDE_BY_SIDE_ROUNDS + 1)
    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    benchmark.extra_info.update({
        "queries": counts, "open311_median_ms": round(medians["open311"], 1),
        "form_median_ms": round(medians["form"], 1), "open311_to_form": round(medians["open311"] / medians["form"], 2),
    })
    print(f"\nside by side: Open311 POST {medians['open311']:.1f} ms ({counts['open311']} queries), "
          f"随手拍 POST {medians['form']:.1f} ms ({counts['form']} queries), "
          f"ratio {medians['open311'] / medians['form']:.2f}")
