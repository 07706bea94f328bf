"""Benchmark support: the SQL queries of each request in a response header.

On only when ``BENCH_QUERY_COUNT`` is set (``make bench-load`` sets it); never in production.
``X-Bench-Queries`` counts every statement the request sent to the default database, through
``connection.execute_wrapper``, so it works without ``DEBUG``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse


class QueryCountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(count)
        return response
