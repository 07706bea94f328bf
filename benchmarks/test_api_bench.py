"""API lists on a generated city (issue 12): ``GET /api/v1/cases/`` (cursor pages of 50, with a
personal access token) and ``GET /open311/v2/requests.json`` (pages of 50), page 1 and a deep
page, at 20,000 and 200,000 cases. PostgreSQL only (skipped on SQLite).

The cities come from ``manage.py generate_city`` (``--streets cases/5000 --residents cases/10
--years 2 --seed 1``) in databases of their own next to the test database, named
``<database>_api_<cases>`` (``h_bench`` → ``h_bench_api_20000``; ``BENCH_API_DATABASE_PREFIX``
overrides ``<database>_api_``). Each is generated the first time and reused afterwards: the
benchmark swaps the default connection onto it for the duration of the module and writes only
an access token (one per run) there. Delete the database to regenerate it.

Sizes: ``BENCH_API_CASES`` (comma-separated, default ``20000,200000``). Sets of 100,000 cases
and more are marked ``big`` and run only when asked (``-m big`` or ``BENCH_BIG=1``)::

    make bench BENCH_ARGS="benchmarks/test_api_bench.py"              # 20,000 only
    make bench BENCH_ARGS="benchmarks/test_api_bench.py -m big"       # 200,000 only (generated once)
    BENCH_BIG=1 make bench BENCH_ARGS="benchmarks/test_api_bench.py"  # both

The client is the district leader (``city-district-leader``: every case of the city is in scope,
so the list's cost is the whole table's, not a street's). The deep API page starts from the
cursor of row min(49,950, cases − 51) of its order (page 1,000 where there are that many rows);
the Open311 feed pages by ``page`` (GeoReport v2 has no cursor), and its deep page is page 40 of
the default 90-day window at both sizes (about half of the 20,000 set's window). Every benchmark
asserts that its request costs the same number of queries at page 1 and deep, and at every size.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from accounts.models import User
from api.models import Scope
from api.pagination import encode_cursor
from api.tokens import token_create
from api.views.cases import CASE_ORDER
from cases.models import Case

ROOT = Path(__file__).resolve().parent.parent
BIG = 100_000
LEADER = "city-district-leader"
DEEP_API_ROWS = 50 * 999
OPEN311_DEEP_PAGE = 40
QUERIES: dict[str, int] = {}  # endpoint -> queries per request, the same at every size and page


def _sizes() -> list[Any]:
    sizes = [int(size) for size in os.environ.get("BENCH_API_CASES", "20000,200000").split(",") if size.strip()]
    return [pytest.param(size, marks=[pytest.mark.big] if size >= BIG else [], id=f"{size}") for size in sizes]


@dataclass(frozen=True)
class City:
    cases: int
    database: str
    token: str
    deep_cursor: str


def _database_url(name: str) -> str:
    settings = connection.settings_dict
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host, port = settings.get("HOST") or "127.0.0.1", settings.get("PORT") or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def _database_name(cases: int) -> str:
    base = str(connection.settings_dict["NAME"]).removeprefix("test_")
    return f"{os.environ.get('BENCH_API_DATABASE_PREFIX', f'{base}_api_')}{cases}"


def _ensure_city(name: str, cases: int) -> None:
    """Create, migrate and fill the database unless the city is there already."""
    with psycopg.connect(_database_url("postgres"), autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": _database_url(name)}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    streets = max(2, cases // 5_000)
    generated = subprocess.run(
        [*manage, "generate_city", "--streets", str(streets), "--residents", str(cases // 10), "--cases",
         str(cases), "--years", "2", "--seed", "1"],
        cwd=ROOT, env=env, text=True, capture_output=True, check=False,
    )
    if generated.returncode != 0 and "already there" not in generated.stderr:
        raise RuntimeError(f"generate_city failed:\n{generated.stderr}")


@contextlib.contextmanager
def _connected_to(name: str) -> Iterator[None]:
    """The default connection on another database of the same server, then back."""
    saved = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    caches["default"].clear()
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = saved
        caches["default"].clear()


@pytest.fixture(scope="module", params=_sizes())
def city(request: pytest.FixtureRequest, django_db_blocker: Any) -> City:
    if connection.vendor != "postgresql":
        pytest.skip("the API benchmarks run on PostgreSQL (DATABASE_URL=postgres://…)")
    cases = int(request.param)
    name = _database_name(cases)
    with django_db_blocker.unblock():
        _ensure_city(name, cases)
        with _connected_to(name):
            leader = User.objects.get(username=LEADER)
            _token, secret = token_create(user=leader, name="benchmark", scopes=[Scope.CASES_READ],
                                          expires_at=timezone.now() + datetime.timedelta(days=1), actor=leader)
            total = Case.objects.count()
            deep = Case.objects.order_by(*CASE_ORDER.order())[min(DEEP_API_ROWS, total - 51)]
    return City(cases, name, secret, encode_cursor(CASE_ORDER.key_of(deep)))


def _timed(benchmark: Any, endpoint: str, get: Any, rows: int) -> None:
    """Benchmark ``get`` (returns the rows of a page) after checking its rows and queries."""
    assert get() == rows  # warm: the token's use is noted at most once a minute, the menus cached
    with CaptureQueriesContext(connection) as queries:
        assert get() == rows
    assert QUERIES.setdefault(endpoint, len(queries)) == len(queries), (
        f"{endpoint}: {len(queries)} queries here, {QUERIES[endpoint]} on another page or size"
    )
    benchmark.extra_info["queries"] = len(queries)
    assert benchmark.pedantic(get, rounds=10, iterations=1, warmup_rounds=1) == rows


@override_settings(API_RATE_PER_MINUTE=1_000_000)
@pytest.mark.parametrize("deep", [False, True], ids=["page-1", "deep"])
def test_api_cases_list(benchmark: Any, city: City, django_db_blocker: Any, deep: bool) -> None:
    client = Client(headers={"authorization": f"Bearer {city.token}"})
    path = "/api/v1/cases/" + (f"?cursor={city.deep_cursor}" if deep else "")

    def get() -> int:
        response = client.get(path)
        assert response.status_code == 200, response.content[:300]
        return len(response.json()["results"])

    with django_db_blocker.unblock(), _connected_to(city.database):
        _timed(benchmark, "api cases", get, 50)


@pytest.mark.parametrize("deep", [False, True], ids=["page-1", "deep"])
def test_open311_requests_list(benchmark: Any, city: City, django_db_blocker: Any, deep: bool) -> None:
    client = Client()
    path = "/open311/v2/requests.json?page_size=50&extensions=true" + (f"&page={OPEN311_DEEP_PAGE}" if deep else "")

    def get() -> int:
        response = client.get(path)
        assert response.status_code == 200, response.content[:300]
        return len(response.json())

    with django_db_blocker.unblock(), _connected_to(city.database):
        _timed(benchmark, "open311 requests", get, 50)
