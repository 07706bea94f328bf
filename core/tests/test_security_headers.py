"""The Content-Security-Policy and Permissions-Policy headers (core.security_headers)."""

import pytest

from core.security_headers import tile_sources

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    policy = response["Content-Security-Policy"]
    return {name: sources for name, *sources in (part.split() for part in policy.split("; "))}


def test_every_page_allows_only_its_own_scripts_and_styles(client):
    policy = directives(client.get("/login/"))

    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


def test_the_public_pages_get_it_too(client):
    assert directives(client.get("/s/report/"))["script-src"] == ["'self'"]


def test_the_map_tiles_may_load_from_the_tile_server(client, settings):
    settings.MAP_TILE_URL = "https://webrd0{s}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}"
    settings.MAP_TILE_SUBDOMAINS = "12"

    assert directives(client.get("/login/"))["img-src"] == [
        "'self'", "data:", "https://webrd01.is.autonavi.com", "https://webrd02.is.autonavi.com",
    ]


@pytest.mark.parametrize(("template", "subdomains", "sources"), [
    ("", "abc", []),
    ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "abc", ["https://tile.openstreetmap.org"]),
    ("https://{s}.tile.example.cn:8443/{z}/{x}/{y}.png", "ab", ["https://a.tile.example.cn:8443",
                                                                "https://b.tile.example.cn:8443"]),
    ("https://t{s}.tianditu.gov.cn/vec_w/wmts?tk=KEY", "01", ["https://t0.tianditu.gov.cn",
                                                              "https://t1.tianditu.gov.cn"]),
    ("https://{z}.tiles.example.cn/{x}/{y}.png", "abc", ["https:"]),
    ("/tiles/{z}/{x}/{y}.png", "abc", []),
    ("javascript:alert(1)//{z}", "abc", []),
])
def test_the_tile_sources_follow_the_url_template(template, subdomains, sources):
    assert tile_sources(template, subdomains) == sources


def test_report_only_mode_reports_without_enforcing(client, settings):
    settings.CSP_REPORT_ONLY = True
    settings.CSP_REPORT_URI = "https://csp.example.cn/report"

    response = client.get("/login/")

    assert "Content-Security-Policy" not in response
    assert response["Content-Security-Policy-Report-Only"].endswith("; report-uri https://csp.example.cn/report")


def test_only_the_position_is_allowed_of_the_powerful_features(client):
    features = dict(item.split("=") for item in client.get("/s/report/")["Permissions-Policy"].split(", "))

    assert features.pop("geolocation") == "(self)"
    assert {"camera", "microphone", "payment", "usb"} <= set(features)
    assert set(features.values()) == {"()"}
