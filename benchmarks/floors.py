"""Reference views for ``make bench-load``: what the stack costs before Wangge's own work.

The framework floor (``/healthz``) is the cheapest request. These two measure the cheapest a
scenario of the same kind could be, on the same server and run:

* ``write_floor``: the 随手拍 POST's floor. An anonymous form POST checked for its CSRF token,
  stored as one row (one INSERT, one commit), answered with a redirect, as an intake queue
  that validated nothing would answer.
* ``page_floor``: the workbench's floor. A signed-in user's page in the house layout
  (``base.html``: the menu with its permission checks, the inbox count) with nothing in it.

Only the benchmark's server has them (``benchmarks.settings``); they write to their own table.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template import engines
from django.views.decorators.http import require_POST

TABLE = "bench_write_floor"  # made and emptied by bench_load.py before each run (``floor_table``)
CREATE_TABLE = (f"CREATE TABLE IF NOT EXISTS {TABLE} "
                "(id BIGSERIAL PRIMARY KEY, created TIMESTAMPTZ NOT NULL DEFAULT now(), body TEXT NOT NULL)")


@functools.cache
def _empty_page() -> Any:
    return engines["django"].from_string(
        '{% extends "base.html" %}{% block title %}floor{% endblock %}{% block content %}{% endblock %}'
    )


@require_POST
def write_floor(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (body) VALUES (%s)", [json.dumps(request.POST.dict(), ensure_ascii=False)])
    return redirect("public_cases:done")


@login_required
def page_floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_empty_page().render({}, request))
