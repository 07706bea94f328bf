"""``benchmarks.floors``: the reference views of ``make bench-load`` answer as the benchmark
expects, and exist only in the benchmark's server (``benchmarks.settings``).

The write floor checks the CSRF token and stores one row per POST; the page floor is the house
layout for a signed-in user, nothing else. The product's own URLs know neither.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client, override_settings

from benchmarks.floors import CREATE_TABLE, TABLE

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]

bench_urls = override_settings(ROOT_URLCONF="benchmarks.urls")


def _rows() -> list[dict[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT body FROM {TABLE} ORDER BY id")
        return [json.loads(body) for (body,) in cursor.fetchall()]


@bench_urls
def test_the_write_floor_stores_one_row_per_csrf_checked_post() -> None:
    with connection.cursor() as cursor:
        cursor.execute(CREATE_TABLE)
    client = Client(enforce_csrf_checks=True)
    client.get("/s/report/")  # as the benchmark's client does: the CSRF cookie of the report form
    token = client.cookies["csrftoken"].value

    refused = client.post("/bench/write-floor/", {"description": "路灯不亮"})
    assert refused.status_code == 403 and _rows() == []

    answered = client.post("/bench/write-floor/", {"description": "路灯不亮", "csrfmiddlewaretoken": token})
    assert answered.status_code == 302 and answered["Location"] == "/s/report/done/"
    assert _rows() == [{"description": "路灯不亮", "csrfmiddlewaretoken": token}]
    assert client.get("/bench/write-floor/").status_code == 405


@bench_urls
def test_the_page_floor_is_the_layout_for_a_signed_in_user(cast) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.get("/bench/page-floor/")["Location"].startswith("/login/")
    client.force_login(cast.street_leader)
    page = client.get("/bench/page-floor/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="nav-main"' in html and 'id="inbox-link"' in html and str(cast.street_leader) in html
    assert "<main" in html and "</main>" in html


def test_the_product_has_no_floor_views(cast) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(cast.street_leader)
    assert client.get("/bench/page-floor/").status_code == 404
    assert client.post("/bench/write-floor/", {}).status_code in (403, 404)
