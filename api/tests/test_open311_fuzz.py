"""Garbage never breaks the Open311 server: random parameters to every method answer a parseable
document with a status the spec knows (200, 400, 403, 404, 429), never a 500.

Deterministic (``derandomize``, no example database) and small, so it runs in the ordinary suite.
"""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest
from django.core.cache import caches
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.tests.open311_helpers import BASE, issue_key
from cases.testing import report

pytestmark = pytest.mark.django_db

NAMES = [
    "service_request_id",
    "service_code",
    "start_date",
    "end_date",
    "status",
    "page",
    "page_size",
    "extensions",
    "jurisdiction_id",
    "lat",
    "long",
    "address_string",
    "description",
    "phone",
    "first_name",
    "last_name",
    "email",
    "device_id",
    "account_id",
    "media_url",
    "attribute[area]",
    "attribute[area][]",
]
TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1e999",
            "nan",
            "2026-02-30T00:00:00Z",
            "9999-12-31T23:59:59+14:00",
            "t-building",
            "t-dispute",
            "open,closed",
            "\x00",
            "<x>&",
            "１２",
            "113.51",
            "34.72",
        ]
    ),
)
PARAMETERS = st.dictionaries(st.sampled_from(NAMES), TEXT, max_size=8)
GETS = [
    "discovery",
    "services",
    "services/t-building",
    "requests",
    "requests/20260101000001",
    "tokens/abc",
    "servicerequestupdates",
]
ALLOWED = {200, 400, 403, 404, 429}


def _check(response, fmt: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code in ALLOWED, response.content[:300]
    if fmt == "json":
        json.loads(response.content)
    else:
        ElementTree.fromstring(response.content)


@pytest.fixture
def world(cc) -> str:  # type: ignore[no-untyped-def]
    report(cc, category="t-building", longitude=113.51, latitude=34.72)
    return issue_key(cc.cast.superuser)


def test_no_garbage_breaks_a_read(world: str) -> None:
    client = Client()

    @settings(max_examples=60, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(method=st.sampled_from(GETS), fmt=st.sampled_from(["json", "xml"]), query=PARAMETERS)
    def run(method: str, fmt: str, query: dict[str, str]) -> None:
        _check(client.get(f"{BASE}/{method}.{fmt}", query), fmt)

    run()


def test_no_garbage_breaks_a_post(world: str) -> None:
    client = Client()

    @settings(max_examples=40, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(fmt=st.sampled_from(["json", "xml"]), body=PARAMETERS, with_key=st.booleans())
    def run(fmt: str, body: dict[str, str], with_key: bool) -> None:
        caches["default"].clear()
        data = {"service_code": "t-building", **body}
        if with_key:
            data["api_key"] = world
        _check(client.post(f"{BASE}/requests.{fmt}", data), fmt)

    run()


@pytest.mark.parametrize("name", ["service_request_id", "service_code", "device_id", "jurisdiction_id"])
def test_a_nul_character_is_a_400_naming_the_parameter(world: str, name: str) -> None:
    client = Client()
    read = client.get(f"{BASE}/requests.json", {name: "a\x00b"})
    post = client.post(f"{BASE}/requests.json", {"api_key": world, "service_code": "t-building", name: "a\x00b"})
    for response in (read, post):
        assert response.status_code == 400 and json.loads(response.content)[0]["description"].startswith(name)
