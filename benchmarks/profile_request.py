"""Where one request's time goes: total, in SQL, and the slowest statements.

    .venv/bin/python benchmarks/profile_request.py [--cases 20000] [--user city-s001-dispatcher] [--explain N] PATH...
    .venv/bin/python benchmarks/profile_request.py --report [--repeat 20] [--cprofile 25]

Runs in-process (Django's test client) on the ``make bench-load`` database with the same
settings, after one warm-up request, and prints per path: wall time, SQL time and count, and
the five slowest statements (first 300 characters each). ``--explain N`` also prints
``EXPLAIN (ANALYZE, BUFFERS)`` of the N slowest statements of the last request (for
docs/performance.md).

``--report`` profiles the anonymous 随手拍 POST instead (``/s/report/`` without a photo, as the
``make bench-load`` scenario sends it: a CSRF-checking client, a new phone per request; answer
302). ``--cprofile N`` also prints the N functions with the most cumulative time (all repeats);
``PROFILE_SORT=tottime`` sorts them by their own time instead; ``PROFILE_CALLERS=name`` also
prints the callers of the functions whose names match ``name``.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_load import environment  # noqa: E402


class SqlTimer:
    """A database execute wrapper that records (seconds, statement) of every query."""

    def __init__(self, statements: list[tuple[float, str]], last: list[tuple[float, str, Any]] | None = None,
                 ) -> None:
        self.statements = statements
        self.last = last if last is not None else []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((time.perf_counter() - began, sql))
            self.last.append((self.statements[-1][0], sql, params))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--report", action="store_true", help="profile the anonymous 随手拍 POST")
    parser.add_argument("--cprofile", type=int, default=0, help="print the N functions with most cumulative time")
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--user", default="city-s001-dispatcher")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--statements", action="store_true", help="list every statement of the last request")
    parser.add_argument("--explain", type=int, default=0, help="EXPLAIN the N slowest statements")
    options = parser.parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL",
                                  f"postgres://postgres@127.0.0.1:5432/wangge_bench_{options.cases}")
    os.environ.update(environment(database_url, ROOT / "var" / "bench"))
    os.environ.update(ALLOWED_HOSTS="testserver", BENCH_QUERY_COUNT="0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.test import Client

    from accounts.models import User

    if options.report:
        report(options)
        return
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.force_login(User.objects.get(username=options.user))
    for path in options.paths:
        client.get(path)  # warm-up: caches, connections
        measure(path, lambda path=path: client.get(path).status_code, options)


def report(options: argparse.Namespace) -> None:
    """The 随手拍 POST, anonymous and CSRF-checked, a new phone and address each time (the rate limits count)."""
    from django.test import Client

    from cases.models import Category

    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_REFERER="https://testserver/s/report/",
                    enforce_csrf_checks=True)
    client.get("/s/report/", secure=True)
    category = Category.objects.filter(public=True, is_active=True).values_list("pk", flat=True)[0]
    counter = iter(range(10**8))

    def post() -> int:
        # Each report from its own resident (address and phone), as in bench_load: the rate limits as shipped.
        n = (next(counter) + os.getpid() * 1000) % 2**24
        fields = {"category": str(category), "description": "楼道里堆放杂物，影响通行。", "address": "1号楼",
                  "grid": "410199001001001", "reporter_phone": f"138{n:08d}",
                  "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
        response = client.post("/s/report/", fields, secure=True,
                               HTTP_X_REAL_IP=f"10.{n >> 16}.{(n >> 8) & 255}.{n & 255}")
        assert response.status_code == 302, (response.status_code, response.content[:2000])
        return response.status_code

    post()  # warm-up
    measure("POST /s/report/", post, options)


def measure(label: str, request: Any, options: argparse.Namespace) -> None:
    from django.db import connection

    statements: list[tuple[float, str]] = []
    profiler = cProfile.Profile() if options.cprofile else None
    began = time.perf_counter()
    last: list[tuple[float, str, Any]] = []
    with connection.execute_wrapper(SqlTimer(statements, last)):
        for _ in range(options.repeat):
            last.clear()
            if profiler is not None:
                profiler.enable()
            status = request()
            if profiler is not None:
                profiler.disable()
    wall = (time.perf_counter() - began) / options.repeat
    sql = sum(seconds for seconds, _ in statements) / options.repeat
    print(f"{label}  status {status}: {wall * 1000:.1f} ms per request, SQL {sql * 1000:.1f} ms "
          f"in {len(statements) // options.repeat} statements")
    for seconds, text in sorted(statements, reverse=True)[: 5 * options.repeat: options.repeat]:
        print(f"   {seconds * 1000:7.1f} ms  {' '.join(text.split())[:300]}")
    if options.statements:
        for seconds, text, _params in last:
            print(f"   {seconds * 1000:7.2f} ms  {' '.join(text.split())[:160]}")
    for _seconds, text, params in sorted(last, key=lambda found: found[0], reverse=True)[: options.explain]:
        explain(connection, text, params)
    if profiler is not None:
        stats = pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative"))
        stats.print_stats(options.cprofile)
        if os.environ.get("PROFILE_CALLERS"):  # who calls the functions whose names match it
            stats.print_callers(os.environ["PROFILE_CALLERS"])


def explain(connection: Any, sql: str, params: Any) -> None:
    """Print the statement (parameters filled in) and its plan with timings and buffers."""
    with connection.cursor() as cursor:
        print("\n" + str(cursor.mogrify(sql, params)))
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        for (line,) in cursor.fetchall():
            print("    " + line)


if __name__ == "__main__":
    main()
