"""The schema and its two readers, served offline under the site's policy."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_schema_is_openapi_3_and_public(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/cases/{number}/accept/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["accessToken"]["scheme"] == "bearer"
    assert "409" in schema["paths"]["/api/v1/cases/{number}/accept/"]["post"]["responses"]


def test_swagger_ui_loads_everything_from_our_origin_without_inline_code(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<style" not in html and "<script>" not in html
    assert "cdn" not in html.lower() and "https://" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()


def test_redoc_has_its_own_policy_for_styles_only(client):
    response = client.get("/api/v1/redoc/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html and "https://" not in html
    assert 'spec-url="/api/v1/schema/"' in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "worker-src 'self' blob:" in policy


def test_a_process_builds_one_schema_at_a_time(client, monkeypatch):
    """drf-spectacular's first use of its extensions is not thread-safe (upstream #1122: two schema
    requests at once under a threaded server answered 500): the view builds one schema at a time."""
    import threading
    import time

    from django.db import connections
    from drf_spectacular.generators import SchemaGenerator

    building, most = [0], [0]
    guard = threading.Lock()

    def slow_schema(self, request=None, public=False):  # type: ignore[no-untyped-def]
        with guard:
            building[0] += 1
            most[0] = max(most[0], building[0])
        time.sleep(0.05)
        with guard:
            building[0] -= 1
        return {"openapi": "3.0.3", "info": {"title": "x", "version": "1"}, "paths": {}}

    monkeypatch.setattr(SchemaGenerator, "get_schema", slow_schema)
    statuses: list[int] = []

    def ask() -> None:
        try:
            statuses.append(client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").status_code)
        finally:
            connections.close_all()  # the thread's own connections, if the request opened any

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 4
    assert most[0] == 1
