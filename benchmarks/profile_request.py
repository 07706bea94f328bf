"""Where one request's time goes: total, in SQL, and the slowest statements.

    .venv/bin/python benchmarks/profile_request.py [--cases 20000] [--user city-s001-dispatcher] [--explain N]
        [--cprofile N] PATH...

Runs in-process (Django's test client) on the ``make bench-load`` database with the same
settings, after one warm-up request, and prints per path: wall time, SQL time and count, and
the five slowest statements (first 300 characters each). ``--explain N`` also prints
``EXPLAIN (ANALYZE, BUFFERS)`` of the N slowest statements of the last request (for
docs/performance.md). ``--cprofile N`` runs the timed requests once more under cProfile and
prints the N functions with the most time of their own and the N with the most time under them
(the Python side: templates, context processors, middleware).
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
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--user", default="city-s001-dispatcher")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--explain", type=int, default=0, help="EXPLAIN the N slowest statements")
    parser.add_argument("--cprofile", type=int, default=0, help="profile the requests, print the top N functions")
    options = parser.parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL",
                                  f"postgres://postgres@127.0.0.1:5432/wangge_bench_{options.cases}")
    os.environ.update(environment(database_url, ROOT / "var" / "bench"))
    os.environ.update(ALLOWED_HOSTS="testserver", BENCH_QUERY_COUNT="0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from accounts.models import User

    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.force_login(User.objects.get(username=options.user))
    for path in options.paths:
        client.get(path)  # warm-up: caches, connections
        statements: list[tuple[float, str]] = []

        began = time.perf_counter()
        last: list[tuple[float, str, Any]] = []
        with connection.execute_wrapper(SqlTimer(statements, last)):
            for _ in range(options.repeat):
                last.clear()
                status = client.get(path).status_code
        wall = (time.perf_counter() - began) / options.repeat
        sql = sum(seconds for seconds, _ in statements) / options.repeat
        print(f"{path}  status {status}: {wall * 1000:.0f} ms per request, SQL {sql * 1000:.0f} ms "
              f"in {len(statements) // options.repeat} statements")
        for seconds, text in sorted(statements, reverse=True)[: 5 * options.repeat: options.repeat]:
            print(f"   {seconds * 1000:7.1f} ms  {' '.join(text.split())[:300]}")
        for _seconds, text, params in sorted(last, key=lambda found: found[0], reverse=True)[: options.explain]:
            explain(connection, text, params)
        if options.cprofile:
            profile(client, path, options.repeat, options.cprofile)


def profile(client: Any, path: str, repeat: int, top: int) -> None:
    """The requests again under cProfile: the top functions by own time and by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def explain(connection: Any, sql: str, params: Any) -> None:
    """Print the statement (parameters filled in) and its plan with timings and buffers."""
    with connection.cursor() as cursor:
        print("\n" + str(cursor.mogrify(sql, params)))
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        for (line,) in cursor.fetchall():
            print("    " + line)


if __name__ == "__main__":
    main()
